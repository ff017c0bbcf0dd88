import { createRequire } from 'node:module';
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
  /**
   * Paces starts for `id`: at most one per `minIntervalMs`, at most `maxConcurrent` at once.
   * `maxRunMs` (shared limiters only): a job still counted as running after this long stops
   * counting (it is left to finish), so that a process that died while running jobs does not
   * hold their places for ever (bottleneck frees a dead client's places only by expiration).
   */
  startPacer(options: {
    id: string;
    minIntervalMs: number;
    maxConcurrent: number;
    maxRunMs: number;
  }): StartPacer;
  /**
   * Paces jobs per key for `id`: `burst` back to back, then one per `minIntervalMs`, one at a time
   * per key, in order; keys run independently. `maxRunMs` as for `startPacer`.
   */
  keyedPacer(options: {
    id: string;
    minIntervalMs: number;
    burst: number;
    maxRunMs: number;
  }): KeyedPacer;
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
  /**
   * After Redis has been out of reach this long, jobs waiting for it and new ones go through a
   * limiter of the same settings in this process instead, until it is back (default 5 000 ms):
   * an answer is never held hostage by the limiter's store. The services' own limits still
   * hold (a Gemini 429 is retried or explained).
   */
  fallbackAfterMs?: number;
  /** Told once each time the limits fall back to this process, and once when they are shared again. */
  onFallback?: (sharedAgain: boolean) => void;
}

/**
 * bottleneck's local datastore yields to the event loop with `setTimeout(resolve, 0)` several
 * times per job (bottleneck 2.19.5, lib/LocalDatastore.js `yieldLoop`), and a timer waits at least
 * 1 ms: about 4 ms between `schedule` and the start of a job that nothing holds back, on every
 * answer. `setImmediate` yields just the same (after pending I/O) without that minimum: 1.4 ms
 * (`npx tsx bench/limiters.ts`). Waits that are not zero keep their timer. If a bottleneck
 * upgrade moves the method, nothing is patched and jobs only start a little later; the contract
 * test in bottleneck-limiters.test.ts says so.
 */
export function yieldWithoutTimerMinimum(): boolean {
  if (yieldPatched) return true;
  const localDatastore = createRequire(import.meta.url)('bottleneck/lib/LocalDatastore.js') as {
    prototype: { yieldLoop?: (t?: number) => Promise<void>; Promise?: PromiseConstructor };
  };
  const prototype = localDatastore.prototype;
  if (typeof prototype.yieldLoop !== 'function') return false;
  prototype.yieldLoop = function yieldLoop(this: { Promise?: PromiseConstructor }, t = 0) {
    const PromiseImpl = this.Promise ?? Promise;
    return new PromiseImpl<void>((resolve) => {
      if (t === 0) setImmediate(resolve);
      else setTimeout(resolve, t);
    });
  };
  startWithoutTimerMinimum();
  yieldPatched = true;
  return true;
}

interface BottleneckInternals {
  _run?: (index: string, job: BottleneckJob, wait: number) => unknown;
  _scheduled: Record<string, unknown>;
  _limiter: unknown;
  _clearGlobalState(index: string): unknown;
  _free(index: string, job: BottleneckJob): unknown;
}

interface BottleneckJob {
  options: { expiration?: number | null };
  doRun(): void;
  doExecute(limiter: unknown, clearGlobalState: unknown, run: unknown, free: unknown): unknown;
  doExpire(clearGlobalState: unknown, run: unknown, free: unknown): unknown;
}

/**
 * The same for the start itself: bottleneck starts a job that may start now through
 * `setTimeout(…, 0)` (lib/Bottleneck.js `_run`), another 1 ms at least; `setImmediate` instead when
 * there is no wait (0.4 ms in all, with the above). Jobs with a wait keep bottleneck's own code.
 * (The copy below is `_run` of bottleneck 2.19.5, its last release; `stop({ dropWaitingJobs })`
 * could no longer cancel a start already due, and the bot never calls it.)
 */
function startWithoutTimerMinimum(): void {
  const prototype = Bottleneck.prototype as unknown as BottleneckInternals;
  const original = prototype._run;
  if (typeof original !== 'function' || original.length !== 3) return;
  prototype._run = function run(this: BottleneckInternals, index, job, wait) {
    if (wait > 0) return original.call(this, index, job, wait);
    job.doRun();
    const clearGlobalState = this._clearGlobalState.bind(this, index);
    const rerun = (this._run ?? original).bind(this, index, job);
    const free = this._free.bind(this, index, job);
    const expiration = job.options.expiration;
    const scheduled = {
      timeout: undefined,
      expiration:
        expiration != null
          ? setTimeout(() => job.doExpire(clearGlobalState, rerun, free), expiration)
          : undefined,
      job,
    };
    setImmediate(() => job.doExecute(this._limiter, clearGlobalState, rerun, free));
    return (this._scheduled[index] = scheduled);
  };
}

let yieldPatched = false;

// A keyed limiter's reservoir is refilled on its heartbeat: at 100 ms a paced edit waits at most
// that much longer than its interval (bottleneck's default heartbeat is 250 ms).
const keyedHeartbeatMs = 100;
// A key's state is dropped after this long unused (in Redis too, by expiry).
const keyedIdleTimeoutMs = 5 * 60_000;

// How often a job waiting for Redis checks whether it should go through this process instead.
const fallbackCheckMs = 250;

/** Whether Redis has been out of reach long enough to stop waiting for it. */
interface RedisHealth {
  isDown(): boolean;
}

