import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import type { KeyedPacer } from './keyed-pacer.js';
import type { StartPacer } from './rate-gate.js';

/**
 * Where the limiters keep their state: in this process, or in Redis, where every process's
 * limiters with the same id share one state (bottleneck's clustering), so that a limit holds for
 * the whole bot, however many processes it runs in.
 */
export interface LimiterStore {
  /** Paces starts for `id`: at most one per `minIntervalMs`, at most `maxConcurrent` at once. */
  startPacer(options: { id: string; minIntervalMs: number; maxConcurrent: number }): StartPacer;
  /**
   * Paces jobs per key for `id`: `burst` back to back, then one per `minIntervalMs`, one at a time
   * per key, in order; keys run independently.
   */
  keyedPacer(options: { id: string; minIntervalMs: number; burst: number }): KeyedPacer;
  /** `redis` when the state is shared through Redis, else `local`. */
  readonly kind: 'local' | 'redis';
  /** Resolves once the store can be used (at once for `local`); rejects if Redis refuses us. */
  ready(): Promise<void>;
  /** Stops the limiters' timers and closes the Redis connection. */
  close(): Promise<void>;
}

/** Options of a LimiterStore. */
export interface LimiterStoreOptions {
  /** Redis to share the limits through (REDIS_URL); in this process when absent. */
  redisUrl?: string | undefined;
  /** Prefix of every limiter id, so that two bots on one Redis keep apart. */
  namespace?: string;
  /** Told about Redis connection errors (the connection retries on its own). */
  onError?: (error: unknown) => void;
}

// A keyed limiter's reservoir is refilled on its heartbeat: at 100 ms a paced edit waits at most
// that much longer than its interval (bottleneck's default heartbeat is 250 ms).
const keyedHeartbeatMs = 100;
// A key's state is dropped after this long unused (in Redis too, by expiry).
const keyedIdleTimeoutMs = 5 * 60_000;

/** Builds the LimiterStore for `options`: in Redis when `redisUrl` is given, else in this process. */
export function createLimiterStore(options: LimiterStoreOptions = {}): LimiterStore {
  const namespace = options.namespace ?? 'wellness0';
  const limiters: Bottleneck[] = [];
  const groups: Bottleneck.Group[] = [];
  let connection: Bottleneck.IORedisConnection | undefined;
  if (options.redisUrl !== undefined) {
    // The client retries for ever: a request waits for Redis to return rather than failing.
    const client = new Redis(options.redisUrl, {
      maxRetriesPerRequest: null,
      lazyConnect: false,
      connectionName: `${namespace}-limiters`,
    });
    connection = new Bottleneck.IORedisConnection({ client });
    connection.on('error', (error) => options.onError?.(error));
  }
  const shared = (): Bottleneck.ConstructorOptions =>
    connection === undefined
      ? { datastore: 'local' }
      : { datastore: 'ioredis', connection, clearDatastore: false };

  function track(limiter: Bottleneck): Bottleneck {
    limiter.on('error', (error: unknown) => options.onError?.(error));
    limiters.push(limiter);
    return limiter;
  }

  return {
    kind: connection === undefined ? 'local' : 'redis',
    startPacer({ id, minIntervalMs, maxConcurrent }) {
      const settings = { minTime: minIntervalMs, maxConcurrent };
      const limiter = track(new Bottleneck({ ...shared(), id: `${namespace}:${id}`, ...settings }));
      // In Redis the settings of the first process to start are kept; these are this process's,
      // so the newest process started decides (they should all have the same configuration).
      if (connection !== undefined) limiter.updateSettings(settings);
      return { schedule: (job) => limiter.schedule(job) };
    },
    keyedPacer({ id, minIntervalMs, burst }) {
      const group = new Bottleneck.Group({
        ...shared(),
        id: `${namespace}:${id}`,
        maxConcurrent: 1,
        // A token bucket: `burst` at once, refilled by one every interval.
        reservoir: burst,
        reservoirIncreaseAmount: 1,
        reservoirIncreaseInterval: minIntervalMs,
        reservoirIncreaseMaximum: burst,
        heartbeatInterval: keyedHeartbeatMs,
        timeout: keyedIdleTimeoutMs,
      });
      group.on('created', (limiter) => limiter.on('error', (e: unknown) => options.onError?.(e)));
      groups.push(group);
      return { run: (key, job) => group.key(key).schedule(job) };
    },
    async ready() {
      // A limiter is ready once its Redis connection is (bottleneck's typings declare the
      // connection's `ready` a method; it is a promise).
      await Promise.all(limiters.map((limiter) => limiter.ready()));
    },
    async close() {
      const all = [
        ...limiters,
        ...groups.flatMap((group) => group.limiters().map((l) => l.limiter)),
      ];
      // With Redis, the limiters are disconnected through their shared connection.
      if (connection === undefined) await Promise.all(all.map((limiter) => limiter.disconnect()));
      else await connection.disconnect(false);
    },
  };
}
