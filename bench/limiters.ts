// The limiters' own cost: how long a job waits between `schedule` and its start when nothing
// holds it back (idle), through the bot's Gemini gate on a bottleneck limiter in this process and
// on one shared through Redis, beside a bare promise; and how much of a limit a long line uses.
// Run alone: `npx tsx bench/limiters.ts [--quick]`.
import { pathToFileURL } from 'node:url';
import { createLimiterStore, type LimiterStore } from '../src/limits/bottleneck-limiters.js';
import { createRateGate, startIntervalMs } from '../src/limits/rate-gate.js';
import { redisTestsEnabled, startRedis } from '../test/helpers/redis.js';
import { type Percentiles, percentiles, round, tableRow } from './stats.js';

/** Sizes of one run. */
export interface LimitersBenchOptions {
  /** Jobs scheduled one after another, each alone, for the idle wait. */
  idleJobs: number;
  /** Jobs queued at once behind a limit, for the share of the limit used. */
  lineJobs: number;
  /** The limit of that line. */
  lineRequestsPerMinute: number;
}

export const defaultLimitersBenchOptions: LimitersBenchOptions = {
  idleJobs: 500,
  lineJobs: 60,
  lineRequestsPerMinute: 1_200,
};

export const quickLimitersBenchOptions: LimitersBenchOptions = {
  idleJobs: 20,
  lineJobs: 5,
  lineRequestsPerMinute: 6_000,
};

/** One way of running jobs, measured. */
export interface LimiterRow {
  name: string;
  /** schedule → start with nothing waiting, in ms. */
  idleWaitMs: Percentiles;
  /** Starts achieved over a long line, as a share of the limit (1 = all of it); absent for the bare promise. */
  limitUsed?: number;
}

/** What one run measured. */
export interface LimitersBenchResult {
  rows: LimiterRow[];
  /** Whether the Redis rows ran (redis-server installed). */
  redis: boolean;
}

interface Scheduler {
  schedule<T>(job: () => Promise<T>): Promise<T>;
}

async function idleWaits(scheduler: Scheduler, jobs: number): Promise<number[]> {
  const waits: number[] = [];
  // A few unmeasured first: the first jobs pay for module warm-up and Redis scripts.
  for (let i = 0; i < Math.min(10, jobs) + jobs; i++) {
    const scheduledAt = performance.now();
    const wait = await scheduler.schedule(async () => performance.now() - scheduledAt);
    if (i >= Math.min(10, jobs)) waits.push(wait);
  }
  return waits;
}

async function limitUsed(scheduler: Scheduler, options: LimitersBenchOptions): Promise<number> {
  const starts: number[] = [];
  await Promise.all(
    Array.from({ length: options.lineJobs }, () =>
      scheduler.schedule(async () => {
        starts.push(performance.now());
      }),
    ),
  );
  starts.sort((a, b) => a - b);
  const spanMs = (starts.at(-1) ?? 0) - (starts[0] ?? 0);
  const nominalMs = ((starts.length - 1) * 60_000) / options.lineRequestsPerMinute;
  return spanMs > 0 ? Math.round((nominalMs / spanMs) * 1000) / 1000 : 0;
}

/** The bot's gate (answers first, extraction share) over a pacer of `store`. */
function gateOn(store: LimiterStore, id: string, requestsPerMinute: number): Scheduler {
  const gate = createRateGate({
    pacer: store.startPacer({
      id,
      minIntervalMs: startIntervalMs(requestsPerMinute),
      maxConcurrent: 1_000,
      maxRunMs: 60_000,
    }),
    requestsPerMinute,
    noticeAfterMs: 60_000,
    backgroundEvery: 4,
  });
  return { schedule: (job) => gate.schedule(job) };
}

async function measure(
  name: string,
  store: LimiterStore,
  options: LimitersBenchOptions,
): Promise<LimiterRow> {
  // An idle limit high enough never to hold a job back: what is left is the limiter's own cost.
  const idle = gateOn(store, `bench:idle:${Date.now()}`, 6_000_000);
  await store.ready();
  const waits = await idleWaits(idle, options.idleJobs);
  const line = gateOn(store, `bench:line:${Date.now()}`, options.lineRequestsPerMinute);
  await store.ready();
  return {
    name,
    idleWaitMs: percentiles(waits),
    limitUsed: await limitUsed(line, options),
  };
}

/** Measures each way of running jobs, one after another. */
export async function runLimitersBench(
  options: LimitersBenchOptions = defaultLimitersBenchOptions,
): Promise<LimitersBenchResult> {
  const rows: LimiterRow[] = [];
  const bare: Scheduler = { schedule: (job) => Promise.resolve().then(job) };
  rows.push({
    name: 'bare promise (no limiter)',
    idleWaitMs: percentiles(await idleWaits(bare, options.idleJobs)),
  });
  const local = createLimiterStore();
  try {
    rows.push(await measure('gate on bottleneck, this process', local, options));
  } finally {
    await local.close();
  }
  const redis = redisTestsEnabled();
  if (redis) {
    const server = await startRedis();
    const shared = createLimiterStore({ redisUrl: server.url, namespace: 'bench' });
    try {
      rows.push(await measure('gate on bottleneck, shared in Redis', shared, options));
    } finally {
      await shared.close();
      await server.stop();
    }
  }
  return { rows, redis };
}

/** The result as a table. */
export function formatLimitersTable(result: LimitersBenchResult): string {
  return [
    'Limiters: schedule → start with nothing waiting (ms), and the share of a limit a long line uses',
    tableRow('', ['p50', 'p95', 'p99', 'limit used'], 40),
    ...result.rows.map((row) =>
      tableRow(
        row.name,
        [
          row.idleWaitMs.p50,
          row.idleWaitMs.p95,
          row.idleWaitMs.p99,
          row.limitUsed === undefined ? '—' : `${round(row.limitUsed * 100)}%`,
        ],
        40,
      ),
    ),
    ...(result.redis ? [] : ['  (Redis rows skipped: redis-server is not installed)']),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const result = await runLimitersBench(
    quick ? quickLimitersBenchOptions : defaultLimitersBenchOptions,
  );
  console.log(formatLimitersTable(result));
}
