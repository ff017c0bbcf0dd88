import Bottleneck from 'bottleneck';

/** Admits work at a steady pace and a bounded concurrency, first come first served. */
export interface RateGate {
  /**
   * Runs `job` once it is admitted. While it waits longer than the notice delay, `onWaiting`
   * is told its place in line (1 = next), once.
   */
  schedule<T>(job: () => Promise<T>, onWaiting?: (placeInLine: number) => void): Promise<T>;
  /** How many jobs are waiting. */
  waiting(): number;
}

/** Options of a RateGate. */
export interface RateGateOptions {
  requestsPerMinute: number;
  maxConcurrent: number;
  /** Waiting longer than this triggers `onWaiting`. */
  noticeAfterMs: number;
}

/**
 * A RateGate on bottleneck. Starts are spaced evenly (60 s / requestsPerMinute apart), so no
 * sliding minute ever holds more than `requestsPerMinute` starts, unlike a refilled reservoir.
 */
export function createRateGate(options: RateGateOptions): RateGate {
  const limiter = new Bottleneck({
    maxConcurrent: options.maxConcurrent,
    minTime: Math.ceil(60_000 / options.requestsPerMinute),
  });
  let issued = 0;
  const waitingTickets = new Set<number>();
  return {
    schedule(job, onWaiting) {
      const ticket = issued++;
      waitingTickets.add(ticket);
      const timer =
        onWaiting === undefined
          ? undefined
          : setTimeout(() => {
              if (!waitingTickets.has(ticket)) return;
              let place = 0;
              for (const other of waitingTickets) if (other <= ticket) place++;
              onWaiting(place);
            }, options.noticeAfterMs);
      timer?.unref();
      return limiter.schedule(() => {
        waitingTickets.delete(ticket);
        clearTimeout(timer);
        return job();
      });
    },
    waiting: () => waitingTickets.size,
  };
}

/** Runs work for one key (a channel) at a steady pace, in order; keys run independently. */
export interface KeyedPacer {
  /** Runs `job` for `key` once the key's previous job has finished and its pace allows. */
  run<T>(key: string, job: () => Promise<T>): Promise<T>;
}

/**
 * A KeyedPacer on a bottleneck Group: per key a token bucket of `burst` writes refilled one per
 * `minIntervalMs`, so a write may follow the previous one at once (the finished text of a reply
 * right after its last update) while a sustained run keeps the interval. Discord's per-channel
 * limit allows such short bursts. Keys idle long enough for a full bucket are dropped, so the
 * pacer stays bounded.
 */
export function createKeyedPacer(options: { minIntervalMs: number; burst?: number }): KeyedPacer {
  const burst = Math.max(1, options.burst ?? 2);
  const group = new Bottleneck.Group({
    maxConcurrent: 1,
    reservoir: burst,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: options.minIntervalMs,
    reservoirIncreaseMaximum: burst,
    timeout: Math.max(10_000, options.minIntervalMs * (burst + 2)),
  });
  return {
    run: (key, job) => group.key(key).schedule(job),
  };
}
