// The durable write queue's bounds, pure: when a failing batch is given up on, which jobs make
// room when the queue is full, and when a backlog is worth a warning.

/** Why a job left the queue for the dead letters unwritten. */
export type DeadLetterReason = 'attempts' | 'age' | 'overflow';

/** How long a failing write is retried before its jobs go to the dead letters. */
export interface FailureBounds {
  /** Most attempts a job makes, the one that just failed included. */
  maxAttempts: number;
  /** Oldest a batch's oldest job may be when its write fails and it is still retried. */
  maxAgeMs: number;
}

/** What {@link giveUpReason} decides on. */
export interface FailedBatch {
  /** Attempts its jobs have made, the one that just failed included. */
  attempts: number;
  /** When its oldest job was enqueued. */
  oldestCreatedAt: number;
  now: number;
  bounds: FailureBounds;
}

/** Why a batch whose write just failed goes to the dead letters, or undefined when it is retried. */
export function giveUpReason(batch: FailedBatch): 'attempts' | 'age' | undefined {
  if (batch.attempts >= batch.bounds.maxAttempts) return 'attempts';
  if (batch.now - batch.oldestCreatedAt > batch.bounds.maxAgeMs) return 'age';
  return undefined;
}

/** What {@link jobsToMakeRoom} decides on. */
export interface Overflow {
  /** Jobs on disk now, those in flight included. */
  depth: number;
  maxDepth: number;
  /** The ids of the oldest jobs on disk, oldest first: at least as many as are to go plus those in flight. */
  oldestIds: readonly number[];
  /** Jobs being written now: they stay, since their write may already have landed. */
  inFlightIds: ReadonlySet<number>;
}

/** The ids of the oldest jobs not in flight that must leave for the queue to be back at `maxDepth`. */
export function jobsToMakeRoom(overflow: Overflow): number[] {
  const excess = overflow.depth - overflow.maxDepth;
  if (excess <= 0) return [];
  return overflow.oldestIds.filter((id) => !overflow.inFlightIds.has(id)).slice(0, excess);
}

/** When a warning about a threshold the queue passed is written. */
export interface AlarmPolicy {
  /** Fewest ms between two warnings, however often the threshold is crossed. */
  minWarningIntervalMs: number;
  /** Whether the warning repeats while the queue stays over, when more jobs were moved since. */
  repeatWhileOver: boolean;
}

/** What an alarm remembers between observations. */
export interface ThresholdAlarm {
  /** Whether the last observation was over the threshold. */
  over: boolean;
  lastWarnedAt: number | undefined;
  /** Jobs moved to the dead letters since the last warning. */
  unreportedMoved: number;
}

/** An alarm that has seen nothing yet. */
export const quietAlarm: ThresholdAlarm = {
  over: false,
  lastWarnedAt: undefined,
  unreportedMoved: 0,
};

/** One look at the queue, after an enqueue. */
export interface AlarmObservation {
  over: boolean;
  /** Jobs this enqueue moved to the dead letters. */
  moved: number;
  now: number;
}

/** The alarm after an observation, and the warning to write now, if any. */
export interface AlarmStep {
  alarm: ThresholdAlarm;
  /** How many jobs were moved since the last warning (this observation's included). */
  warning: { moved: number } | undefined;
}

/**
 * Warns when the queue goes over a threshold, not on every enqueue while it stays over: again
 * only once it has been back under (or, with `repeatWhileOver`, when more jobs were moved), and
 * never twice within `minWarningIntervalMs`, so a queue hovering at the threshold cannot flood the log.
 */
export function observeThreshold(
  alarm: ThresholdAlarm,
  observation: AlarmObservation,
  policy: AlarmPolicy,
): AlarmStep {
  const unreportedMoved = alarm.unreportedMoved + observation.moved;
  if (!observation.over) {
    return { alarm: { ...alarm, over: false, unreportedMoved }, warning: undefined };
  }
  const quietLongEnough =
    alarm.lastWarnedAt === undefined ||
    observation.now - alarm.lastWarnedAt >= policy.minWarningIntervalMs;
  const news = !alarm.over || (policy.repeatWhileOver && unreportedMoved > 0);
  if (quietLongEnough && news) {
    return {
      alarm: { over: true, lastWarnedAt: observation.now, unreportedMoved: 0 },
      warning: { moved: unreportedMoved },
    };
  }
  return { alarm: { ...alarm, over: true, unreportedMoved }, warning: undefined };
}
