import Database from 'better-sqlite3';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { ExchangeMessage, MemoryOrigin } from './memory-store.js';
import { isMemoryUserId, type MemoryUserId, requireMemoryUserId } from './user-id.js';

/** One exchange to remember for one person: the arguments of one `MemoryStore.add`. */
export interface MemoryWriteJob {
  userId: MemoryUserId;
  messages: ExchangeMessage[];
  origin: MemoryOrigin;
}

/** Memory writes kept on disk until they land, retried with backoff across failures and restarts. */
export interface MemoryWriteQueue {
  /** Puts one write on disk (synchronously durable) and returns; the worker writes it soon. */
  enqueue(job: MemoryWriteJob): void;
  /** Starts the worker: jobs of one user are written one at a time in order; different users in parallel up to `concurrency`. Jobs left on disk by an earlier run are picked up. */
  start(): void;
  /** Stops taking new jobs from disk, waits up to `timeoutMs` for jobs in flight, closes the database. Jobs not done stay on disk. */
  stop(timeoutMs: number): Promise<void>;
  /** Removes every queued job of `userId` (for /forget) and waits for that user's job in flight to settle; returns how many were removed. */
  discard(userId: MemoryUserId): Promise<number>;
  /** Depth (every job on disk, those in flight included) and age of the oldest job, for logs and tests. */
  stats(): { depth: number; oldestAgeMs: number | undefined; inFlight: number };
  /** Resolves true when no job is queued or in flight, false after `timeoutMs`. */
  whenEmpty(timeoutMs: number): Promise<boolean>;
}

/** Options for `createDurableWriteQueue`. */
export interface DurableWriteQueueOptions {
  /** SQLite file (its folder exists); one queue per file at a time. */
  path: string;
  /** The real memory write (mem0 add); a rejection means "try again later". */
  write: (job: MemoryWriteJob) => Promise<void>;
  logger: Logger;
  /** Most users whose jobs are written at once; default 4. */
  concurrency?: number;
  /** Wait before the first retry; default 1000. */
  initialRetryDelayMs?: number;
  /** Longest wait between retries (exponential backoff with jitter, capped); default 60000. */
  maxRetryDelayMs?: number;
  /** While jobs are waiting, their depth and age are logged at info this often; default 60000. */
  statsLogIntervalMs?: number;
  now?: () => number;
}

interface JobRow {
  id: number;
  user_id: string;
  payload: string;
  attempts: number;
  next_attempt_at: number;
}

interface InFlightJob {
  id: number;
  /** Settles when the attempt is over; never rejects. */
  done: Promise<void>;
}

// What a row's payload must hold; anything else on disk is dropped rather than sent to mem0.
const payloadSchema = z.object({
  messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.string() })),
  origin: z.object({
    kind: z.enum(['dm', 'guild', 'terminal']),
    guildId: z.string().optional(),
    channelId: z.string().optional(),
  }),
});

/**
 * A MemoryWriteQueue in SQLite. A job is deleted only after `write` resolved, so it is written
 * at least once; the only way to write it twice is a crash (or a `stop` timeout) between mem0
 * accepting it and the row's deletion.
 */
