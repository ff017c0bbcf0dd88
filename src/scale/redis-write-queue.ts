import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { MemoryWriteQueue } from '../memory/durable-write-queue.js';
import type { MemoryWriteJob } from '../memory/memory-store.js';
import { requireMemoryUserId } from '../memory/user-id.js';
import {
  type BatchLimits,
  dueAt,
  mergeJobs,
  messageChars,
  scopeKey,
  takeBatch,
  type WaitingGroup,
} from '../memory/write-batching.js';
import { decodeJob, encodeJobPayload } from '../memory/write-job-payload.js';
import { type FailureBounds, giveUpReason } from '../memory/write-queue-bounds.js';
import { startStatsLog, type WriteQueueStats } from '../memory/write-queue-stats.js';
import { retryAfterFailure, type WriteRetryPolicy } from '../memory/write-retry-policy.js';

// The memory write queue of a split bot's workers, in Redis: any worker writes what any worker
// queued, so a worker that stops (scaled down, restarted, killed) leaves nothing behind on its
// own disk. The policies are the durable queue's (src/memory/durable-write-queue.ts): the same
// batching, backoff, bounds and dead letters.

/** Options for {@link createRedisWriteQueue}. */
export interface RedisWriteQueueOptions {
  redisUrl: string;
  /** Prefix of every key (default `wellness0`), as for the person stream and the shared state. */
  namespace?: string;
  /** The real memory write (mem0 add); a rejection means "try again later". */
  write: (job: MemoryWriteJob) => Promise<void>;
  /**
   * This process's durable queue on disk: a job Redis cannot take (out of reach) goes there and
   * is written from there, and jobs an earlier run left in it are written as before.
   */
  fallback: MemoryWriteQueue;
  logger: Logger;
  /** When the person last asked to be forgotten: their jobs queued before then are deleted unwritten (a rejection counts as a failed write). */
  forgottenAt?: (userId: string) => Promise<number | undefined>;
  /** Most people whose jobs this process writes at once; default 4. */
  concurrency?: number;
  /** How long a person's jobs stay with a worker that stopped renewing its hold (it died) before another takes them; default 30000. */
  leaseMs?: number;
  /** How often an idle worker looks for jobs due; default 250. */
  pollMs?: number;
  initialRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  maxAttempts?: number;
  maxAgeMs?: number;
  /** Most jobs in Redis (every worker's): past it the oldest not being written go to the dead letters; default 100000. */
  maxDepth?: number;
  deadLetterRetentionMs?: number;
  batchWindowMs?: number;
  maxJobsPerBatch?: number;
  maxBatchChars?: number;
  statsLogIntervalMs?: number;
  now?: () => number;
  random?: () => number;
}

/** A job as its hash field holds it (the field is its id). */
interface StoredJob {
  /** Its batching key (see `scopeKey`). */
  s: string;
  /** When it was enqueued (this machine's clock). */
  c: number;
  /** Characters of its messages. */
  n: number;
  /** Failed writes so far. */
  a: number;
  /** Not written before this time (its backoff). */
  t: number;
  /** Its messages and origin (see `encodeJobPayload`). */
  p: string;
}

interface JobRow {
  id: number;
  scope: string;
  createdAt: number;
  chars: number;
  attempts: number;
  nextAttemptAt: number;
  payload: string;
}

// KEYS: next id, the person's jobs, the due set, the jobs index, the enqueue's token.
// ARGV: user, job JSON, createdAt, due, most jobs in a batch. Returns the jobs in Redis after it.
// The token makes the enqueue run once: ioredis sends a command again when its reply was lost.
const enqueueScript = `
if not redis.call('SET', KEYS[5], '1', 'NX', 'PX', 3600000) then
  return redis.call('ZCARD', KEYS[4])
end
local id = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], id, ARGV[2])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1] .. '|' .. id)
local due = ARGV[4]
-- Enough of theirs wait to fill a batch: due now, not at the end of the window.
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[5]) then due = ARGV[3] end
redis.call('ZADD', KEYS[3], 'LT', due, ARGV[1])
return redis.call('ZCARD', KEYS[4])`;

