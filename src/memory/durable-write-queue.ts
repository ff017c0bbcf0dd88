import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { ExchangeMessage, MemoryOrigin } from './memory-store.js';
import { isMemoryUserId, type MemoryUserId, requireMemoryUserId } from './user-id.js';
import { memorySession } from './scope.js';
import { checkpoint, openSqliteFile } from '../storage/sqlite-file.js';

/** One exchange (or a batch of them) to remember for one person: the arguments of one `MemoryStore.add`. */
export interface MemoryWriteJob {
  userId: MemoryUserId;
  messages: ExchangeMessage[];
  origin: MemoryOrigin;
}

/** Memory writes kept on disk until they land, retried with backoff across failures and restarts. */
export interface MemoryWriteQueue {
  /** Puts one write on disk (synchronously durable) and returns; the worker writes it soon. */
  enqueue(job: MemoryWriteJob): void;
  /** Starts the worker: jobs of one user are written one batch at a time in order; different users in parallel up to `concurrency`. Jobs left on disk by an earlier run are picked up. */
  start(): void;
  /** Stops taking new jobs from disk, waits up to `timeoutMs` for jobs in flight, closes the database. Jobs not done stay on disk. */
  stop(timeoutMs: number): Promise<void>;
  /** Makes every job now waiting due at once, without waiting for its batch window (nothing more will join it, as at shutdown). */
  flush(): void;
  /** Removes every queued job of `userId` (for /forget), waits for that user's batch in flight to settle and clears their text from the file's WAL; returns how many were removed. */
  discard(userId: MemoryUserId): Promise<number>;
  /** Clears from the file's WAL the text of jobs written or discarded so far (it is zeroed in the file itself). */
  clearDeletedText(): void;
  /** Depth (every job on disk, those in flight included), age of the oldest job and jobs in flight, for logs and tests. */
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
  /**
   * How long a job waits after it was enqueued for more of the same person's exchanges in the same
   * memory scope to join it in one write; default 0 (write as soon as possible, still joining
   * whatever is already waiting).
   */
  batchWindowMs?: number;
  /** Most jobs written in one batch; a batch this full is written at once. Default 1 (no batching). */
  maxJobsPerBatch?: number;
  /** Most characters of messages in one batch (a single bigger job still goes, alone); default 12000. */
  maxBatchChars?: number;
  now?: () => number;
}

/** One person's waiting jobs in one memory scope, summarised: what decides when they are due. */
interface GroupRow {
  user_id: string;
  scope: string;
  head_id: number;
  waiting: number;
  chars: number;
  oldest_at: number;
  /** The head job's: a failed batch's jobs are its oldest, so this holds its backoff. */
  next_attempt_at: number;
}

interface JobRow {
  id: number;
  payload: string;
  attempts: number;
  chars: number;
}

interface InFlightBatch {
  ids: number[];
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
    audienceChannelId: z.string().optional(),
  }),
});

/**
 * The batching key of an origin: jobs are only ever merged within one memory scope (the mem0
 * session of `memorySession`), so a batch never mixes what was said in a DM and in a server.
 */
function scopeKey(origin: MemoryOrigin): string {
  try {
    return memorySession(origin);
  } catch {
    // An origin mem0 would refuse is never merged with another: its write fails on its own.
    return `invalid:${JSON.stringify(origin)}`;
  }
}

function messageChars(messages: readonly ExchangeMessage[]): number {
  return messages.reduce((sum, message) => sum + message.content.length, 0);
}

/**
 * A MemoryWriteQueue in SQLite. Waiting jobs of one person in one memory scope are merged into
 * one write (one mem0 add, one extraction call) of their messages in order. A job is deleted only
 * after the write that carried it resolved, so it is written at least once; the only way to write
 * it twice is a crash (or a `stop` timeout) between mem0 accepting it and the rows' deletion.
 */
