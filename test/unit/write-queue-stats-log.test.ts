import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../src/logger.js';
import {
  type LoggedStats,
  startStatsLog,
  statsWorthLogging,
} from '../../src/memory/write-queue-stats.js';

describe('statsWorthLogging', () => {
  const idle = { depth: 0, oldestAgeMs: undefined, inFlight: 0 };

  it('logs while jobs wait', () => {
    expect(statsWorthLogging({ ...idle, depth: 1, oldestAgeMs: 5, deadLetters: 0 }, 0)).toBe(true);
  });

  it('logs when dead letters were added though nothing waits', () => {
    expect(statsWorthLogging({ ...idle, deadLetters: 3 }, 2)).toBe(true);
  });

  it('stays quiet when nothing waits and no dead letter was added', () => {
    expect(statsWorthLogging({ ...idle, deadLetters: 3 }, 3)).toBe(false);
  });

  it('stays quiet when dead letters were only deleted', () => {
    expect(statsWorthLogging({ ...idle, deadLetters: 1 }, 3)).toBe(false);
  });
});

describe('startStatsLog with dead letters', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('logs dead letters an earlier run left at its first look, then only when more are added', async () => {
    vi.useFakeTimers();
    const lines: unknown[] = [];
    const logger = { info: (fields: unknown) => void lines.push(fields) } as unknown as Logger;
    let current: LoggedStats = { depth: 0, oldestAgeMs: undefined, inFlight: 0, deadLetters: 2 };
    const stop = startStatsLog({ logger, intervalMs: 1_000, stats: () => current });

    await vi.advanceTimersByTimeAsync(3_000);
    expect(lines).toEqual([current]);
    current = { ...current, deadLetters: 3 };
    await vi.advanceTimersByTimeAsync(1_000);
    expect(lines).toEqual([{ ...current, deadLetters: 2 }, current]);
    stop();
  });
});
