import { type Clock, systemClock } from './clock.js';

/** Runs work for one key (a channel) at a steady pace, in order; keys run independently. */
export interface KeyedPacer {
  /** Runs `job` for `key` once the key's previous job has finished and its pace allows. */
  run<T>(key: string, job: () => Promise<T>): Promise<T>;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  running: boolean;
  jobs: Array<() => void>;
  /** Cancels the bucket's pending timer (a wait for its pace, or for forgetting it). */
  timer: (() => void) | undefined;
}

/**
 * A KeyedPacer with a token bucket per key: `burst` jobs may run back to back, then one per
 * `minIntervalMs`, one at a time, in order. So the finished text of a reply can follow its last
 * update at once while a long stream keeps the interval; Discord's per-channel limit allows such
 * short bursts. A key is forgotten once its bucket is full again, so the pacer stays bounded.
 */
export function createKeyedPacer(options: {
  minIntervalMs: number;
  burst?: number;
  clock?: Clock;
}): KeyedPacer {
  const clock = options.clock ?? systemClock;
  const burst = Math.max(1, options.burst ?? 2);
  const intervalMs = options.minIntervalMs;
  const buckets = new Map<string, Bucket>();

  function refill(bucket: Bucket, now: number): void {
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updatedAt) / intervalMs);
    bucket.updatedAt = now;
  }

  function pump(key: string, bucket: Bucket): void {
    if (bucket.running || bucket.timer !== undefined) return;
    const now = clock.now();
    refill(bucket, now);
    if (bucket.jobs.length === 0) {
      // Idle: forget the key once the bucket would be full anyway.
      bucket.timer = clock.setTimer(
        () => {
          bucket.timer = undefined;
          if (!bucket.running && bucket.jobs.length === 0) buckets.delete(key);
          else pump(key, bucket);
        },
        Math.ceil((burst - bucket.tokens) * intervalMs),
        { unref: true },
      );
      return;
    }
    if (bucket.tokens < 1) {
      bucket.timer = clock.setTimer(
        () => {
          bucket.timer = undefined;
          pump(key, bucket);
        },
        Math.ceil((1 - bucket.tokens) * intervalMs),
      );
      return;
    }
    bucket.tokens -= 1;
    bucket.running = true;
    bucket.jobs.shift()?.();
  }

  return {
    run(key, job) {
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        bucket = {
          tokens: burst,
          updatedAt: clock.now(),
          running: false,
          jobs: [],
          timer: undefined,
        };
        buckets.set(key, bucket);
      }
      const own = bucket;
      return new Promise((resolve, reject) => {
        own.jobs.push(() => {
          (async () => job())()
            .then(resolve, reject)
            .finally(() => {
              own.running = false;
              pump(key, own);
            });
        });
        // A pending "forget" timer is not a wait: the job may run now.
        if (!own.running && own.jobs.length === 1 && own.timer !== undefined) {
          own.timer();
          own.timer = undefined;
        }
        pump(key, own);
      });
    },
  };
}
