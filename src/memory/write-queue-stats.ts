import type { Logger } from '../logger.js';

/** What the durable write queue reports about itself, for logs and tests. */
export interface WriteQueueStats {
  /** Every job on disk, those in flight included. */
  depth: number;
  /** Age of the oldest job on disk; undefined when there is none. */
  oldestAgeMs: number | undefined;
  /** Jobs being written now. */
  inFlight: number;
}

/** What {@link writeQueueStats} is computed from. */
export interface WriteQueueCounts {
  depth: number;
  oldestCreatedAt: number | undefined;
  /** The ids of each batch in flight. */
  inFlightBatches: Iterable<{ ids: readonly number[] }>;
  now: number;
}

/** The queue's stats from its jobs on disk and its batches in flight. */
export function writeQueueStats(counts: WriteQueueCounts): WriteQueueStats {
  let inFlight = 0;
  for (const batch of counts.inFlightBatches) inFlight += batch.ids.length;
  return {
    depth: counts.depth,
    oldestAgeMs:
      counts.oldestCreatedAt === undefined
        ? undefined
        : Math.max(0, counts.now - counts.oldestCreatedAt),
    inFlight,
  };
}

/** Options for {@link startStatsLog}. */
export interface StatsLogOptions {
  logger: Logger;
  intervalMs: number;
  /** The stats now, or undefined once the queue is closed. */
  stats: () => WriteQueueStats | undefined;
}

/**
 * Logs the queue's stats at info every `intervalMs` while jobs wait, on a timer that never keeps
 * the process alive; returns the function that stops it.
 */
export function startStatsLog({ logger, intervalMs, stats }: StatsLogOptions): () => void {
  const timer = setInterval(() => {
    const current = stats();
    if (current !== undefined && current.depth > 0) logger.info(current, 'memory writes waiting');
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