// KEYS: the due set. ARGV: now, latest score to take, lease ms, owner, person key prefix, how many to look at.
// Takes the hold of the first person due whose jobs no worker holds; returns them, or false.
const claimScript = `
local candidates = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[6]))
for _, user in ipairs(candidates) do
  local lease = ARGV[5] .. user .. ':lease'
  if redis.call('SET', lease, ARGV[4], 'NX', 'PX', ARGV[3]) then
    redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[3]), user)
    return user
  end
  local left = redis.call('PTTL', lease)
  if left > 0 then redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + left, user) end
end
return false`;

// KEYS: the lease. ARGV: owner, ms. 1 when still held by owner (and renewed).
const renewScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

// KEYS: the lease, the due set, the person's jobs. ARGV: owner, user, next due, jobs seen, now.
// Lets go of the person: due again at `next due`, or at once when jobs came meanwhile.
const releaseScript = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
redis.call('DEL', KEYS[1])
local left = redis.call('HLEN', KEYS[3])
if left == 0 then
  redis.call('ZREM', KEYS[2], ARGV[2])
  return 0
end
local score = tonumber(ARGV[3])
if left > tonumber(ARGV[4]) then score = tonumber(ARGV[5]) end
redis.call('ZADD', KEYS[2], score, ARGV[2])
return left`;

// KEYS: the person's jobs, the jobs index. ARGV: user, ids… Deletes those still there.
const deleteJobsScript = `
local removed = 0
for i = 2, #ARGV do
  if redis.call('HDEL', KEYS[1], ARGV[i]) == 1 then
    redis.call('ZREM', KEYS[2], ARGV[1] .. '|' .. ARGV[i])
    removed = removed + 1
  end
end
return removed`;

// KEYS: the person's jobs. ARGV: pairs of id, job JSON. Updates only the jobs still there.
const rescheduleScript = `
local changed = 0
for i = 1, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    changed = changed + 1
  end
end
return changed`;

// KEYS: the person's jobs, the jobs index, the person's dead letters, the dead letters index.
// ARGV: user, failedAt, reason, attempts ('' keeps each job's), ids… Returns how many moved.
const deadLetterScript = `
local moved = 0
for i = 5, #ARGV do
  local job = redis.call('HGET', KEYS[1], ARGV[i])
  if job then
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('ZREM', KEYS[2], ARGV[1] .. '|' .. ARGV[i])
    redis.call('HSET', KEYS[3], ARGV[i], '{"f":' .. ARGV[2] .. ',"r":"' .. ARGV[3] .. '","a":"' .. ARGV[4] .. '","j":' .. job .. '}')
    redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1] .. '|' .. ARGV[i])
    moved = moved + 1
  end
end
return moved`;

// KEYS: the jobs index, the dead letters index. ARGV: most jobs, failedAt, person key prefix.
// Moves the oldest jobs of people no worker holds to the dead letters until at most `most` are left.
const overflowScript = `
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[1])
if excess <= 0 then return 0 end
local oldest = redis.call('ZRANGE', KEYS[1], 0, excess + 99)
local moved = 0
for _, member in ipairs(oldest) do
  if moved >= excess then break end
  local at = string.find(member, '|', 1, true)
  local user = string.sub(member, 1, at - 1)
  local id = string.sub(member, at + 1)
  local base = ARGV[3] .. user
  if redis.call('EXISTS', base .. ':lease') == 0 then
    local job = redis.call('HGET', base .. ':jobs', id)
    redis.call('ZREM', KEYS[1], member)
    if job then
      redis.call('HDEL', base .. ':jobs', id)
      redis.call('HSET', base .. ':dead', id, '{"f":' .. ARGV[2] .. ',"r":"overflow","a":"","j":' .. job .. '}')
      redis.call('ZADD', KEYS[2], ARGV[2], member)
      moved = moved + 1
    end
  end
end
return moved`;

// KEYS: the person's jobs, the jobs index, the person's dead letters, the dead letters index, the due set.
// ARGV: user. Deletes every job and dead letter of theirs; returns how many jobs there were.
const discardScript = `
local ids = redis.call('HKEYS', KEYS[1])
for _, id in ipairs(ids) do redis.call('ZREM', KEYS[2], ARGV[1] .. '|' .. id) end
local dead = redis.call('HKEYS', KEYS[3])
for _, id in ipairs(dead) do redis.call('ZREM', KEYS[4], ARGV[1] .. '|' .. id) end
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('ZREM', KEYS[5], ARGV[1])
return #ids`;

