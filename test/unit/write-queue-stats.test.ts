import { afterEach, describe, expect, it, vi } from 'vitest';
import { startStatsLog, writeQueueStats } from '../../src/memory/write-queue-stats.js';
import type { Logger } from '../../src/logger.js';

describe('writeQueueStats', () => {
  it('reports the depth, the age of the oldest job and the jobs of every batch in flight', () => {
    const inFlightBatches = [{ ids: [1, 2] }, { ids: [7] }];
    expect(
      writeQueueStats({ depth: 5, oldestCreatedAt: 1_000, inFlightBatches, now: 4_000 }),
    ).toEqual({ depth: 5, oldestAgeMs: 3_000, inFlight: 3 });
  });

  it('reports no age when nothing waits', () => {
    expect(
      writeQueueStats({ depth: 0, oldestCreatedAt: undefined, inFlightBatches: [], now: 4_000 }),
    ).toEqual({ depth: 0, oldestAgeMs: undefined, inFlight: 0 });
  });

  it('reports an age of 0 for a job enqueued by a clock ahead of this one', () => {
    expect(
      writeQueueStats({ depth: 1, oldestCreatedAt: 5_000, inFlightBatches: [], now: 4_000 })
        .oldestAgeMs,
    ).toBe(0);
  });
});

describe('startStatsLog', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A logger that records its info lines; any other level throws. */
  function recordingLogger() {
    const lines: Array<{ fields: unknown; message: unknown }> = [];
    const unexpected = () => {
      throw new Error('unexpected log level');
    };
    const logger: Logger = {
      fatal: unexpected,
      error: unexpected,
      warn: unexpected,
      info: (fields: unknown, message?: unknown) => void lines.push({ fields, message }),
      debug: unexpected,
      trace: unexpected,
    };
    return { logger, lines };
  }

  it('logs the stats every interval while jobs wait, and nothing once stopped', async () => {
    vi.useFakeTimers();
    const { logger, lines } = recordingLogger();
    let depth = 0;
    const stop = startStatsLog({
      logger,
      intervalMs: 1_000,
      stats: () => ({ depth, oldestAgeMs: depth > 0 ? 10 : undefined, inFlight: 0 }),
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(lines).toEqual([]);
    depth = 2;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(lines).toEqual([
      { fields: { depth: 2, oldestAgeMs: 10, inFlight: 0 }, message: 'memory writes waiting' },
    ]);
    stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(lines).toHaveLength(1);
  });

  it('logs nothing once the queue is closed', async () => {
    vi.useFakeTimers();
    const { logger, lines } = recordingLogger();
    const stop = startStatsLog({ logger, intervalMs: 1_000, stats: () => undefined });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(lines).toEqual([]);
    stop();
  });
});