export function createDurableWriteQueue(options: DurableWriteQueueOptions): MemoryWriteQueue {
  const { logger, write } = options;
  const now = options.now ?? Date.now;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const initialRetryDelayMs = options.initialRetryDelayMs ?? 1000;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
  const statsLogIntervalMs = options.statsLogIntervalMs ?? 60_000;

  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit is in the OS before `enqueue` returns, so an enqueued job
  // survives the process dying (kill -9, a crash); only an OS crash or power cut can lose the
  // last moments. FULL would also cover those, but its fsync per job blocks the event loop
  // (better-sqlite3 is synchronous), which under load delayed everyone's replies.
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS memory_write_jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS memory_write_jobs_by_user ON memory_write_jobs (user_id, id);`);

  const insertJob = db.prepare(
    `INSERT INTO memory_write_jobs (user_id, payload, created_at, attempts, next_attempt_at)
     VALUES (?, ?, ?, 0, ?)`,
  );
  // The oldest job of each user: only it may be written, which keeps each user's order.
  const selectHeads = db.prepare(
    `SELECT id, user_id, payload, attempts, next_attempt_at FROM memory_write_jobs
     WHERE id IN (SELECT MIN(id) FROM memory_write_jobs GROUP BY user_id)
     ORDER BY id`,
  );
  const deleteJob = db.prepare('DELETE FROM memory_write_jobs WHERE id = ?');
  const deleteUserJobsExcept = db.prepare(
    'DELETE FROM memory_write_jobs WHERE user_id = ? AND id != ?',
  );
  const rescheduleJob = db.prepare(
    'UPDATE memory_write_jobs SET attempts = ?, next_attempt_at = ? WHERE id = ?',
  );
  const selectDepth = db.prepare(
    'SELECT COUNT(*) AS depth, MIN(created_at) AS oldest FROM memory_write_jobs',
  );

  const inFlight = new Map<string, InFlightJob>();
  const emptyWaiters = new Set<(empty: boolean) => void>();
  let started = false;
  let stopping = false;
  let closed = false;
  let pumpScheduled = false;
  let wakeTimer: NodeJS.Timeout | undefined;
  let statsTimer: NodeJS.Timeout | undefined;

  function requireOpen(): void {
    if (closed || stopping) throw new Error('The memory write queue is stopped');
  }

  function stats() {
    if (closed) throw new Error('The memory write queue is stopped');
    const row = selectDepth.get() as { depth: number; oldest: number | null };
    return {
      depth: row.depth,
      oldestAgeMs: row.oldest === null ? undefined : Math.max(0, now() - row.oldest),
      inFlight: inFlight.size,
    };
  }

  function isEmpty(): boolean {
    return inFlight.size === 0 && stats().depth === 0;
  }

  function notifyIfEmpty(): void {
    if (closed || emptyWaiters.size === 0 || !isEmpty()) return;
    for (const resolve of [...emptyWaiters]) resolve(true);
  }

  function schedulePump(): void {
    if (pumpScheduled) return;
    pumpScheduled = true;
    queueMicrotask(() => {
      pumpScheduled = false;
      pump();
    });
  }

  /** Starts every job that may run now, and sets one timer for the next retry that is due later. */
  function pump(): void {
    if (!started || stopping || closed) return;
    clearTimeout(wakeTimer);
    wakeTimer = undefined;
    const at = now();
    let nextWakeAt: number | undefined;
    for (const row of selectHeads.all() as JobRow[]) {
      if (inFlight.has(row.user_id)) continue;
      if (row.next_attempt_at > at) {
        nextWakeAt = Math.min(nextWakeAt ?? Infinity, row.next_attempt_at);
      } else if (inFlight.size < concurrency) {
        // Registered before the attempt starts: a corrupt row or a `write` that throws at once
        // ends the attempt synchronously, and its cleanup must find this entry.
        const job: InFlightJob = { id: row.id, done: Promise.resolve() };
        inFlight.set(row.user_id, job);
        job.done = attempt(row);
      }
      // A due job beyond `concurrency` waits for a running one to finish, which pumps again.
    }
    if (nextWakeAt !== undefined) {
      wakeTimer = setTimeout(pump, Math.max(0, nextWakeAt - at));
      wakeTimer.unref();
    }
  }

  /** Writes one job; settles when the attempt is over, leaving the row deleted or rescheduled. */
  async function attempt(row: JobRow): Promise<void> {
    try {
      const job = readJob(row);
      if (job === undefined) {
        deleteJob.run(row.id);
        return;
      }
      try {
        await write(job);
      } catch (error) {
        // Closed by a `stop` that did not wait this long: the row stays as it was, for the next run.
        if (closed) return;
        const attempts = row.attempts + 1;
        const retryInMs = retryDelayMs(attempts);
        const changed = rescheduleJob.run(attempts, now() + retryInMs, row.id).changes;
        // No row: the job was discarded while in flight (/forget), so it must not be retried.
        if (changed === 0) return;
        // Errors are summarised, not logged whole: an upstream error may echo the request's text.
        logger.warn(
          { ...errorSummary(error), attempts, retryInMs, ...depthAndAge() },
          'memory write failed; will retry',
        );
        logger.debug({ userId: row.user_id, jobId: row.id, attempts }, 'memory write to retry');
        return;
      }
      if (!closed) deleteJob.run(row.id);
      logger.debug({ userId: row.user_id, jobId: row.id }, 'memory write landed');
    } catch (error) {
      // Only the database can fail here; the job stays on disk for the next run.
      logger.error(
        { ...errorSummary(error), jobId: row.id },
        'memory write queue bookkeeping failed',
      );
    } finally {
      if (inFlight.get(row.user_id)?.id === row.id) inFlight.delete(row.user_id);
      if (!closed) {
        notifyIfEmpty();
        schedulePump();
      }
    }
  }

  /** The job a row holds, or undefined (logged) when the row cannot be trusted. */
  function readJob(row: JobRow): MemoryWriteJob | undefined {
    const drop = (reason: string) => {
      logger.warn({ jobId: row.id, reason }, 'dropped an unreadable memory write job');
      return undefined;
    };
    if (!isMemoryUserId(row.user_id)) return drop('bad user id');
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.payload);
    } catch {
      // The parser's message quotes the payload, which is private: keep only a fixed reason.
      return drop('payload is not JSON');
    }
    const result = payloadSchema.safeParse(parsed);
    if (!result.success) return drop('payload has the wrong shape');
    return { userId: row.user_id, messages: result.data.messages, origin: result.data.origin };
  }

  function retryDelayMs(attempts: number): number {
    const capped = Math.min(maxRetryDelayMs, initialRetryDelayMs * 2 ** (attempts - 1));
    // "Equal jitter": at least half the delay, so retries still back off, but spread out.
    return Math.round(capped / 2 + (Math.random() * capped) / 2);
  }

  function depthAndAge(): { depth: number; oldestAgeMs: number | undefined } {
    const { depth, oldestAgeMs } = stats();
    return { depth, oldestAgeMs };
  }

  function logStats(): void {
    if (closed) return;
    const current = stats();
    if (current.depth > 0) logger.info(current, 'memory writes waiting');
  }

  return {
    enqueue(job) {
      requireOpen();
      const userId = requireMemoryUserId(job.userId);
      const payload = JSON.stringify({
        messages: job.messages.map(({ role, content }) => ({ role, content })),
        origin: job.origin,
      });
      const at = now();
      insertJob.run(userId, payload, at, at);
      schedulePump();
    },

    start() {
      requireOpen();
      if (started) return;
      started = true;
      statsTimer = setInterval(logStats, statsLogIntervalMs);
      statsTimer.unref();
      const { depth } = stats();
      if (depth > 0) logger.info({ depth }, 'memory writes left by an earlier run will be retried');
      pump();
    },

    async stop(timeoutMs) {
      if (closed || stopping) return;
      stopping = true;
      clearTimeout(wakeTimer);
      clearInterval(statsTimer);
      wakeTimer = undefined;
      statsTimer = undefined;
      if (inFlight.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...inFlight.values()].map((job) => job.done)),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, timeoutMs);
          }),
        ]);
        clearTimeout(timer);
      }
      if (inFlight.size > 0) {
        logger.warn(
          { inFlight: inFlight.size },
          'memory writes still in flight at stop stay queued and will be retried',
        );
      }
      const empty = isEmpty();
      closed = true;
      db.close();
      for (const resolve of [...emptyWaiters]) resolve(empty);
    },

    async discard(userId) {
      if (closed) throw new Error('The memory write queue is stopped');
      const running = inFlight.get(userId);
      const removed = deleteUserJobsExcept.run(userId, running?.id ?? -1).changes;
      if (running !== undefined) {
        // Its row goes too, so that a failed attempt is not retried after the person asked to forget.
        deleteJob.run(running.id);
        await running.done;
      }
      logger.debug({ userId, removed }, 'discarded queued memory writes');
      notifyIfEmpty();
      return removed;
    },

    stats,

    whenEmpty(timeoutMs) {
      if (closed) return Promise.resolve(false);
      if (isEmpty()) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const finish = (empty: boolean) => {
          clearTimeout(timer);
          emptyWaiters.delete(finish);
          resolve(empty);
        };
        const timer = setTimeout(() => finish(false), timeoutMs);
        timer.unref();
        emptyWaiters.add(finish);
      });
    },
  };
}

/** The kind of an error without its message, which may quote the text that was being written. */
function errorSummary(error: unknown): { errorName: string; errorStatus?: number | string } {
  if (!(error instanceof Error)) return { errorName: typeof error };
  const { status, statusCode, code } = error as {
    status?: unknown;
    statusCode?: unknown;
    code?: unknown;
  };
  const errorStatus = [status, statusCode, code].find(
    (value): value is number | string => typeof value === 'number' || typeof value === 'string',
  );
  return { errorName: error.name, ...(errorStatus === undefined ? {} : { errorStatus }) };
}