// KEYS: the dead letters index. ARGV: failed before, person key prefix. Deletes up to 1000; returns how many.
const sweepScript = `
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, 1000)
for _, member in ipairs(old) do
  local at = string.find(member, '|', 1, true)
  redis.call('HDEL', ARGV[2] .. string.sub(member, 1, at - 1) .. ':dead', string.sub(member, at + 1))
  redis.call('ZREM', KEYS[1], member)
end
return #old`;

interface WriteCommands {
  enqueueJob(
    nextId: string,
    jobs: string,
    due: string,
    index: string,
    token: string,
    user: string,
    job: string,
    createdAt: number,
    dueAt: number,
    maxJobsPerBatch: number,
  ): Promise<number>;
  claimPerson(
    due: string,
    now: number,
    latest: number,
    leaseMs: number,
    owner: string,
    personPrefix: string,
    look: number,
  ): Promise<string | null>;
  renewHold(lease: string, owner: string, ms: number): Promise<number>;
  releasePerson(
    lease: string,
    due: string,
    jobs: string,
    owner: string,
    user: string,
    nextDue: number,
    seen: number,
    now: number,
  ): Promise<number>;
  deleteJobs(jobs: string, index: string, user: string, ...ids: number[]): Promise<number>;
  rescheduleJobs(jobs: string, ...idsAndJobs: Array<number | string>): Promise<number>;
  deadLetterJobs(
    jobs: string,
    index: string,
    dead: string,
    deadIndex: string,
    user: string,
    failedAt: number,
    reason: string,
    attempts: string,
    ...ids: number[]
  ): Promise<number>;
  overflowJobs(
    index: string,
    deadIndex: string,
    most: number,
    failedAt: number,
    personPrefix: string,
  ): Promise<number>;
  discardPerson(
    jobs: string,
    index: string,
    dead: string,
    deadIndex: string,
    due: string,
    user: string,
  ): Promise<number>;
  sweepDeadLetters(deadIndex: string, before: number, personPrefix: string): Promise<number>;
}

type WriteClient = Redis & WriteCommands;

const stoppedMessage = 'The memory write queue is stopped';
const minuteMs = 60_000;
const dayMs = 24 * 60 * minuteMs;
// How many due people one claim looks at before giving up for this poll.
const claimLook = 20;
// How often the stats of the shared queue are read for the log.
const statsRefreshMs = 2_000;
// Longest /forget waits for a write of the person's that another worker has in flight.
const forgetWaitsForWriteMs = 5 * minuteMs;
// Longest a Redis command may take before it counts as failed.
const commandTimeoutMs = 5_000;

/**
 * A MemoryWriteQueue in Redis, shared by every worker. Each person's jobs are a hash (id → job);
 * a sorted set says when each person's jobs are next due; a worker takes a person's hold (a key
 * with an expiry, renewed while it writes) and writes their due batches one at a time, oldest
 * first, so a person's writes stay in order whichever worker writes them. A worker that dies
 * holding a person leaves their jobs to another once the hold runs out: a job leaves Redis only
 * after the write that carried it resolved, so it is written at least once (twice only if its
 * worker died between mem0 accepting it and the deletion). A job enqueued while Redis is out of
 * reach goes to `fallback`, this process's queue on disk, and is written from there (possibly
 * before that person's jobs in Redis). An enqueue is in Redis once Redis answers it (and on disk
 * once Redis's append-only file is synced, every second by default), not when `enqueue` returns.
 */
