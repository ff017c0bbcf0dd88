import type { Logger } from '../logger.js';

/** What the durable write queue reports about the jobs it still has to write. */
export interface QueuedJobStats {
  /** Every job on disk, those in flight included (dead letters are not jobs). */
  depth: number;
  /** Age of the oldest job on disk; undefined when there is none. */
  oldestAgeMs: number | undefined;
  /** Jobs being written now. */
  inFlight: number;
}

/** What the durable write queue reports about itself, for logs and tests. */
export interface WriteQueueStats extends QueuedJobStats {
  /** Rows in the dead-letter table: jobs given up on, kept a while for an operator to see. */
  deadLetters: number;
}

/** What {@link writeQueueStats} is computed from. */
export interface WriteQueueCounts {
  depth: number;
  oldestCreatedAt: number | undefined;
  /** The ids of each batch in flight. */
  inFlightBatches: Iterable<{ ids: readonly number[] }>;
  now: number;
}

/** The stats of the queue's jobs, from its jobs on disk and its batches in flight. */
export function writeQueueStats(counts: WriteQueueCounts): QueuedJobStats {
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

/** Stats as the periodic log reads them; without `deadLetters`, the queue counts none. */
export type LoggedStats = QueuedJobStats & { deadLetters?: number };

/**
 * Whether the periodic stats line is worth writing: jobs wait, or dead letters were added since
 * the previous look (an earlier run's count as new at the first look, so a restart reports them).
 */
export function statsWorthLogging(current: LoggedStats, deadLettersBefore: number): boolean {
  return current.depth > 0 || (current.deadLetters ?? 0) > deadLettersBefore;
}

/** Options for {@link startStatsLog}. */
export interface StatsLogOptions {
  logger: Logger;
  intervalMs: number;
  /** The stats now, or undefined once the queue is closed. */
  stats: () => LoggedStats | undefined;
}

/**
 * Logs the queue's stats at info every `intervalMs` while jobs wait or dead letters are added
 * (see {@link statsWorthLogging}), on a timer that never keeps the process alive; returns the
 * function that stops it.
 */
export function startStatsLog({ logger, intervalMs, stats }: StatsLogOptions): () => void {
  let deadLettersBefore = 0;
  const timer = setInterval(() => {
    const current = stats();
    if (current === undefined) return;
    if (statsWorthLogging(current, deadLettersBefore))
      logger.info(current, 'memory writes waiting');
    deadLettersBefore = current.deadLetters ?? 0;
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
