import type { MemoryStore } from '../memory/memory-store.js';
import { memoryUserIdForTerminal } from '../memory/user-id.js';
import type { QueueDepths } from './metrics.js';

/** One named readiness check: true when it passes. A check that throws or hangs fails. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

/** What `/readyz` reports. */
export interface ReadinessReport {
  ready: boolean;
  /** Each check by name: whether it passed. */
  checks: Record<string, boolean>;
  /** The names of the checks that failed, in the order given. */
  failing: string[];
}

/** Runs every check at once, each failing after `timeoutMs`. */
export async function runReadinessChecks(
  checks: Readonly<Record<string, ReadinessCheck>>,
  timeoutMs: number,
): Promise<ReadinessReport> {
  const names = Object.keys(checks);
  const results = await Promise.all(
    names.map(async (name) => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        const check = checks[name];
        return await Promise.race([(async () => (await check?.()) === true)(), timedOut]);
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const entries = names.map((name, i) => [name, results[i] === true] as const);
  const failing = entries.filter(([, ok]) => !ok).map(([name]) => name);
  return { ready: failing.length === 0, checks: Object.fromEntries(entries), failing };
}

/** Options of {@link cachedProbe}. */
export interface CachedProbeOptions {
  /** The probe itself (one cheap call to the service); it passes when it resolves. */
  probe: () => Promise<unknown>;
  /** A probe still running after this long fails. */
  timeoutMs: number;
  /** How long a result is reused, so that a storm of `/readyz` requests costs one call. */
  cacheMs: number;
  now?: () => number;
}

/**
 * A check that runs `probe` at most once every `cacheMs` (callers meanwhile share the result,
 * or the one probe in flight), so that scrapes never multiply calls to the service.
 */
export function cachedProbe(options: CachedProbeOptions): ReadinessCheck {
  const now = options.now ?? Date.now;
  let last: { ok: boolean; at: number } | undefined;
  let running: Promise<boolean> | undefined;
  async function probeOnce(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), options.timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([options.probe().then(() => true), timedOut]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
  return () => {
    if (last !== undefined && now() - last.at < options.cacheMs) return last.ok;
    running ??= probeOnce().then((ok) => {
      last = { ok, at: now() };
      running = undefined;
      return ok;
    });
    return running;
  };
}

/** The most each queue may hold while the bot counts as ready. */
export interface QueueBounds {
  /** Memory writes on disk not yet written. */
  maxMemoryWritesWaiting: number;
  /** Jobs waiting for a Gemini slot. */
  maxGeminiWaiting: number;
}

/** Whether the queues are within `bounds`; false when they cannot be read. */
export function queuesWithin(depths: QueueDepths | undefined, bounds: QueueBounds): boolean {
  if (depths === undefined) return false;
  return (
    depths.memoryWrites.depth < bounds.maxMemoryWritesWaiting &&
    depths.geminiWaiting < bounds.maxGeminiWaiting
  );
}

/** What the bot's readiness is made of. */
export interface BotReadinessOptions {
  /** Whether the Discord gateway connection is up (DiscordBot.gatewayReady). */
  gatewayReady: () => boolean;
  /** The name of that check (default `gateway`; a worker's connection is to the `stream`). */
  connectionCheck?: string;
  /** The memory store, probed with one `list` of a person who does not exist. */
  memory: Pick<MemoryStore, 'list'>;
  /** The queues now (PrometheusMetrics.queues). */
  queues: () => QueueDepths | undefined;
  bounds: QueueBounds;
  /** How long a memory probe's result is reused (default 5000). */
  memoryProbeCacheMs?: number;
  /** A memory probe still running after this long fails (default 3000). */
  memoryProbeTimeoutMs?: number;
}

// Never a person's id (a Discord id is a snowflake, a terminal name rarely this): nothing is
// listed, so the probe costs mem0 one cheap read and shows nobody's memories to anyone.
const probeUserId = memoryUserIdForTerminal('wellness0-readiness-probe');

/**
 * The checks of `/readyz`: `gateway` (connected to Discord), `memory` (mem0 answers a cheap
 * read, at most once every few seconds) and `queues` (memory writes and the Gemini line within
 * their bounds).
 */
export function botReadiness(options: BotReadinessOptions): () => Promise<ReadinessReport> {
  const memoryReachable = cachedProbe({
    probe: () => options.memory.list(probeUserId),
    timeoutMs: options.memoryProbeTimeoutMs ?? 3_000,
    cacheMs: options.memoryProbeCacheMs ?? 5_000,
  });
  const checks: Record<string, ReadinessCheck> = {
    [options.connectionCheck ?? 'gateway']: options.gatewayReady,
    memory: memoryReachable,
    queues: () => queuesWithin(options.queues(), options.bounds),
  };
  // A little longer than the memory probe's own timeout, so that the probe reports it.
  const timeoutMs = (options.memoryProbeTimeoutMs ?? 3_000) + 500;
  return () => runReadinessChecks(checks, timeoutMs);
}

/**
 * The bounds the bot is ready within: memory writes below the write queue's own "backing up"
 * warning (1000 waiting), and no more answers in line for Gemini than five minutes of its
 * per-minute limit.
 */
export function queueBoundsFor(limits: { geminiRequestsPerMinute: number }): QueueBounds {
  return {
    maxMemoryWritesWaiting: 1_000,
    maxGeminiWaiting: Math.max(1, limits.geminiRequestsPerMinute * 5),
  };
}