export function createRedisWriteQueue(options: RedisWriteQueueOptions): MemoryWriteQueue {
  const { logger, write, fallback } = options;
  const now = options.now ?? Date.now;
  const namespace = options.namespace ?? 'wellness0';
  const prefix = `${namespace}:memory-writes`;
  const personPrefix = `${prefix}:person:`;
  const keys = {
    nextId: `${prefix}:next-id`,
    due: `${prefix}:due`,
    index: `${prefix}:jobs`,
    deadIndex: `${prefix}:dead-letters`,
    jobs: (user: string) => `${personPrefix}${user}:jobs`,
    dead: (user: string) => `${personPrefix}${user}:dead`,
    lease: (user: string) => `${personPrefix}${user}:lease`,
  };
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const leaseMs = Math.max(1_000, options.leaseMs ?? 30_000);
  const pollMs = Math.max(10, options.pollMs ?? 250);
  const retryPolicy: WriteRetryPolicy = {
    initialRetryDelayMs: options.initialRetryDelayMs ?? 1000,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 60_000,
    random: options.random,
  };
  const bounds: FailureBounds = {
    maxAttempts: Math.max(1, options.maxAttempts ?? 500),
    maxAgeMs: Math.max(0, options.maxAgeMs ?? dayMs),
  };
  const maxDepth = Math.max(1, options.maxDepth ?? 100_000);
  const deadLetterRetentionMs = Math.max(0, options.deadLetterRetentionMs ?? 7 * dayMs);
  const limits: BatchLimits = {
    batchWindowMs: Math.max(0, options.batchWindowMs ?? 0),
    maxJobsPerBatch: Math.max(1, options.maxJobsPerBatch ?? 1),
    maxBatchChars: Math.max(1, options.maxBatchChars ?? 12_000),
  };
  const owner = randomUUID();

  let client: WriteClient | undefined;
  function redis(): WriteClient {
    if (client !== undefined) return client;
    const made = new Redis(options.redisUrl, {
      // A command fails soon when Redis is out of reach or hangs, so that its job goes to the
      // disk instead (a command that ran but whose reply came too late leaves the job in both:
      // written twice rather than lost).
      maxRetriesPerRequest: 1,
      commandTimeout: commandTimeoutMs,
      connectionName: `${namespace}-memory-writes`,
    });
    made.on('error', logAtMostEveryMinute(logger, 'memory write queue (Redis) error'));
    made.defineCommand('enqueueJob', { numberOfKeys: 5, lua: enqueueScript });
    made.defineCommand('claimPerson', { numberOfKeys: 1, lua: claimScript });
    made.defineCommand('renewHold', { numberOfKeys: 1, lua: renewScript });
    made.defineCommand('releasePerson', { numberOfKeys: 3, lua: releaseScript });
    made.defineCommand('deleteJobs', { numberOfKeys: 2, lua: deleteJobsScript });
    made.defineCommand('rescheduleJobs', { numberOfKeys: 1, lua: rescheduleScript });
    made.defineCommand('deadLetterJobs', { numberOfKeys: 4, lua: deadLetterScript });
    made.defineCommand('overflowJobs', { numberOfKeys: 2, lua: overflowScript });
    made.defineCommand('discardPerson', { numberOfKeys: 5, lua: discardScript });
    made.defineCommand('sweepDeadLetters', { numberOfKeys: 1, lua: sweepScript });
    client = made as WriteClient;
    return client;
  }

  /** People being written here, each with the end of that and the jobs of its batch now. */
  const serving = new Map<string, { done: Promise<void>; batchJobs: number }>();
  /** Enqueues Redis has not answered yet; `onDisk` once given to the fallback instead (at stop). */
  const pendingEnqueues = new Map<Promise<void>, { job: MemoryWriteJob; onDisk: boolean }>();
  let started = false;
  let stopping = false;
  let closed = false;
  let flushed = false;
  let polling = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let housekeepingTimer: NodeJS.Timeout | undefined;
  let statsTimer: NodeJS.Timeout | undefined;
  let stopStatsLog: (() => void) | undefined;
  let shared = { depth: 0, oldestCreatedAt: undefined as number | undefined, deadLetters: 0 };
  const pollWarning = logAtMostEveryMinute(
    logger,
    'memory write queue (Redis) could not take memory writes due',
  );
  const fallbackWarning = logAtMostEveryMinute(
    logger,
    'memory write queue (Redis) out of reach; writes are queued on this process’s disk',
  );

  function requireOpen(): void {
    if (closed || stopping) throw new Error(stoppedMessage);
  }

  async function refreshStats(): Promise<void> {
    const results = await redis()
      .multi()
      .zcard(keys.index)
      .zrange(keys.index, '0', '0', 'WITHSCORES')
      .zcard(keys.deadIndex)
      .exec();
    if (results === null) return;
    const [[, depth], [, oldest], [, deadLetters]] = results as [
      [unknown, number],
      [unknown, string[]],
      [unknown, number],
    ];
    shared = {
      depth,
      oldestCreatedAt: oldest[1] === undefined ? undefined : Number(oldest[1]),
      deadLetters,
    };
  }

  /**
   * This process's part, for its metrics, its readiness and its shutdown: enqueues Redis has not
   * answered, the jobs of the batches it is writing, and its queue on disk. What waits in Redis
   * is every worker's (in the periodic log line, as `shared`): counted in each, it would make
   * every worker unready at once and add up to N times the backlog.
   */
  function stats(): WriteQueueStats {
    if (closed) throw new Error(stoppedMessage);
    const local = fallback.stats();
    const inFlight = [...serving.values()].reduce((sum, each) => sum + each.batchJobs, 0);
    return {
      depth: pendingEnqueues.size + inFlight + local.depth,
      oldestAgeMs: local.oldestAgeMs,
      inFlight: inFlight + local.inFlight,
      deadLetters: local.deadLetters,
    };
  }

  /** The shared queue's figures as last read (every `statsRefreshMs`), for the log. */
  function sharedStats(): { depth: number; oldestAgeMs: number | undefined; deadLetters: number } {
    return {
      depth: shared.depth,
      oldestAgeMs:
        shared.oldestCreatedAt === undefined
          ? undefined
          : Math.max(0, now() - shared.oldestCreatedAt),
      deadLetters: shared.deadLetters,
    };
  }

  function parseJobs(hash: Record<string, string>): JobRow[] {
    const rows: JobRow[] = [];
    for (const [field, value] of Object.entries(hash)) {
      const id = Number(field);
      try {
        const job = JSON.parse(value) as StoredJob;
        rows.push({
          id,
          scope: job.s,
          createdAt: job.c,
          chars: job.n,
          attempts: job.a,
          nextAttemptAt: job.t,
          payload: job.p,
        });
      } catch {
        // Never sent to mem0, and never logged (it may hold the person's words).
        rows.push({
          id,
          scope: 'unreadable',
          createdAt: 0,
          chars: 0,
          attempts: 0,
          nextAttemptAt: 0,
          payload: '',
        });
      }
    }
    return rows.sort((a, b) => a.id - b.id);
  }

  function groupsOf(userId: string, rows: readonly JobRow[]): WaitingGroup[] {
    const groups = new Map<string, WaitingGroup>();
    for (const row of rows) {
      const group = groups.get(row.scope);
      if (group === undefined) {
        groups.set(row.scope, {
          userId,
          scope: row.scope,
          headId: row.id,
          waiting: 1,
          chars: row.chars,
          oldestAt: row.createdAt,
          nextAttemptAt: row.nextAttemptAt,
        });
      } else {
        group.waiting += 1;
        group.chars += row.chars;
        group.oldestAt = Math.min(group.oldestAt, row.createdAt);
      }
    }
    return [...groups.values()].sort((a, b) => a.headId - b.headId);
  }

  const flushedThroughId = () => (flushed ? Number.MAX_SAFE_INTEGER : 0);

  /** Writes one batch; returns how many of `rows` left Redis (written, dropped or dead). */
  async function attempt(userId: string, rows: readonly JobRow[]): Promise<number> {
    const jobs: Array<{ row: JobRow; job: MemoryWriteJob }> = [];
    let gone = 0;
    for (const row of rows) {
      const decoded = decodeJob(userId, row.payload);
      if ('job' in decoded) {
        jobs.push({ row, job: decoded.job });
      } else {
        logger.warn(
          { jobId: row.id, reason: decoded.dropReason },
          'dropped an unreadable memory write job',
        );
        gone += await redis().deleteJobs(keys.jobs(userId), keys.index, userId, row.id);
      }
    }
    const merged = mergeJobs(jobs.map((each) => each.job));
    if (merged === undefined) return gone;
    const ids = jobs.map((each) => each.row.id);
    try {
      const fence = await options.forgottenAt?.(userId);
      const forgotten = jobs.filter((each) => fence !== undefined && each.row.createdAt <= fence);
      if (forgotten.length > 0) {
        const dropped = forgotten.map((each) => each.row.id);
        gone += await redis().deleteJobs(keys.jobs(userId), keys.index, userId, ...dropped);
        logger.info(
          { jobs: forgotten.length },
          'memory writes dropped unwritten: their person asked to be forgotten',
        );
        return gone;
      }
      await write(merged);
    } catch (error) {
      const { attempts, retryInMs } = retryAfterFailure(
        jobs.map((each) => each.row.attempts),
        retryPolicy,
      );
      const failedAt = now();
      const oldestCreatedAt = Math.min(...jobs.map((each) => each.row.createdAt));
      const reason = giveUpReason({ attempts, oldestCreatedAt, now: failedAt, bounds });
      if (reason !== undefined) {
        const moved = await redis().deadLetterJobs(
          keys.jobs(userId),
          keys.index,
          keys.dead(userId),
          keys.deadIndex,
          userId,
          failedAt,
          reason,
          String(attempts),
          ...ids,
        );
        if (moved > 0) {
          logger.warn(
            {
              err: error,
              reason,
              jobs: moved,
              jobIds: ids,
              attempts,
              oldestAgeMs: Math.max(0, failedAt - oldestCreatedAt),
            },
            'memory write failed for good; moved to the dead letters',
          );
        }
        return gone + moved;
      }
      const updated = jobs.flatMap(({ row }) => [
        row.id,
        JSON.stringify({
          s: row.scope,
          c: row.createdAt,
          n: row.chars,
          a: attempts,
          t: failedAt + retryInMs,
          p: row.payload,
        } satisfies StoredJob),
      ]);
      await redis().rescheduleJobs(keys.jobs(userId), ...updated);
      // The logger keeps an error's kind and codes, never its message (it may echo the text).
      logger.warn(
        { err: error, attempts, retryInMs, jobs: ids.length },
        'memory write failed; will retry',
      );
      return gone;
    }
    gone += await redis().deleteJobs(keys.jobs(userId), keys.index, userId, ...ids);
    logger.debug({ userId, jobId: ids[0], jobs: ids.length }, 'memory write landed');
    return gone;
  }

  /** Writes the person's due batches, oldest first, while this worker holds them; then lets go. */
  async function serve(userId: string): Promise<void> {
    let held = true;
    // Renewed in the background while a write is in flight, and checked before each batch: a
    // worker that lost the hold (out of reach of Redis longer than the lease) writes no more.
    const renew = async () => {
      if ((await redis().renewHold(keys.lease(userId), owner, leaseMs)) === 0) held = false;
    };
    const renewal = setInterval(() => {
      renew().catch(() => undefined);
    }, leaseMs / 3);
    renewal.unref();
    const entry = serving.get(userId);
    let nextDue = now();
    let seen = 0;
    try {
      while (held && !closed) {
        await renew();
        if (!held) break;
        const rows = parseJobs(await redis().hgetall(keys.jobs(userId)));
        seen = rows.length;
        if (rows.length === 0) break;
        const at = now();
        const groups = groupsOf(userId, rows).map((group) => ({
          group,
          due: dueAt({ group, limits, flushedThroughId: flushedThroughId() }),
        }));
        const ready = stopping ? undefined : groups.find((each) => each.due <= at);
        if (ready === undefined) {
          nextDue = Math.min(...groups.map((each) => each.due));
          break;
        }
        const batch = takeBatch(
          rows.filter((row) => row.scope === ready.group.scope),
          limits,
        );
        if (entry !== undefined) entry.batchJobs = batch.length;
        const gone = await attempt(userId, batch);
        if (entry !== undefined) entry.batchJobs = 0;
        seen -= gone;
      }
    } catch (error) {
      // Redis failed mid-way: the hold runs out and a worker takes the person again.
      logger.error({ err: error }, 'memory write queue (Redis) bookkeeping failed');
      held = false;
    } finally {
      clearInterval(renewal);
    }
    if (held && !closed) {
      await redis()
        .releasePerson(
          keys.lease(userId),
          keys.due,
          keys.jobs(userId),
          owner,
          userId,
          nextDue,
          seen,
          now(),
        )
        .catch((error: unknown) => {
          logger.warn({ err: error }, 'could not let go of a person’s memory writes');
        });
    }
  }

  /** Takes people due, up to `concurrency`, and writes theirs. */
  async function poll(): Promise<void> {
    if (polling || !started || stopping || closed) return;
    polling = true;
    try {
      while (serving.size < concurrency && !stopping && !closed) {
        const at = now();
        const latest = flushed ? at + limits.batchWindowMs : at;
        const userId = await redis().claimPerson(
          keys.due,
          at,
          latest,
          leaseMs,
          owner,
          personPrefix,
          claimLook,
        );
        if (userId === null) break;
        // Its hold ran out while this process still wrote for them, and came back here: the
        // write in progress goes on; a second one would break their order.
        if (serving.has(userId)) continue;
        const entry = { done: Promise.resolve(), batchJobs: 0 };
        serving.set(userId, entry);
        entry.done = serve(userId).finally(() => {
          serving.delete(userId);
          void poll();
        });
      }
    } catch (error) {
      // Out of reach, or refused (a script error, Redis out of memory): the next poll tries again.
      pollWarning(error);
    } finally {
      polling = false;
    }
  }

  function toDisk(job: MemoryWriteJob): void {
    try {
      fallback.enqueue(job);
    } catch (error) {
      logger.error({ err: error }, 'a memory write was lost: no queue took it');
    }
  }

  async function housekeeping(): Promise<void> {
    const deleted = await redis().sweepDeadLetters(
      keys.deadIndex,
      now() - deadLetterRetentionMs,
      personPrefix,
    );
    if (deleted > 0) logger.info({ deleted }, 'deleted memory write dead letters past retention');
  }

  async function toRedis(job: MemoryWriteJob, userId: string): Promise<void> {
    const createdAt = now();
    const chars = messageChars(job.messages);
    const stored: StoredJob = {
      s: scopeKey(job.origin),
      c: createdAt,
      n: chars,
      a: 0,
      t: 0,
      p: encodeJobPayload(job),
    };
    // Alone it may already fill a batch; otherwise it waits the window for more to join it.
    const alone = limits.maxJobsPerBatch <= 1 || chars >= limits.maxBatchChars;
    const due = alone ? createdAt : createdAt + limits.batchWindowMs;
    const depth = await redis().enqueueJob(
      keys.nextId,
      keys.jobs(userId),
      keys.due,
      keys.index,
      `${prefix}:enqueued:${randomUUID()}`,
      userId,
      JSON.stringify(stored),
      createdAt,
      due,
      limits.maxJobsPerBatch,
    );
    if (depth > maxDepth) {
      const moved = await redis().overflowJobs(
        keys.index,
        keys.deadIndex,
        maxDepth,
        now(),
        personPrefix,
      );
      if (moved > 0) {
        logger.warn(
          { reason: 'overflow', depth, maxDepth, moved },
          'memory write queue is full; its oldest jobs went to the dead letters',
        );
      }
    }
  }

  return {
    enqueue(job) {
      requireOpen();
      const userId = requireMemoryUserId(job.userId);
      const entry = { job, onDisk: false };
      const pending: Promise<void> = toRedis(job, userId)
        .then(
          () => {
            if (limits.batchWindowMs === 0 || limits.maxJobsPerBatch <= 1) void poll();
          },
          (error: unknown) => {
            if (entry.onDisk) return;
            fallbackWarning(error);
            toDisk(job);
          },
        )
        .finally(() => pendingEnqueues.delete(pending));
      pendingEnqueues.set(pending, entry);
    },

    start() {
      requireOpen();
      if (started) return;
      started = true;
      fallback.start();
      pollTimer = setInterval(() => void poll(), pollMs);
      pollTimer.unref();
      statsTimer = setInterval(() => {
        refreshStats().catch(() => undefined);
      }, statsRefreshMs);
      statsTimer.unref();
      housekeepingTimer = setInterval(() => {
        housekeeping().catch(() => undefined);
      }, minuteMs);
      housekeepingTimer.unref();
      stopStatsLog = startStatsLog({
        logger,
        intervalMs: options.statsLogIntervalMs ?? minuteMs,
        stats: () => {
          if (closed) return undefined;
          const mine = stats();
          const all = sharedStats();
          // Logged while anything waits anywhere, with the shared figures beside this process's.
          return { ...mine, depth: mine.depth + all.depth, shared: all };
        },
      });
      housekeeping().catch(() => undefined);
      refreshStats().catch(() => undefined);
      void poll();
    },

    async stop(timeoutMs) {
      if (closed || stopping) return;
      stopping = true;
      const deadline = now() + timeoutMs;
      clearInterval(pollTimer);
      clearInterval(statsTimer);
      clearInterval(housekeepingTimer);
      stopStatsLog?.();
      const waitAtMost = (work: Promise<unknown>) => {
        let timer: NodeJS.Timeout | undefined;
        return Promise.race([
          work,
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, Math.max(0, deadline - now()));
          }),
        ]).finally(() => clearTimeout(timer));
      };
      // Enqueues settle first: one Redis refuses goes to the fallback, which must still be open.
      // One Redis has not answered by then goes there too (it may then be in both: written
      // twice rather than lost).
      await waitAtMost(Promise.allSettled([...pendingEnqueues.keys()]));
      for (const entry of pendingEnqueues.values()) {
        entry.onDisk = true;
        toDisk(entry.job);
      }
      await waitAtMost(Promise.allSettled([...serving.values()].map((each) => each.done)));
      if (serving.size > 0) {
        logger.warn(
          { people: serving.size },
          'memory writes still in flight at stop stay in Redis; another worker retries them',
        );
      }
      await fallback.stop(Math.max(1_000, deadline - now()));
      closed = true;
      const quitting = client?.quit().catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        quitting,
        new Promise((resolve) => {
          timer = setTimeout(resolve, 1_000);
        }),
      ]).finally(() => clearTimeout(timer));
      client?.disconnect();
    },

    flush() {
      if (closed || stopping) return;
      flushed = true;
      fallback.flush();
      void poll();
    },

    async discard(userId) {
      if (closed) throw new Error(stoppedMessage);
      // This process's disk first: it goes even when Redis is out of reach (which then throws).
      const removedHere = await fallback.discard(userId);
      const removed = await redis().discardPerson(
        keys.jobs(userId),
        keys.index,
        keys.dead(userId),
        keys.deadIndex,
        keys.due,
        userId,
      );
      // A batch of theirs being written (here or by another worker) settles before /forget goes
      // on to delete their memories, as in the single process: its holder lets go after it, or
      // its hold runs out if it died. (Bounded, for a write that never settles.)
      const mine = serving.get(userId);
      if (mine !== undefined) await mine.done;
      const holder = await redis().get(keys.lease(userId));
      const deadline = now() + forgetWaitsForWriteMs;
      while (holder !== null && (await redis().get(keys.lease(userId))) === holder) {
        if (now() > deadline) {
          logger.warn('a memory write of a person forgotten was still in flight after 5 minutes');
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Counted with the jobs of a batch being written: they are in Redis until it settles.
      logger.debug({ userId, removed: removed + removedHere }, 'discarded queued memory writes');
      return removed + removedHere;
    },

    clearDeletedText: () => fallback.clearDeletedText(),

    async accepted() {
      // Each settles once Redis answered, or once its job went to the disk instead.
      await Promise.allSettled([...pendingEnqueues.keys()]);
    },

    stats,

    async whenEmpty(timeoutMs) {
      // Empty as this process sees it: its enqueues reached Redis, its batches settled and its
      // disk queue is empty. What waits in Redis is every worker's, and is not lost by leaving.
      const deadline = now() + timeoutMs;
      while (!closed) {
        const here =
          pendingEnqueues.size === 0 &&
          [...serving.values()].every((each) => each.batchJobs === 0) &&
          fallback.stats().depth === 0;
        if (here && (await fallback.whenEmpty(0))) return true;
        if (now() >= deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return false;
    },
  };
}

/** A warning with the error's code, at most once a minute (a reconnecting client repeats it). */
function logAtMostEveryMinute(logger: Logger, message: string): (error: unknown) => void {
  let loggedAt = -Infinity;
  return (error) => {
    if (Date.now() - loggedAt < minuteMs) return;
    loggedAt = Date.now();
    logger.warn({ err: error }, message);
  };
}
