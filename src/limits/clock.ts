/**
 * The time a limiter keeps: the machine's by default; a manual one in tests, which move it on
 * instead of waiting for it.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale (only differences mean anything). */
  now(): number;
  /**
   * Calls `callback` once `ms` have passed; the function returned cancels it. An `unref` timer
   * does not keep the process alive.
   */
  setTimer(callback: () => void, ms: number, options?: { unref?: boolean }): () => void;
}

/** The machine's monotonic clock and timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(callback, ms, options) {
    const timer = setTimeout(callback, ms);
    if (options?.unref === true) timer.unref();
    return () => clearTimeout(timer);
  },
};
