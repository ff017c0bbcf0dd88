import type { Clock } from '../../src/limits/clock.js';
import { type StartPacer, startIntervalMs } from '../../src/limits/rate-gate.js';

/**
 * A StartPacer on a manual clock for the gate's order tests: starts exactly
 * 60 s / requestsPerMinute (+1%) apart, at most `maxConcurrent` at once, in order, like
 * bottleneck's `minTime` and `maxConcurrent` (whose own timing is tested against the real
 * limiter in bottleneck-limiters.test.ts).
 */
export function createSpacedPacer(options: {
  requestsPerMinute: number;
  maxConcurrent: number;
  clock: Clock;
}): StartPacer {
  const intervalMs = startIntervalMs(options.requestsPerMinute);
  const line: Array<() => void> = [];
  let running = 0;
  let nextStartAt = -Infinity;
  let timer: (() => void) | undefined;

  function admit(): void {
    while (running < options.maxConcurrent && line.length > 0) {
      const now = options.clock.now();
      if (now < nextStartAt) {
        timer ??= options.clock.setTimer(
          () => {
            timer = undefined;
            admit();
          },
          Math.ceil(nextStartAt - now),
        );
        return;
      }
      nextStartAt = Math.max(now, nextStartAt) + intervalMs;
      running++;
      line.shift()?.();
    }
  }

  return {
    schedule(job) {
      return new Promise((resolve, reject) => {
        line.push(() => {
          (async () => job())()
            .then(resolve, reject)
            .finally(() => {
              running--;
              admit();
            });
        });
        admit();
      });
    },
  };
}
