import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../src/limits/backoff.js';

describe('backoffDelayMs', () => {
  // Each row: attempt, initial and longest delay, the random draw, and the wait expected.
  const table: Array<[number, number, number, number, number]> = [
    [1, 1_000, 20_000, 0, 500],
    [1, 1_000, 20_000, 0.5, 750],
    [2, 1_000, 20_000, 0.5, 1_500],
    [3, 1_000, 20_000, 0, 2_000],
    [3, 1_000, 20_000, 0.999_999, 4_000],
    [5, 1_000, 20_000, 0, 8_000],
    [6, 1_000, 20_000, 0, 10_000],
    [10, 1_000, 20_000, 0.5, 15_000],
    [1, 1_000, 500, 0.5, 375],
    [1, 3, 100, 0, 2],
    [4, 20, 1_000, 0.25, 100],
  ];
  it.each(table)(
    'waits, before retry %i from %i ms capped at %i ms with a draw of %d, %i ms',
    (attempt, initialDelayMs, maxDelayMs, draw, expected) => {
      expect(backoffDelayMs({ attempt, initialDelayMs, maxDelayMs, random: () => draw })).toBe(
        expected,
      );
    },
  );

  it('draws its jitter from Math.random by default, between half the delay and all of it', () => {
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelayMs({ attempt: 2, initialDelayMs: 1_000, maxDelayMs: 20_000 });
      expect(delay).toBeGreaterThanOrEqual(1_000);
      expect(delay).toBeLessThanOrEqual(2_000);
    }
  });

  it('draws once per call', () => {
    let draws = 0;
    backoffDelayMs({ attempt: 1, initialDelayMs: 10, maxDelayMs: 10, random: () => (draws++, 0) });
    expect(draws).toBe(1);
  });
});