/** Watches `client`: down from creation until it is ready, and whenever it loses its connection. */
function watchRedis(
  client: Redis,
  fallbackAfterMs: number,
  onFallback: (sharedAgain: boolean) => void,
): RedisHealth {
  let downSince: number | undefined = Date.now();
  let fellBack = false;
  client.on('ready', () => {
    downSince = undefined;
    if (fellBack) onFallback(true);
    fellBack = false;
  });
  for (const event of ['close', 'end', 'reconnecting']) {
    client.on(event, () => {
      downSince ??= Date.now();
    });
  }
  return {
    isDown() {
      const down = downSince !== undefined && Date.now() - downSince >= fallbackAfterMs;
      if (down && !fellBack) {
        fellBack = true;
        onFallback(false);
      }
      return down;
    },
  };
}

/**
 * Runs `job` through the shared limiter, unless Redis is down: then, or once it has been down
 * long enough while the job waits, through the local one. A job runs once, through one of them.
 */
function runResiliently<T>(
  health: RedisHealth,
  job: () => Promise<T>,
  viaShared: (job: () => Promise<T | undefined>) => Promise<T | undefined>,
  viaLocal: (job: () => Promise<T>) => Promise<T>,
): Promise<T> {
  if (health.isDown()) return viaLocal(job);
  return new Promise<T>((resolve, reject) => {
    let state: 'waiting' | 'started' | 'moved' = 'waiting';
    const moveToLocal = () => {
      state = 'moved';
      clearInterval(check);
      viaLocal(job).then(resolve, reject);
    };
    const check = setInterval(() => {
      if (state === 'waiting' && health.isDown()) moveToLocal();
    }, fallbackCheckMs);
    check.unref();
    viaShared(async () => {
      // Its start came after it had moved: the shared slot passes, unused.
      if (state === 'moved') return undefined;
      state = 'started';
      clearInterval(check);
      // The job's own outcome goes to the caller as it comes (a job may reject with anything),
      // not the limiter's: an expiration (see `maxRunMs`) only frees the job's place.
      const running = job();
      running.then(resolve, reject);
      return running.then(
        () => undefined,
        () => undefined,
      );
    }).then(undefined, () => {
      // The shared limiter failed before the job started (Redis refused): this process's.
      if (state === 'waiting') moveToLocal();
    });
  });
}

/** Builds the LimiterStore for `options`: in Redis when `redisUrl` is given, else in this process. */
export function createLimiterStore(options: LimiterStoreOptions = {}): LimiterStore {
  yieldWithoutTimerMinimum();
  const namespace = options.namespace ?? 'wellness0';
  const limiters: Bottleneck[] = [];
  const groups: Bottleneck.Group[] = [];
  let connection: Bottleneck.IORedisConnection | undefined;
  let health: RedisHealth | undefined;
  if (options.redisUrl !== undefined) {
    // The client retries for ever; a job waiting for it moves to this process after a while.
    const client = new Redis(options.redisUrl, {
      maxRetriesPerRequest: null,
      lazyConnect: false,
      connectionName: `${namespace}-limiters`,
    });
    health = watchRedis(client, options.fallbackAfterMs ?? 5_000, (again) => {
      options.onFallback?.(again);
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
    startPacer({ id, minIntervalMs, maxConcurrent, maxRunMs }) {
      const settings = { minTime: minIntervalMs, maxConcurrent };
      const limiter = track(new Bottleneck({ ...shared(), id: `${namespace}:${id}`, ...settings }));
      // In Redis the settings of the first process to start are kept; these are this process's,
      // so the newest process started decides (they should all have the same configuration).
      if (health === undefined) return { schedule: (job) => limiter.schedule(job) };
      const redis = health;
      const local = track(new Bottleneck({ datastore: 'local', ...settings }));
      limiter.updateSettings(settings);
      return {
        schedule: (job) =>
          runResiliently(
            redis,
            job,
            (wrapped) => limiter.schedule({ expiration: maxRunMs }, wrapped),
            (direct) => local.schedule(direct),
          ),
      };
    },
    keyedPacer({ id, minIntervalMs, burst, maxRunMs }) {
      const settings: Bottleneck.ConstructorOptions = {
        maxConcurrent: 1,
        // A token bucket: `burst` at once, refilled by one every interval.
        reservoir: burst,
        reservoirIncreaseAmount: 1,
        reservoirIncreaseInterval: minIntervalMs,
        reservoirIncreaseMaximum: burst,
        heartbeatInterval: keyedHeartbeatMs,
        timeout: keyedIdleTimeoutMs,
      };
      const group = new Bottleneck.Group({ ...shared(), id: `${namespace}:${id}`, ...settings });
      group.on('created', (limiter) => limiter.on('error', (e: unknown) => options.onError?.(e)));
      groups.push(group);
      if (health === undefined) return { run: (key, job) => group.key(key).schedule(job) };
      const redis = health;
      const local = new Bottleneck.Group({ datastore: 'local', ...settings });
      groups.push(local);
      return {
        run: (key, job) =>
          runResiliently(
            redis,
            job,
            (wrapped) => group.key(key).schedule({ expiration: maxRunMs }, wrapped),
            (direct) => local.key(key).schedule(direct),
          ),
      };
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
      // Local ones stop their timers; shared ones are disconnected through their connection.
      const local = all.filter((limiter) => limiter.datastore === 'local');
      await Promise.all(local.map((limiter) => limiter.disconnect()));
      await connection?.disconnect(false);
    },
  };
}
