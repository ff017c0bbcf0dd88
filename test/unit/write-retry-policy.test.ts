import { describe, expect, it } from 'vitest';
import { retryAfterFailure } from '../../src/memory/write-retry-policy.js';

describe('retryAfterFailure', () => {
  const policy = { initialRetryDelayMs: 1_000, maxRetryDelayMs: 60_000, random: () => 0 };
  // Each row: what it shows, the attempts each job had made, and the retry expected.
  const table: Array<[string, number[], { attempts: number; retryInMs: number }]> = [
    [
      'waits half the first delay after a first failure with no jitter',
      [0],
      { attempts: 1, retryInMs: 500 },
    ],
    ['doubles the wait with each failure', [2], { attempts: 3, retryInMs: 2_000 }],
    ['counts a batch from its most tried job', [0, 3, 1], { attempts: 4, retryInMs: 4_000 }],
    ['caps the wait', [12], { attempts: 13, retryInMs: 30_000 }],
  ];
  it.each(table)('%s', (_name, previousAttempts, expected) => {
    expect(retryAfterFailure(previousAttempts, policy)).toEqual(expected);
  });

  it('spreads retries with its random source', () => {
    expect(retryAfterFailure([0], { ...policy, random: () => 0.5 }).retryInMs).toBe(750);
  });
});
