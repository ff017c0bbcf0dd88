import { backoffDelayMs } from '../limits/backoff.js';

/** How the durable write queue backs off after a failed write. */
export interface WriteRetryPolicy {
  /** Wait before the first retry. */
  initialRetryDelayMs: number;
  /** Longest wait between retries, before jitter. */
  maxRetryDelayMs: number;
  /** A number in [0, 1) for the jitter; default Math.random. */
  random?: (() => number) | undefined;
}

/** When a failed batch is tried again: how many attempts its jobs then count, and how long it waits. */
export interface WriteRetry {
  attempts: number;
  retryInMs: number;
}

/**
 * The retry of a failed batch, given how many attempts each of its jobs had made before: all of
 * them count one more than the most any had (a job that joined a failing batch takes on its
 * backoff, so they stay together), and wait the backoff for that many attempts.
 */
export function retryAfterFailure(
  previousAttempts: readonly number[],
  policy: WriteRetryPolicy,
): WriteRetry {
  const attempts = Math.max(...previousAttempts) + 1;
  const retryInMs = backoffDelayMs({
    attempt: attempts,
    initialDelayMs: policy.initialRetryDelayMs,
    maxDelayMs: policy.maxRetryDelayMs,
    random: policy.random,
  });
  return { attempts, retryInMs };
}
