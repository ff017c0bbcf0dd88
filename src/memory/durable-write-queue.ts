import type { Logger } from '../logger.js';
import type { MemoryWriteJob } from './memory-store.js';
import { type MemoryUserId, requireMemoryUserId } from './user-id.js';
import {
  type BatchLimits,
  dueAt,
  mergeJobs,
  messageChars,
  scopeKey,
  takeBatch,
  type WaitingGroup,
} from './write-batching.js';
import { decodeJob, encodeJobPayload } from './write-job-payload.js';
import {
  type AlarmPolicy,
  type FailureBounds,
  giveUpReason,
  jobsToMakeRoom,
  observeThreshold,
  quietAlarm,
} from './write-queue-bounds.js';
import {
  openWriteQueueDatabase,
  type QueuedJobRow,
  type QueueDepth,
  type WriteQueueDatabase,
} from './write-queue-database.js';
import { startStatsLog, type WriteQueueStats, writeQueueStats } from './write-queue-stats.js';
import { retryAfterFailure, type WriteRetryPolicy } from './write-retry-policy.js';

// The durable write queue's worker. Its parts: the SQLite file (write-queue-database.ts), what a
// row holds (write-job-payload.ts), which jobs go together (write-batching.ts), the backoff after
// a failure (write-retry-policy.ts), when it gives up and when it warns (write-queue-bounds.ts)
// and its stats (write-queue-stats.ts).

/**
 * Memory writes kept on disk until they land, retried with backoff across failures and restarts,
 * within bounds: a write that keeps failing (`maxAttempts`, `maxAgeMs`) and the oldest jobs of a
 * queue past `maxDepth` go to dead letters in the same file, kept `deadLetterRetentionMs` for an
 * operator to see, then deleted.
 */
export interface MemoryWriteQueue {
  /** Puts one write on disk (synchronously durable) and returns; the worker writes it soon. When that makes the queue deeper than `maxDepth`, its oldest jobs not in flight go to the dead letters. */
  enqueue(job: MemoryWriteJob): void;
  /** Starts the worker: jobs of one user are written one batch at a time in order; different users in parallel up to `concurrency`. Jobs left on disk by an earlier run are picked up; dead letters past their retention are deleted. */
  start(): void;
  /** Stops taking new jobs from disk, waits up to `timeoutMs` for jobs in flight, closes the database. Jobs not done stay on disk. */
  stop(timeoutMs: number): Promise<void>;
  /** Makes every job now waiting due at once, without waiting for its batch window (nothing more will join it, as at shutdown). */
  flush(): void;
  /** Removes every queued job and dead letter of `userId` (for /forget), waits for that user's batch in flight to settle and clears their text from the file's WAL; returns how many queued jobs were removed (not counting the batch in flight or dead letters). */
  discard(userId: MemoryUserId): Promise<number>;
  /** Clears from the file's WAL the text of jobs written or discarded, and of dead letters deleted, so far (it is zeroed in the file itself). */
  clearDeletedText(): void;
  /** Depth (every job on disk, those in flight included, dead letters not), age of the oldest job, jobs in flight and dead letters, for logs and tests. */
  stats(): WriteQueueStats;
  /** Resolves true when no job is queued or in flight (dead letters are not waiting), false after `timeoutMs`. */
  whenEmpty(timeoutMs: number): Promise<boolean>;
  /**
   * Resolves once every job enqueued so far is durable (on disk, or in Redis: see the Redis
   * queue, whose enqueue returns before Redis has it). Never rejects.
   */
  accepted(): Promise<void>;
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
  /** While jobs are waiting, or when dead letters were added, the stats are logged at info this often; default 60000. */
  statsLogIntervalMs?: number;
  /**
   * Most attempts of a job: a write that fails this many times goes to the dead letters instead
   * of being retried; default 500 (with the default backoff, capped at 60 s and jittered down to
   * half that: about 4 to 8 hours of failing, so that a long outage of mem0 loses nothing while a
   * job mem0 always refuses stops costing a request a minute; jobs that joined a failing batch
   * count its attempts, as they are written with it).
   */
  maxAttempts?: number;
  /** A write that fails when its oldest job is older than this goes to the dead letters; default 24 h. */
  maxAgeMs?: number;
  /**
   * Most jobs on disk (in flight included): an enqueue past it moves the oldest jobs not in flight
   * to the dead letters, with a warning at most once a minute; default 10000.
   */
  maxDepth?: number;
  /** Depth past which a warning says writes are backing up, once per crossing, before any is dropped; default 1000. */
  warnDepth?: number;
  /** How long dead letters are kept, for an operator to see what failed, before they are deleted (zeroed); default 7 days. */
  deadLetterRetentionMs?: number;
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
  /**
   * When the person last asked to be forgotten anywhere (ms since the epoch), for a queue that
   * one of several processes keeps: their jobs queued here before then are deleted unwritten. A
   * rejection counts as a failed write (retried later): a job is never written unchecked.
   */
  forgottenAt?: (userId: string) => Promise<number | undefined>;
  now?: () => number;
  /** A number in [0, 1) for the retry jitter; default Math.random. */
  random?: () => number;
}

