import './env.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type CrisisDetectionBenchOptions,
  defaultCrisisDetectionBenchOptions,
  formatCrisisDetectionTable,
  quickCrisisDetectionBenchOptions,
  runCrisisDetectionBench,
} from './crisis-detection.js';
import {
  type FootprintOptions,
  type FootprintResult,
  formatFootprint,
  measureFootprint,
} from './footprint.js';
import {
  defaultLimitersBenchOptions,
  formatLimitersTable,
  type LimitersBenchOptions,
  type LimitersBenchResult,
  quickLimitersBenchOptions,
  runLimitersBench,
} from './limiters.js';
import {
  defaultMemoryStoreBenchOptions,
  formatMemoryStoreTable,
  type MemoryStoreBenchOptions,
  type MemoryStoreBenchResult,
  quickMemoryStoreBenchOptions,
  runMemoryStoreBench,
} from './memory-store.js';
import {
  defaultMemoryShareOptions,
  formatMemoryShare,
  measureMemoryShare,
  type MemoryShareOptions,
  type MemoryShareResult,
  quickMemoryShareOptions,
} from './memory-share.js';
import {
  formatReplyLatency,
  measureReplyLatency,
  type ReplyLatencyOptions,
  type ReplyLatencyResult,
} from './reply-latency.js';
import { startStandInsProcess } from './standins-process.js';
import {
  formatThroughput,
  measureThroughput,
  type ThroughputOptions,
  type ThroughputResult,
} from './throughput.js';
import {
  formatTokenBudgetTable,
  runTokenBudgetBench,
  type TokenBudgetOptions,
  type TokenBudgetResult,
} from './token-budget.js';
import { writeJsonResult } from './json-out.js';

/** Sizes of every section of one run. */
export interface BenchOptions {
  footprint: FootprintOptions;
  replyLatency: ReplyLatencyOptions;
  throughput: ThroughputOptions;
  memoryShare: MemoryShareOptions;
  memoryStore: Omit<MemoryStoreBenchOptions, 'log'>;
  tokenBudget: Omit<TokenBudgetOptions, 'log'>;
  crisisDetection: CrisisDetectionBenchOptions;
  limiters: LimitersBenchOptions;
  /** Where the JSON goes; its folder is created. */
  out: string;
}

/** Everything one run measured, as written to the JSON file. */
export interface BenchResult {
  options: BenchOptions;
  footprint: FootprintResult[];
  replyLatency: ReplyLatencyResult;
  throughput: ThroughputResult;
  memoryShare: MemoryShareResult;
  memoryStore: MemoryStoreBenchResult;
  tokenBudget: TokenBudgetResult;
  limiters: LimitersBenchResult;
  /** Wall time of each section, in seconds. */
  sectionSeconds: Record<string, number>;
}

const latency = { ttftMs: 300, totalMs: 800, mem0Ms: 100 };
// Gemini's batch embedding endpoint, as seen from a server near it.
const embeddingMs = 50;

/** Full sizes: about seventeen minutes on a 2-core machine (the memory share alone takes six). */
export const defaultOptions: BenchOptions = {
  footprint: { idleMs: 3_000 },
  replyLatency: { messages: 100, spacingMs: 100, ...latency, embeddingMs, recallSearches: 50 },
  throughput: {
    users: 1_000,
    messagesPerUser: 5,
    spacingMs: 1,
    geminiRequestsPerMinute: 1_200,
    geminiMaxConcurrent: 64,
    ...latency,
  },
  memoryShare: defaultMemoryShareOptions,
  memoryStore: {
    sizes: defaultMemoryStoreBenchOptions.sizes,
    users: defaultMemoryStoreBenchOptions.users,
    searches: defaultMemoryStoreBenchOptions.searches,
  },
  tokenBudget: { users: 2, turns: 60, batchWindowMs: 2_000 },
  crisisDetection: defaultCrisisDetectionBenchOptions,
  limiters: defaultLimitersBenchOptions,
  out: 'bench/results/latest.json',
};