export function createDurableWriteQueue(options: DurableWriteQueueOptions): MemoryWriteQueue {
  const { logger, write } = options;
  const now = options.now ?? Date.now;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const initialRetryDelayMs = options.initialRetryDelayMs ?? 1000;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
  const statsLogIntervalMs = options.statsLogIntervalMs ?? 60_000;
  const checkpointIntervalMs = 60_000;
  let checkpointTimer: ReturnType<typeof setInterval> | undefined;
  let landedSinceCheckpoint = false;
  const batchWindowMs = Math.max(0, options.batchWindowMs ?? 0);
  const maxJobsPerBatch = Math.max(1, options.maxJobsPerBatch ?? 1);
  const maxBatchChars = Math.max(1, options.maxBatchChars ?? 12_000);

  // An enqueued job survives the process dying (kill -9, a crash): see openSqliteFile.
  const db = openSqliteFile(options.path);
  db.exec(`CREATE TABLE IF NOT EXISTS memory_write_jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    scope TEXT,
    chars INTEGER
  );
  CREATE INDEX IF NOT EXISTS memory_write_jobs_by_user ON memory_write_jobs (user_id, id);`);
  addBatchColumns(db);
  db.exec(
    'CREATE INDEX IF NOT EXISTS memory_write_jobs_by_scope ON memory_write_jobs (user_id, scope, id)',
  );

  const insertJob = db.prepare(
    `INSERT INTO memory_write_jobs (user_id, payload, created_at, attempts, next_attempt_at, scope, chars)
     VALUES (?, ?, ?, 0, ?, ?, ?)`,
  );
  // Each person's waiting jobs per scope, oldest group first. Only a group's oldest jobs may be
  // written, which keeps each person's order within a scope.
  const selectGroups = db.prepare(
    `SELECT g.user_id, g.scope, g.head_id, g.waiting, g.chars, g.oldest_at, j.next_attempt_at
     FROM (SELECT user_id, scope, MIN(id) AS head_id, COUNT(*) AS waiting,
                  TOTAL(chars) AS chars, MIN(created_at) AS oldest_at
           FROM memory_write_jobs GROUP BY user_id, scope) AS g
     JOIN memory_write_jobs AS j ON j.id = g.head_id
     ORDER BY g.head_id`,
  );
  const selectBatch = db.prepare(
    `SELECT id, payload, attempts, chars FROM memory_write_jobs
     WHERE user_id = ? AND scope = ? ORDER BY id LIMIT ?`,
  );
  const deleteJob = db.prepare('DELETE FROM memory_write_jobs WHERE id = ?');
  const deleteUserJobs = db.prepare('DELETE FROM memory_write_jobs WHERE user_id = ?');
  const rescheduleJob = db.prepare(
    'UPDATE memory_write_jobs SET attempts = ?, next_attempt_at = ? WHERE id = ?',
  );
  const selectDepth = db.prepare(
    'SELECT COUNT(*) AS depth, MIN(created_at) AS oldest, MAX(id) AS newest FROM memory_write_jobs',
  );
  const deleteJobs = db.transaction((ids: readonly number[]) => {
    for (const id of ids) deleteJob.run(id);
  });
  const rescheduleJobs = db.transaction(
    (ids: readonly number[], attempts: number, nextAttemptAt: number) => {
      let changed = 0;
      for (const id of ids) changed += rescheduleJob.run(attempts, nextAttemptAt, id).changes;
      return changed;
    },
  );

  const inFlight = new Map<string, InFlightBatch>();
  const emptyWaiters = new Set<(empty: boolean) => void>();
  let started = false;
  let stopping = false;
  let closed = false;
  let pumpScheduled = false;
  // Jobs up to this id are due without waiting for their batch window (see `flush`).
  let flushedThroughId = 0;
  let wakeTimer: NodeJS.Timeout | undefined;
  let statsTimer: NodeJS.Timeout | undefined;

  function requireOpen(): void {
    if (closed || stopping) throw new Error('The memory write queue is stopped');
  }

  function depthRow() {
    if (closed) throw new Error('The memory write queue is stopped');
    return selectDepth.get() as { depth: number; oldest: number | null; newest: number | null };
  }

  function stats() {
    const row = depthRow();
    let jobsInFlight = 0;
    for (const batch of inFlight.values()) jobsInFlight += batch.ids.length;
    return {
      depth: row.depth,
      oldestAgeMs: row.oldest === null ? undefined : Math.max(0, now() - row.oldest),
      inFlight: jobsInFlight,
    };
  }

  function isEmpty(): boolean {
    return inFlight.size === 0 && depthRow().depth === 0;
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

  /** When a group may be written: after its retry backoff, and after its window unless it is full. */
  function dueAt(group: GroupRow): number {
    const full = group.waiting >= maxJobsPerBatch || group.chars >= maxBatchChars;
    if (full || group.head_id <= flushedThroughId) return group.next_attempt_at;
    return Math.max(group.next_attempt_at, group.oldest_at + batchWindowMs);
  }

  /** Starts every batch that may run now, and sets one timer for the next one due later. */
  function pump(): void {
    if (!started || stopping || closed) return;
    clearTimeout(wakeTimer);
    wakeTimer = undefined;
    const at = now();
    let nextWakeAt: number | undefined;
    for (const group of selectGroups.all() as GroupRow[]) {
      // One batch per person at a time; the one in flight pumps again when it is over.
      if (inFlight.has(group.user_id)) continue;
      const due = dueAt(group);
      if (due > at) {
        nextWakeAt = Math.min(nextWakeAt ?? Infinity, due);
      } else if (inFlight.size < concurrency) {
        startBatch(group);
      }
      // A due batch beyond `concurrency` waits for a running one to finish, which pumps again.
    }
    if (nextWakeAt !== undefined) {
      wakeTimer = setTimeout(pump, Math.max(0, nextWakeAt - at));
      wakeTimer.unref();
    }
  }

  /** Takes the group's oldest jobs, within the batch's limits, and starts writing them. */
  function startBatch(group: GroupRow): void {
    const candidates = selectBatch.all(group.user_id, group.scope, maxJobsPerBatch) as JobRow[];
    const rows: JobRow[] = [];
    let chars = 0;
    for (const row of candidates) {
      if (rows.length > 0 && chars + row.chars > maxBatchChars) break;
      rows.push(row);
      chars += row.chars;
    }
    // Registered before the attempt starts: corrupt rows or a `write` that throws at once end
    // the attempt synchronously, and its cleanup must find this entry.
    const batch: InFlightBatch = { ids: rows.map((row) => row.id), done: Promise.resolve() };
    inFlight.set(group.user_id, batch);
    batch.done = attempt(group.user_id, rows, batch);
  }

  /** Writes one batch; settles when the attempt is over, leaving its rows deleted or rescheduled. */
  async function attempt(userId: string, rows: JobRow[], batch: InFlightBatch): Promise<void> {
    const firstId = rows[0]?.id;
    try {
      const jobs: Array<{ row: JobRow; job: MemoryWriteJob }> = [];
      for (const row of rows) {
        const job = readJob(userId, row);
        if (job === undefined) deleteJob.run(row.id);
        else jobs.push({ row, job });
      }
      const merged = mergeJobs(jobs.map((each) => each.job));
      if (merged === undefined) return;
      const ids = jobs.map((each) => each.row.id);
      try {
        await write(merged);
      } catch (error) {
        // Closed by a `stop` that did not wait this long: the rows stay as they were, for the next run.
        if (closed) return;
        const attempts = Math.max(...jobs.map((each) => each.row.attempts)) + 1;
        const retryInMs = retryDelayMs(attempts);
        // All of the batch's jobs wait and are retried together (with any that joined meanwhile).
        const changed = rescheduleJobs(ids, attempts, now() + retryInMs);
        // No rows: the batch was discarded while in flight (/forget), so it must not be retried.
        if (changed === 0) return;
        // The logger keeps an error's kind and codes, never its message (it may echo the text).
        logger.warn(
          { err: error, attempts, retryInMs, jobs: ids.length, ...depthAndAge() },
          'memory write failed; will retry',
        );
        logger.debug({ userId, jobId: firstId, attempts }, 'memory write to retry');
        return;
      }
      if (!closed) {
        deleteJobs(ids);
        landedSinceCheckpoint = true;
      }
      logger.debug({ userId, jobId: firstId, jobs: ids.length }, 'memory write landed');
    } catch (error) {
      // Only the database can fail here; the jobs stay on disk for the next run.
      logger.error({ err: error, jobId: firstId }, 'memory write queue bookkeeping failed');
    } finally {
      if (inFlight.get(userId) === batch) inFlight.delete(userId);
      if (!closed) {
        notifyIfEmpty();
        schedulePump();
      }
    }
  }

  /** The job a row holds, or undefined (logged) when the row cannot be trusted. */
  function readJob(userId: string, row: JobRow): MemoryWriteJob | undefined {
    const drop = (reason: string) => {
      logger.warn({ jobId: row.id, reason }, 'dropped an unreadable memory write job');
      return undefined;
    };
    if (!isMemoryUserId(userId)) return drop('bad user id');
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.payload);
    } catch {
      // The parser's message quotes the payload, which is private: keep only a fixed reason.
      return drop('payload is not JSON');
    }
    const result = payloadSchema.safeParse(parsed);
    if (!result.success) return drop('payload has the wrong shape');
    const { origin } = result.data;
    // Queued by a version whose server memories had no channel audience: the channel it was
    // said in is the narrowest audience it can have.
    if (origin.kind === 'guild' && origin.audienceChannelId === undefined && origin.channelId) {
      return {
        userId,
        messages: result.data.messages,
        origin: { ...origin, audienceChannelId: origin.channelId },
      };
    }
    return { userId, messages: result.data.messages, origin };
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
      const messages = job.messages.map(({ role, content }) => ({ role, content }));
      const payload = JSON.stringify({ messages, origin: job.origin });
      const at = now();
      insertJob.run(userId, payload, at, at, scopeKey(job.origin), messageChars(messages));
      schedulePump();
    },

    start() {
      requireOpen();
      if (started) return;
      started = true;
      statsTimer = setInterval(logStats, statsLogIntervalMs);
      statsTimer.unref();
      // The text of written exchanges stays in the WAL until a checkpoint truncates it; once a
      // minute at most, not after each write (its fsync would block the event loop).
      checkpointTimer = setInterval(() => {
        if (closed || !landedSinceCheckpoint) return;
        landedSinceCheckpoint = false;
        checkpoint(db);
      }, checkpointIntervalMs);
      checkpointTimer.unref();
      const { depth } = stats();
      if (depth > 0) logger.info({ depth }, 'memory writes left by an earlier run will be retried');
      pump();
    },

    async stop(timeoutMs) {
      if (closed || stopping) return;
      stopping = true;
      clearTimeout(wakeTimer);
      clearInterval(statsTimer);
      clearInterval(checkpointTimer);
      wakeTimer = undefined;
      statsTimer = undefined;
      if (inFlight.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...inFlight.values()].map((batch) => batch.done)),
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

    flush() {
      if (closed || stopping) return;
      flushedThroughId = Math.max(flushedThroughId, depthRow().newest ?? 0);
      schedulePump();
    },

    async discard(userId) {
      if (closed) throw new Error('The memory write queue is stopped');
      const running = inFlight.get(userId);
      // The running batch's rows go too, so that a failed attempt is not retried after the
      // person asked to forget; they are not counted, as that write may already have landed.
      if (running !== undefined) deleteJobs(running.ids);
      const removed = deleteUserJobs.run(userId).changes;
      if (running !== undefined) await running.done;
      // The exchanges of their jobs written earlier are zeroed in the file but not yet in the WAL.
      if (!closed) checkpoint(db);
      logger.debug({ userId, removed }, 'discarded queued memory writes');
      notifyIfEmpty();
      return removed;
    },

    clearDeletedText() {
      if (!closed) checkpoint(db);
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

/**
 * One write of several jobs of one person in one scope: their messages in order. The channel is
 * kept only when they share it (a server's channels share one memory scope), so a memory never
 * names a channel it was not said in.
 */
function mergeJobs(jobs: readonly MemoryWriteJob[]): MemoryWriteJob | undefined {
  const [first] = jobs;
  if (first === undefined) return undefined;
  if (jobs.length === 1) return first;
  const { channelId, ...origin } = first.origin;
  const sameChannel = jobs.every((job) => job.origin.channelId === channelId);
  return {
    userId: first.userId,
    messages: jobs.flatMap((job) => job.messages),
    origin: sameChannel && channelId !== undefined ? { ...origin, channelId } : origin,
  };
}

/**
 * Adds the batching columns to a queue written by a version without them, filling them in from
 * each row's payload. A row that cannot be read gets a scope of its own: it is never merged with
 * another person's words, and is dropped with a log line when its turn comes.
 */
function addBatchColumns(db: Database.Database): void {
  const columns = (
    db.prepare('PRAGMA table_info(memory_write_jobs)').all() as { name: string }[]
  ).map((column) => column.name);
  if (!columns.includes('scope')) db.exec('ALTER TABLE memory_write_jobs ADD COLUMN scope TEXT');
  if (!columns.includes('chars')) db.exec('ALTER TABLE memory_write_jobs ADD COLUMN chars INTEGER');
  const missing = db
    .prepare('SELECT id, payload FROM memory_write_jobs WHERE scope IS NULL OR chars IS NULL')
    .all() as Array<{ id: number; payload: string }>;
  if (missing.length === 0) return;
  const fill = db.prepare('UPDATE memory_write_jobs SET scope = ?, chars = ? WHERE id = ?');
  db.transaction(() => {
    for (const row of missing) {
      let parsed: z.infer<typeof payloadSchema> | undefined;
      try {
        const result = payloadSchema.safeParse(JSON.parse(row.payload));
        parsed = result.success ? result.data : undefined;
      } catch {
        parsed = undefined;
      }
      if (parsed === undefined) fill.run(`unreadable:${row.id}`, 0, row.id);
      else fill.run(scopeKey(parsed.origin), messageChars(parsed.messages), row.id);
    }
  })();
}
