import type { MemoryWriteJob } from './memory-store.js';
import type { ExchangeMessage, MemoryOrigin } from './memory-store.js';
import { memorySession } from './scope.js';

// The durable write queue's batching policy, pure: which waiting jobs go together, when they are
// due, and how they merge into one write (one mem0 add, one extraction call).

/** One person's waiting jobs in one memory scope, summarised: what decides when they are due. */
export interface WaitingGroup {
  userId: string;
  /** The batching key of the jobs' origin (see {@link scopeKey}). */
  scope: string;
  /** The id of the group's oldest job. */
  headId: number;
  /** How many jobs wait. */
  waiting: number;
  /** Characters of all their messages. */
  chars: number;
  /** When the oldest of them was enqueued. */
  oldestAt: number;
  /** The head job's: a failed batch's jobs are its oldest, so this holds its backoff. */
  nextAttemptAt: number;
}

/** How big a batch may grow and how long it waits to grow. */
export interface BatchLimits {
  /** How long after its oldest job was enqueued a batch waits for more to join it. */
  batchWindowMs: number;
  /** Most jobs in one batch; a group this big is due at once. */
  maxJobsPerBatch: number;
  /** Most characters of messages in one batch (a single bigger job still goes, alone). */
  maxBatchChars: number;
}

/**
 * The batching key of an origin: jobs are only ever merged within one memory scope (the mem0
 * session of `memorySession`), so a batch never mixes what was said in a DM and in a server.
 */
export function scopeKey(origin: MemoryOrigin): string {
  try {
    return memorySession(origin);
  } catch {
    // An origin mem0 would refuse is never merged with another: its write fails on its own.
    return `invalid:${JSON.stringify(origin)}`;
  }
}

/** Characters of messages, as counted against {@link BatchLimits.maxBatchChars}. */
export function messageChars(messages: readonly ExchangeMessage[]): number {
  return messages.reduce((sum, message) => sum + message.content.length, 0);
}

/** What {@link dueAt} decides on. */
export interface DueAtOptions {
  group: WaitingGroup;
  limits: BatchLimits;
  /** Jobs up to this id are due without waiting for their window (they were flushed). */
  flushedThroughId: number;
}

/** When a group may be written: after its retry backoff, and after its window unless it is full or flushed. */
export function dueAt({ group, limits, flushedThroughId }: DueAtOptions): number {
  const full = group.waiting >= limits.maxJobsPerBatch || group.chars >= limits.maxBatchChars;
  if (full || group.headId <= flushedThroughId) return group.nextAttemptAt;
  return Math.max(group.nextAttemptAt, group.oldestAt + limits.batchWindowMs);
}

/**
 * The jobs of one batch, from a group's oldest jobs in order: as many as fit in the limits, and
 * always the first, so that a job bigger than the character cap still goes (alone).
 */
export function takeBatch<Job extends { chars: number }>(
  oldestFirst: readonly Job[],
  limits: Pick<BatchLimits, 'maxJobsPerBatch' | 'maxBatchChars'>,
): Job[] {
  const batch: Job[] = [];
  let chars = 0;
  for (const job of oldestFirst) {
    if (batch.length >= limits.maxJobsPerBatch) break;
    if (batch.length > 0 && chars + job.chars > limits.maxBatchChars) break;
    batch.push(job);
    chars += job.chars;
  }
  return batch;
}

/**
 * One write of several jobs of one person in one scope: their messages in order. The channel is
 * kept only when they share it (a server's channels share one memory scope), so a memory never
 * names a channel it was not said in.
 */
export function mergeJobs(jobs: readonly MemoryWriteJob[]): MemoryWriteJob | undefined {
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