/** Tiny sizes for CI: keeps every section working, measures nothing worth quoting. */
export const quickOptions: BenchOptions = {
  footprint: { idleMs: 300 },
  replyLatency: {
    messages: 5,
    spacingMs: 50,
    ttftMs: 20,
    totalMs: 60,
    mem0Ms: 10,
    embeddingMs: 5,
    recallSearches: 3,
  },
  throughput: {
    users: 10,
    messagesPerUser: 2,
    spacingMs: 5,
    geminiRequestsPerMinute: 6_000,
    geminiMaxConcurrent: 8,
    ttftMs: 20,
    totalMs: 60,
    mem0Ms: 10,
  },
  memoryShare: quickMemoryShareOptions,
  memoryStore: {
    sizes: quickMemoryStoreBenchOptions.sizes,
    users: quickMemoryStoreBenchOptions.users,
    searches: quickMemoryStoreBenchOptions.searches,
  },
  tokenBudget: { users: 1, turns: 3, batchWindowMs: 300 },
  crisisDetection: quickCrisisDetectionBenchOptions,
  limiters: quickLimitersBenchOptions,
  out: 'bench/results/quick.json',
};

/** Reads the command line: `--quick` for CI sizes, `--out` for the JSON file. */
export function parseBenchArgs(args: string[]): BenchOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { quick: { type: 'boolean' }, out: { type: 'string' } },
  });
  const base = values.quick ? quickOptions : defaultOptions;
  return { ...base, out: values.out ?? base.out };
}

/** Runs every section, prints each table through `log` as it finishes and writes the JSON. */
export async function runBench(
  options: BenchOptions,
  log: (line: string) => void = console.log,
): Promise<BenchResult> {
  // mem0 open source writes its user id file under MEM0_DIR (default ~/.mem0), telemetry or not.
  process.env.MEM0_DIR ??= mkdtempSync(join(tmpdir(), 'wellness0-bench-mem0-'));
  const sectionSeconds: Record<string, number> = {};
  const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await run();
    sectionSeconds[name] = Math.round((performance.now() - started) / 100) / 10;
    return result;
  };
  const standIns = await startStandInsProcess();
  let footprint: FootprintResult[];
  let replyLatency: ReplyLatencyResult;
  let throughput: ThroughputResult;
  let memoryShare: MemoryShareResult;
  try {
    footprint = await timed('footprint', () => measureFootprint(standIns, options.footprint));
    log(`${formatFootprint(footprint)}\n`);
    replyLatency = await timed('replyLatency', () =>
      measureReplyLatency(standIns, options.replyLatency),
    );
    log(`${formatReplyLatency(replyLatency)}\n`);
    throughput = await timed('throughput', () => measureThroughput(standIns, options.throughput));
    log(`${formatThroughput(throughput)}\n`);
    memoryShare = await timed('memoryShare', () =>
      measureMemoryShare(standIns, options.memoryShare),
    );
    log(`${formatMemoryShare(memoryShare)}\n`);
    const violations = await standIns.violations();
    if (violations.length > 0) {
      throw new Error(
        `the stand-ins saw requests that break the APIs' rules:\n${violations.join('\n')}`,
      );
    }
  } finally {
    await standIns.close();
  }
  const tokenBudget = await timed('tokenBudget', () =>
    runTokenBudgetBench({ ...options.tokenBudget, log: () => undefined }),
  );
  log(`${formatTokenBudgetTable(tokenBudget)}\n`);
  const memoryStore = await timed('memoryStore', () => runMemoryStoreBench(options.memoryStore));
  log(`${formatMemoryStoreTable(memoryStore)}\n`);
  // Printed, not yet in the JSON: test/bench-smoke.test.ts lists the JSON's keys.
  const crisisDetection = await timed('crisisDetection', async () =>
    runCrisisDetectionBench(options.crisisDetection),
  );
  log(`${formatCrisisDetectionTable(crisisDetection)}\n`);
  const limiters = await timed('limiters', () => runLimitersBench(options.limiters));
  log(`${formatLimitersTable(limiters)}\n`);

  const result: BenchResult = {
    options,
    footprint,
    replyLatency,
    throughput,
    memoryShare,
    memoryStore,
    tokenBudget,
    limiters,
    sectionSeconds,
  };
  writeJsonResult(options.out, result);
  log(
    `Sections (s): ${Object.entries(sectionSeconds)
      .map(([name, s]) => `${name} ${s}`)
      .join(', ')}`,
  );
  log(`JSON written to ${options.out}`);
  return result;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  try {
    await runBench(parseBenchArgs(process.argv.slice(2)));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
