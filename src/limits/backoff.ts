/** What {@link backoffDelayMs} needs to know about one retry. */
export interface BackoffOptions {
  /** Which retry this wait comes before: 1 after the first failure, 2 after the second, … */
  attempt: number;
  /** The wait before the first retry, before jitter. */
  initialDelayMs: number;
  /** The longest wait, before jitter. */
  maxDelayMs: number;
  /** A number in [0, 1) for the jitter; default Math.random. */
  random?: (() => number) | undefined;
}

/**
 * The wait before a retry: exponential (doubling from `initialDelayMs`), capped at `maxDelayMs`,
 * with "equal jitter" (at least half of that, plus a random part of the other half), so that
 * retries still back off while callers that failed together spread out. Whole milliseconds.
 */
export function backoffDelayMs(options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const capped = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (options.attempt - 1));
  return Math.round(capped / 2 + random() * (capped / 2));
}
