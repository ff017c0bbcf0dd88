import { type Clock, systemClock } from './clock.js';

/** Admits work at a steady pace and a bounded concurrency, first come first served. */
export interface RateGate {
  /**
   * Runs `job` once it is admitted. While it waits longer than the notice delay, `onWaiting`
   * is told its place in line (1 = next), once. Background jobs are admitted only when no
   * foreground job waits.
   */
  schedule<T>(
    job: () => Promise<T>,
    onWaiting?: (placeInLine: number) => void,
    options?: { background?: boolean },
  ): Promise<T>;
  /** How many jobs are waiting. */
  waiting(): number;
}

/** Options of a RateGate. */
export interface RateGateOptions {
  requestsPerMinute: number;
  maxConcurrent: number;
  /** Waiting longer than this triggers `onWaiting`. */
  noticeAfterMs: number;
  clock?: Clock;
}

interface Waiting {
  start: () => void;
  cancelNotice: (() => void) | undefined;
}

/**
 * A RateGate that spaces starts evenly, 60 s / requestsPerMinute apart (plus 1% headroom), so no
 * sliding minute ever holds more than `requestsPerMinute` starts, unlike a refilled reservoir.
 * One timer waits for the next slot: a job that may start starts in the same tick.
 * (bottleneck, used before, yields to the timer queue several times per job: about 5 ms on every
 * answer, and its spacing drifted by as much, leaving about 7% of the limit unused.)
 */
export function createRateGate(options: RateGateOptions): RateGate {
  // The headroom absorbs a request that leaves a little late (a busy event loop), which would
  // otherwise let the next ones land within the same minute at the service as the one before.
  const intervalMs = (60_000 / options.requestsPerMinute) * 1.01;
  const foreground: Waiting[] = [];
  const background: Waiting[] = [];
  let running = 0;
  let nextSlotAt = -Infinity;
  let slotTimer: (() => void) | undefined;
  const clock = options.clock ?? systemClock;

  function admit(): void {
    while (running < options.maxConcurrent) {
      const line = foreground.length > 0 ? foreground : background;
      if (line.length === 0) return;
      const now = clock.now();
      if (now < nextSlotAt) {
        slotTimer ??= clock.setTimer(
          () => {
            slotTimer = undefined;
            admit();
          },
          Math.ceil(nextSlotAt - now),
        );
        return;
      }
      // Counted from the start itself when it came late (a timer fires in whole milliseconds, a
      // job may arrive after an idle spell), so that no two starts are ever closer than the
      // interval; the cost is a little drift, up to a millisecond a slot.
      nextSlotAt = Math.max(now, nextSlotAt) + intervalMs;
      const next = line.shift();
      if (next === undefined) return;
      next.cancelNotice?.();
      running++;
      next.start();
    }
  }

  return {
    schedule(job, onWaiting, scheduleOptions) {
      return new Promise((resolve, reject) => {
        const line = scheduleOptions?.background ? background : foreground;
        const entry: Waiting = {
          cancelNotice: undefined,
          start: () => {
            (async () => job())()
              .then(resolve, reject)
              .finally(() => {
                running--;
                admit();
              });
          },
        };
        if (onWaiting !== undefined) {
          entry.cancelNotice = clock.setTimer(
            () => {
              const place = line.indexOf(entry);
              if (place === -1) return;
              onWaiting(place + 1 + (line === background ? foreground.length : 0));
            },
            options.noticeAfterMs,
            { unref: true },
          );
        }
        line.push(entry);
        admit();
      });
    },
    waiting: () => foreground.length + background.length,
  };
}