interface InFlightBatch {
  ids: number[];
  /** Settles when the attempt is over; never rejects. */
  done: Promise<void>;
}

const stoppedMessage = 'The memory write queue is stopped';
// The text of written exchanges stays in the WAL until a checkpoint truncates it; once a minute
// at most, not after each write (its fsync would block the event loop).
// Dead letters past their retention are deleted on the same timer.
const checkpointIntervalMs = 60_000;
// The full and backing-up warnings: at most one a minute each, however the depth hovers.
const fullPolicy: AlarmPolicy = { minWarningIntervalMs: 60_000, repeatWhileOver: true };
const backlogPolicy: AlarmPolicy = { minWarningIntervalMs: 60_000, repeatWhileOver: false };
const dayMs = 24 * 60 * 60_000;

/**
 * A MemoryWriteQueue in SQLite. Waiting jobs of one person in one memory scope are merged into
 * one write (one mem0 add, one extraction call) of their messages in order. A job leaves the queue
 * only after the write that carried it resolved, so it is written at least once, or when it is
 * given up on (moved to the dead letters, in one transaction); the only way to write it twice is
 * a crash (or a `stop` timeout) between mem0 accepting it and the rows' deletion.
 */
export function createDurableWriteQueue(options: DurableWriteQueueOptions): MemoryWriteQueue {
  const { logger, write } = options;
  const now = options.now ?? Date.now;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const retryPolicy: WriteRetryPolicy = {
    initialRetryDelayMs: options.initialRetryDelayMs ?? 1000,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 60_000,
    random: options.random,
  };
  const statsLogIntervalMs = options.statsLogIntervalMs ?? 60_000;
  const bounds: FailureBounds = {
    maxAttempts: Math.max(1, options.maxAttempts ?? 500),
    maxAgeMs: Math.max(0, options.maxAgeMs ?? dayMs),
  };
  const maxDepth = Math.max(1, options.maxDepth ?? 10_000);
  const warnDepth = Math.max(0, options.warnDepth ?? 1_000);
  const deadLetterRetentionMs = Math.max(0, options.deadLetterRetentionMs ?? 7 * dayMs);
  const limits: BatchLimits = {
    batchWindowMs: Math.max(0, options.batchWindowMs ?? 0),
    maxJobsPerBatch: Math.max(1, options.maxJobsPerBatch ?? 1),
    maxBatchChars: Math.max(1, options.maxBatchChars ?? 12_000),
  };

  // Opened on first use (start, enqueue, a count), so that building the queue touches no file.
  let database: WriteQueueDatabase | undefined;
  const db = () => (database ??= openWriteQueueDatabase(options.path));
  const inFlight = new Map<string, InFlightBatch>();
  const emptyWaiters = new Set<(empty: boolean) => void>();
  let started = false;
  let stopping = false;
  let closed = false;
  let pumpScheduled = false;
  let landedSinceCheckpoint = false;
  let fullAlarm = quietAlarm;
  let backlogAlarm = quietAlarm;
  // Jobs up to this id are due without waiting for their batch window (see `flush`).
  let flushedThroughId = 0;
  let wakeTimer: NodeJS.Timeout | undefined;
  let checkpointTimer: NodeJS.Timeout | undefined;
  let stopStatsLog: (() => void) | undefined;

  function requireOpen(): void {
    if (closed || stopping) throw new Error(stoppedMessage);
  }

  function depth(): QueueDepth {
    if (closed) throw new Error(stoppedMessage);
    // Never opened (not started, nothing enqueued): nothing of this run is waiting, and whatever
    // an earlier run left stays on disk for the next start.
    return database?.depth() ?? { depth: 0, oldestCreatedAt: undefined, newestId: undefined };
  }

  function stats(): WriteQueueStats {
    const { depth: jobs, oldestCreatedAt } = depth();
    const queued = writeQueueStats({
      depth: jobs,
      oldestCreatedAt,
      inFlightBatches: inFlight.values(),
      now: now(),
    });
    return { ...queued, deadLetters: database?.deadLetterCount() ?? 0 };
  }

  /** After an enqueue: makes room past `maxDepth`, and warns of a full or backing-up queue. */
  function boundDepth(): void {
    const at = now();
    let jobs = db().depth().depth;
    let moved = 0;
    if (jobs > maxDepth) {
      const inFlightIds = new Set([...inFlight.values()].flatMap((batch) => batch.ids));
      const oldestIds = db().oldestJobIds(jobs - maxDepth + inFlightIds.size);
      const ids = jobsToMakeRoom({ depth: jobs, maxDepth, oldestIds, inFlightIds });
      moved = db().moveToDeadLetters({
        ids,
        reason: 'overflow',
        failedAt: at,
        attempts: undefined,
      });
      jobs -= moved;
      if (moved > 0) {
        logger.debug({ jobIds: ids }, 'memory write jobs moved to the dead letters to make room');
      }
    }
    const full = observeThreshold(fullAlarm, { over: moved > 0, moved, now: at }, fullPolicy);
    fullAlarm = full.alarm;
    if (full.warning !== undefined) {
      logger.warn(
        { reason: 'overflow', depth: jobs, maxDepth, moved: full.warning.moved },
        'memory write queue is full; its oldest jobs went to the dead letters',
      );
    }
    const over = jobs > warnDepth;
    const backlog = observeThreshold(backlogAlarm, { over, moved: 0, now: at }, backlogPolicy);
    backlogAlarm = backlog.alarm;
    if (backlog.warning !== undefined) {
      logger.warn({ depth: jobs, warnDepth, maxDepth }, 'memory writes are backing up');
    }
  }

  /** Deletes the dead letters past their retention; returns whether there were any. */
  function deleteExpiredDeadLetters(): boolean {
    const deleted = db().deleteDeadLettersFailedBefore(now() - deadLetterRetentionMs);
    if (deleted > 0) logger.info({ deleted }, 'deleted memory write dead letters past retention');
    return deleted > 0;
  }

  function isEmpty(): boolean {
    return inFlight.size === 0 && depth().depth === 0;
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

  /** Starts every batch that may run now, and sets one timer for the next one due later. */
  function pump(): void {
    if (!started || stopping || closed) return;
    clearTimeout(wakeTimer);
    wakeTimer = undefined;
    const at = now();
    let nextWakeAt: number | undefined;
    for (const group of db().waitingGroups()) {
      // One batch per person at a time; the one in flight pumps again when it is over.
      if (inFlight.has(group.userId)) continue;
      const due = dueAt({ group, limits, flushedThroughId });
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
  function startBatch(group: WaitingGroup): void {
    const rows = takeBatch(db().oldestJobs(group, limits.maxJobsPerBatch), limits);
    // Registered before the attempt starts: corrupt rows or a `write` that throws at once end
    // the attempt synchronously, and its cleanup must find this entry.
    const batch: InFlightBatch = { ids: rows.map((row) => row.id), done: Promise.resolve() };
    inFlight.set(group.userId, batch);
    batch.done = attempt(group.userId, rows, batch);
  }

  /** Writes one batch; settles when the attempt is over, leaving its rows deleted or rescheduled. */
  async function attempt(
    userId: string,
    rows: QueuedJobRow[],
    batch: InFlightBatch,
  ): Promise<void> {
    const firstId = rows[0]?.id;
    try {
      const jobs: Array<{ row: QueuedJobRow; job: MemoryWriteJob }> = [];
      for (const row of rows) {
        const decoded = decodeJob(userId, row.payload);
        if ('job' in decoded) {
          jobs.push({ row, job: decoded.job });
        } else {
          logger.warn(
            { jobId: row.id, reason: decoded.dropReason },
            'dropped an unreadable memory write job',
          );
          db().deleteJobs([row.id]);
        }
      }
      const merged = mergeJobs(jobs.map((each) => each.job));
      if (merged === undefined) return;
      const ids = jobs.map((each) => each.row.id);
      try {
        const fence = await options.forgottenAt?.(userId);
        const forgotten = jobs.filter((each) => fence !== undefined && each.row.createdAt <= fence);
        if (forgotten.length > 0) {
          // Those after the fence (if any) go in the next batch.
          if (!closed) db().deleteJobs(forgotten.map((each) => each.row.id));
          landedSinceCheckpoint = true;
          logger.info(
            { jobs: forgotten.length },
            'memory writes dropped unwritten: their person asked to be forgotten',
          );
          return;
        }
        await write(merged);
      } catch (error) {
        // Closed by a `stop` that did not wait this long: the rows stay as they were, for the next run.
        if (closed) return;
        const { attempts, retryInMs } = retryAfterFailure(
          jobs.map((each) => each.row.attempts),
          retryPolicy,
        );
        const failedAt = now();
        const oldestCreatedAt = Math.min(...jobs.map((each) => each.row.createdAt));
        const reason = giveUpReason({ attempts, oldestCreatedAt, now: failedAt, bounds });
        if (reason !== undefined) {
          const moved = db().moveToDeadLetters({ ids, reason, failedAt, attempts });
          // None moved: the batch was discarded while in flight (/forget), so nothing is kept.
          if (moved === 0) return;
          const { depth: waiting, deadLetters } = stats();
          logger.warn(
            {
              err: error,
              reason,
              jobs: moved,
              jobIds: ids,
              attempts,
              oldestAgeMs: Math.max(0, failedAt - oldestCreatedAt),
              depth: waiting,
              deadLetters,
            },
            'memory write failed for good; moved to the dead letters',
          );
          logger.debug({ userId, jobId: firstId, attempts }, 'memory write given up');
          return;
        }
        // All of the batch's jobs wait and are retried together (with any that joined meanwhile).
        const changed = db().reschedule({ ids, attempts, nextAttemptAt: now() + retryInMs });
        // No rows: the batch was discarded while in flight (/forget), so it must not be retried.
        if (changed === 0) return;
        const { depth: waiting, oldestAgeMs } = stats();
        // The logger keeps an error's kind and codes, never its message (it may echo the text).
        logger.warn(
          { err: error, attempts, retryInMs, jobs: ids.length, depth: waiting, oldestAgeMs },
          'memory write failed; will retry',
        );
        logger.debug({ userId, jobId: firstId, attempts }, 'memory write to retry');
        return;
      }
      if (!closed) {
        db().deleteJobs(ids);
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

  return {
    enqueue(job) {
      requireOpen();
      const userId = requireMemoryUserId(job.userId);
      db().insert({
        userId,
        payload: encodeJobPayload(job),
        createdAt: now(),
        scope: scopeKey(job.origin),
        chars: messageChars(job.messages),
      });
      boundDepth();
      schedulePump();
    },

    start() {
      requireOpen();
      if (started) return;
      db();
      started = true;
      stopStatsLog = startStatsLog({
        logger,
        intervalMs: statsLogIntervalMs,
        stats: () => (closed ? undefined : stats()),
      });
      checkpointTimer = setInterval(() => {
        if (closed) return;
        try {
          const deleted = deleteExpiredDeadLetters();
          if (!deleted && !landedSinceCheckpoint) return;
          landedSinceCheckpoint = false;
          database?.checkpoint();
        } catch (error) {
          // A timer's throw would crash the process; the next tick tries again.
          logger.error({ err: error }, 'memory write queue housekeeping failed');
        }
      }, checkpointIntervalMs);
      checkpointTimer.unref();
      // Deleted rows are zeroed in the file only when the checkpoint copies their pages back.
      if (deleteExpiredDeadLetters()) database?.checkpoint();
      const { depth: waiting } = stats();
      if (waiting > 0) {
        logger.info({ depth: waiting }, 'memory writes left by an earlier run will be retried');
      }
      pump();
    },

    async stop(timeoutMs) {
      if (closed || stopping) return;
      stopping = true;
      clearTimeout(wakeTimer);
      clearInterval(checkpointTimer);
      stopStatsLog?.();
      wakeTimer = undefined;
      stopStatsLog = undefined;
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
      database?.close();
      for (const resolve of [...emptyWaiters]) resolve(empty);
    },

    flush() {
      if (closed || stopping) return;
      flushedThroughId = Math.max(flushedThroughId, depth().newestId ?? 0);
      schedulePump();
    },

    async discard(userId) {
      if (closed) throw new Error(stoppedMessage);
      const running = inFlight.get(userId);
      // The running batch's rows go too, so that a failed attempt is not retried after the
      // person asked to forget; they are not counted, as that write may already have landed.
      if (running !== undefined) db().deleteJobs(running.ids);
      const removed = db().deleteUserJobs(userId);
      const deadLettersRemoved = db().deleteUserDeadLetters(userId);
      if (running !== undefined) await running.done;
      // The exchanges of their jobs written earlier are zeroed in the file but not yet in the WAL.
      if (!closed) database?.checkpoint();
      logger.debug({ userId, removed, deadLettersRemoved }, 'discarded queued memory writes');
      notifyIfEmpty();
      return removed;
    },

    clearDeletedText() {
      if (!closed) database?.checkpoint();
    },

    // An enqueue here is on disk when it returns.
    accepted: () => Promise.resolve(),

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
