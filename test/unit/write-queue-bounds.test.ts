import { describe, expect, it } from 'vitest';
import {
  type AlarmPolicy,
  giveUpReason,
  jobsToMakeRoom,
  observeThreshold,
  quietAlarm,
  type ThresholdAlarm,
} from '../../src/memory/write-queue-bounds.js';

describe('giveUpReason', () => {
  const bounds = { maxAttempts: 100, maxAgeMs: 86_400_000 };
  const at = 1_000_000_000;

  it('retries a batch below both bounds', () => {
    expect(giveUpReason({ attempts: 99, oldestCreatedAt: at - 1_000, now: at, bounds })).toBe(
      undefined,
    );
  });

  it('gives up once the failure just counted is the last attempt allowed', () => {
    expect(giveUpReason({ attempts: 100, oldestCreatedAt: at, now: at, bounds })).toBe('attempts');
  });

  it('gives up on a batch whose oldest job is older than the most age allowed', () => {
    const oldestCreatedAt = at - bounds.maxAgeMs - 1;
    expect(giveUpReason({ attempts: 1, oldestCreatedAt, now: at, bounds })).toBe('age');
  });

  it('still retries a batch exactly as old as the most age allowed', () => {
    const oldestCreatedAt = at - bounds.maxAgeMs;
    expect(giveUpReason({ attempts: 1, oldestCreatedAt, now: at, bounds })).toBe(undefined);
  });

  it('still retries a job enqueued by a clock ahead of this one', () => {
    expect(giveUpReason({ attempts: 1, oldestCreatedAt: at + 5_000, now: at, bounds })).toBe(
      undefined,
    );
  });
});

describe('jobsToMakeRoom', () => {
  it('moves nothing while the queue is within its bound', () => {
    expect(
      jobsToMakeRoom({ depth: 3, maxDepth: 3, oldestIds: [1, 2, 3], inFlightIds: new Set() }),
    ).toEqual([]);
  });

  it('moves the oldest jobs, as many as are past the bound', () => {
    expect(
      jobsToMakeRoom({ depth: 5, maxDepth: 3, oldestIds: [4, 7, 9], inFlightIds: new Set() }),
    ).toEqual([4, 7]);
  });

  it('passes over jobs in flight to the next oldest', () => {
    expect(
      jobsToMakeRoom({
        depth: 5,
        maxDepth: 3,
        oldestIds: [4, 7, 9, 10],
        inFlightIds: new Set([4]),
      }),
    ).toEqual([7, 9]);
  });

  it('moves fewer when the jobs in flight are all there is', () => {
    expect(
      jobsToMakeRoom({ depth: 2, maxDepth: 1, oldestIds: [4, 5], inFlightIds: new Set([4, 5]) }),
    ).toEqual([]);
  });
});

describe('observeThreshold', () => {
  const once: AlarmPolicy = { minWarningIntervalMs: 60_000, repeatWhileOver: false };
  const repeating: AlarmPolicy = { minWarningIntervalMs: 60_000, repeatWhileOver: true };

  /** The warnings a run of observations gives, one entry per observation. */
  function warnings(
    policy: AlarmPolicy,
    observations: Array<{ over: boolean; moved?: number; now: number }>,
  ): Array<number | undefined> {
    let alarm: ThresholdAlarm = quietAlarm;
    return observations.map(({ over, moved = 0, now }) => {
      const step = observeThreshold(alarm, { over, moved, now }, policy);
      alarm = step.alarm;
      return step.warning?.moved;
    });
  }

  it('warns when the queue first goes over', () => {
    expect(
      warnings(once, [
        { over: false, now: 0 },
        { over: true, now: 1 },
      ]),
    ).toEqual([undefined, 0]);
  });

  it('does not warn again while the queue stays over, however long', () => {
    expect(
      warnings(once, [
        { over: true, now: 0 },
        { over: true, now: 1 },
        { over: true, now: 600_000 },
      ]),
    ).toEqual([0, undefined, undefined]);
  });

  it('warns again when the queue goes over after it was back under', () => {
    expect(
      warnings(once, [
        { over: true, now: 0 },
        { over: false, now: 30_000 },
        { over: true, now: 60_000 },
      ]),
    ).toEqual([0, undefined, 0]);
  });

  it('never warns twice within the interval, however often the threshold is crossed', () => {
    expect(
      warnings(once, [
        { over: true, now: 0 },
        { over: false, now: 1 },
        { over: true, now: 2 },
        { over: false, now: 3 },
        { over: true, now: 59_999 },
      ]),
    ).toEqual([0, undefined, undefined, undefined, undefined]);
  });

  it('repeats, when asked, at most once an interval while jobs keep being moved, counting them all', () => {
    expect(
      warnings(repeating, [
        { over: true, moved: 1, now: 0 },
        { over: true, moved: 2, now: 10_000 },
        { over: true, moved: 1, now: 59_999 },
        { over: true, moved: 1, now: 60_000 },
      ]),
    ).toEqual([1, undefined, undefined, 4]);
  });

  it('does not repeat when nothing more was moved', () => {
    expect(
      warnings(repeating, [
        { over: true, moved: 1, now: 0 },
        { over: true, moved: 0, now: 120_000 },
      ]),
    ).toEqual([1, undefined]);
  });

  it('reports jobs moved in a crossing it kept quiet about with the next warning', () => {
    expect(
      warnings(repeating, [
        { over: true, moved: 1, now: 0 },
        { over: false, now: 1_000 },
        { over: true, moved: 3, now: 2_000 },
        { over: false, now: 3_000 },
        { over: true, moved: 1, now: 61_000 },
      ]),
    ).toEqual([1, undefined, undefined, undefined, 4]);
  });
});
