import './env.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type Harness,
  startHarness,
  testDiscordToken,
  testGeminiKey,
  testMem0Key,
} from '../test/helpers/harness.js';
import type { RecordedRequest } from '../test/standins/discord.js';
import { createTutorialPipeline, type TutorialTimings } from './tutorial-pipeline.js';

/** What one benchmark run does. */
export interface BenchOptions {
  messages: number;
  ttftMs: number;
  totalMs: number;
  searchMs: number;
  /** Gap between two users' messages, so that they do not queue on each other. */
  spacingMs: number;
  /** Where the JSON goes; its folder is created. */
  out: string;
}

/** p50, p95 and p99 of a set of samples, in ms. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** Everything one run measured, as written to the JSON file. */
export interface BenchResult {
  options: BenchOptions;
  replyLatencyMs: {
    botFirstText: Percentiles;
    botFinalText: Percentiles;
    tutorial: Percentiles;
    limitFirstText: number;
    limitFinalText: number;
  };
  botOverheadOverLimitP50Ms: { firstText: number; finalText: number };
  tutorialOverBotFirstTextP50: number;
  tutorialStepsP50Ms: Record<keyof TutorialTimings, number>;
  footprint: {
    standInsStartMs: number;
    appStartMs: number;
    startHarnessMs: number;
    rssIdleMb: number;
    rssPeakMb: number;
    eventLoopLagP99Ms: number;
  };
}

/** Sizes for CI: a handful of messages and short latencies. */
export const quickOptions: Omit<BenchOptions, 'out'> = {
  messages: 5,
  ttftMs: 20,
  totalMs: 60,
  searchMs: 10,
  spacingMs: 20,
};

const defaultOptions: BenchOptions = {
  messages: 200,
  ttftMs: 300,
  totalMs: 800,
  searchMs: 100,
  spacingMs: 20,
  out: 'bench/results/latest.json',
};

/** Reads the command line (`--quick`, `--messages`, `--ttft-ms`, `--total-ms`, `--search-ms`, `--out`). */
export function parseBenchArgs(args: string[]): BenchOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      messages: { type: 'string' },
      'ttft-ms': { type: 'string' },
      'total-ms': { type: 'string' },
      'search-ms': { type: 'string' },
      'spacing-ms': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const base = values.quick ? { ...defaultOptions, ...quickOptions } : defaultOptions;
  const count = (name: string, raw: string | undefined, fallback: number, min: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
    return n;
  };
  return {
    messages: count('messages', values.messages, base.messages, 1),
    ttftMs: count('ttft-ms', values['ttft-ms'], base.ttftMs, 0),
    totalMs: count('total-ms', values['total-ms'], base.totalMs, 0),
    searchMs: count('search-ms', values['search-ms'], base.searchMs, 0),
    spacingMs: count('spacing-ms', values['spacing-ms'], base.spacingMs, 0),
    out: values.out ?? base.out,
  };
}

/** Nearest-rank percentile, as the load tests compute it. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function percentiles(values: readonly number[]): Percentiles {
  return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const round = (ms: number) => Math.round(ms * 10) / 10;

/** Message sends and edits in one channel, as the Discord stand-in received them. */
function writesIn(requests: readonly RecordedRequest[], channelId: string): RecordedRequest[] {
  return requests.filter(
    (r) =>
      (r.method === 'POST' && r.path === `/channels/${channelId}/messages`) ||
      (r.method === 'PATCH' && r.path.startsWith(`/channels/${channelId}/messages/`)),
  );
}

/** Cold start of the bot against fresh stand-ins, split into stand-ins and `app.start`. */
async function measureStartup(): Promise<{ standInsStartMs: number; appStartMs: number }> {
  const h = await startHarness({ backend: 'platform' });
  await h.close();
  return h.timings;
}

/** Sends one DM per user, spaced apart, and times first and final text of each answer. */
async function measureBot(h: Harness, options: BenchOptions) {
  const sent: Array<{ channelId: string; at: number }> = [];
  for (let i = 0; i < options.messages; i++) {
    const userId = String(300000000000000000n + BigInt(i));
    const at = Date.now();
    const dm = h.discord.sendDm({ userId, content: `bench message ${i}: I slept badly again` });
    sent.push({ channelId: dm.channel_id, at });
    await sleep(options.spacingMs);
  }
  await h.discord.waitFor(
    () => sent.every((m) => h.discord.messages(m.channelId).length > 0) || undefined,
    60_000 + options.messages * 1_000,
  );
  await h.app.core.whenIdle(60_000);
  const firstText: number[] = [];
  const finalText: number[] = [];
  for (const m of sent) {
    const writes = writesIn(h.discord.requests, m.channelId);
    const first = writes.find((w) => w.method === 'POST');
    const last = writes.at(-1);
    if (!first || !last) throw new Error(`no reply recorded in channel ${m.channelId}`);
    firstText.push(first.at - m.at);
    finalText.push(last.at - m.at);
  }
  return { firstText, finalText };
}

/** Runs the tutorial's pipeline for as many users, with the same spacing, on the same stand-ins. */
async function measureTutorial(h: Harness, options: BenchOptions): Promise<TutorialTimings[]> {
  if (!h.mem0) throw new Error('the benchmark needs the mem0 Platform stand-in');
  const pipeline = createTutorialPipeline({
    discordApiBase: h.discord.apiBase,
    discordToken: testDiscordToken,
    geminiBaseUrl: h.gemini.baseUrl,
    geminiApiKey: testGeminiKey,
    geminiModel: h.config.geminiModel,
    mem0Host: h.mem0.baseUrl,
    mem0ApiKey: testMem0Key,
  });
  const users = Array.from({ length: options.messages }, (_, i) =>
    String(400000000000000000n + BigInt(i)),
  );
  const channels = await Promise.all(users.map((userId) => pipeline.openDm(userId)));
  const runs: Array<Promise<TutorialTimings>> = [];
  for (const [i, userId] of users.entries()) {
    const run = pipeline.answer({
      userId,
      channelId: channels[i] ?? '',
      text: `bench message ${i}: I slept badly again`,
    });
    // Handled here so that a failure while later runs start is not an unhandled rejection.
    run.catch(() => undefined);
    runs.push(run);
    await sleep(options.spacingMs);
  }
  return Promise.all(runs);
}

/** Runs the whole benchmark in-process, prints a table through `log` and writes the JSON. */
export async function runBench(
  overrides: Partial<BenchOptions> = {},
  log: (line: string) => void = console.log,
): Promise<BenchResult> {
  const options: BenchOptions = { ...defaultOptions, ...overrides };
  const { standInsStartMs, appStartMs } = await measureStartup();

  const harnessStarted = performance.now();
  const h = await startHarness({
    backend: 'platform',
    env: { QUEUE_NOTICE_AFTER_MS: '600000', USER_TURNS_PER_MINUTE: '1000' },
  });
  const startHarnessMs = performance.now() - harnessStarted;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  try {
    await sleep(200);
    const rssIdle = process.memoryUsage().rss;
    h.mem0?.setLatency(options.searchMs, /^\/v3\/memories\/search\/$/);
    h.gemini.setLatency({ timeToFirstTokenMs: options.ttftMs, totalMs: options.totalMs });

    lag.enable();
    const bot = await measureBot(h, options);
    lag.disable();
    const tutorial = await measureTutorial(h, options);
    const violations = h.violations();
    if (violations.length > 0)
      throw new Error(`stand-ins saw violations:\n${violations.join('\n')}`);

    const limitFirstText = options.searchMs + options.ttftMs;
    const limitFinalText = options.searchMs + Math.max(options.ttftMs, options.totalMs);
    const botFirstText = percentiles(bot.firstText);
    const botFinalText = percentiles(bot.finalText);
    const tutorialTotal = percentiles(tutorial.map((t) => t.totalMs).map(round));
    const steps = Object.fromEntries(
      (Object.keys(tutorial[0] ?? {}) as Array<keyof TutorialTimings>).map((key) => [
        key,
        round(
          percentile(
            tutorial.map((t) => t[key]),
            50,
          ),
        ),
      ]),
    ) as Record<keyof TutorialTimings, number>;
    const result: BenchResult = {
      options,
      replyLatencyMs: {
        botFirstText,
        botFinalText,
        tutorial: tutorialTotal,
        limitFirstText,
        limitFinalText,
      },
      botOverheadOverLimitP50Ms: {
        firstText: botFirstText.p50 - limitFirstText,
        finalText: botFinalText.p50 - limitFinalText,
      },
      tutorialOverBotFirstTextP50: round(tutorialTotal.p50 / botFirstText.p50),
      tutorialStepsP50Ms: steps,
      footprint: {
        standInsStartMs: round(standInsStartMs),
        appStartMs: round(appStartMs),
        startHarnessMs: round(startHarnessMs),
        rssIdleMb: mb(rssIdle),
        rssPeakMb: mb(peakRss),
        eventLoopLagP99Ms: round(lag.percentile(99) / 1e6),
      },
    };
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
    log(formatTable(result));
    log(`JSON written to ${options.out}`);
    return result;
  } finally {
    clearInterval(sampler);
    lag.disable();
    await h.close();
  }
}

/** The plain table printed after a run. */
export function formatTable(r: BenchResult): string {
  const o = r.options;
  const row = (name: string, p: Percentiles | number) =>
    typeof p === 'number'
      ? `  ${name.padEnd(34)} ${String(p).padStart(8)}`
      : `  ${name.padEnd(34)} ${[p.p50, p.p95, p.p99].map((v) => String(v).padStart(8)).join(' ')}`;
  const l = r.replyLatencyMs;
  const f = r.footprint;
  return [
    `reply latency: ${o.messages} DMs from ${o.messages} users, ${o.spacingMs} ms apart; ` +
      `mem0 search ${o.searchMs} ms, Gemini ttft ${o.ttftMs} ms / total ${o.totalMs} ms`,
    `  ${'(ms)'.padEnd(34)} ${['p50', 'p95', 'p99'].map((v) => v.padStart(8)).join(' ')}`,
    row('bot: first text', l.botFirstText),
    row('bot: final text', l.botFinalText),
    row('tutorial pipeline (first = final)', l.tutorial),
    row('limit: first text (search+ttft)', l.limitFirstText),
    row('limit: final text (search+total)', l.limitFinalText),
    row('bot overhead over limit, first p50', r.botOverheadOverLimitP50Ms.firstText),
    row('bot overhead over limit, final p50', r.botOverheadOverLimitP50Ms.finalText),
    row('tutorial / bot first text (p50)', r.tutorialOverBotFirstTextP50),
    `tutorial steps, p50 (ms): ` +
      Object.entries(r.tutorialStepsP50Ms)
        .map(([k, v]) => `${k.replace(/Ms$/, '')} ${v}`)
        .join(', '),
    'footprint (bot and stand-ins in one process)',
    row('stand-ins start (ms)', f.standInsStartMs),
    row('app.start, cold (ms)', f.appStartMs),
    row('startHarness, warm (ms)', f.startHarnessMs),
    row('RSS idle after start (MB)', f.rssIdleMb),
    row('RSS peak during run (MB)', f.rssPeakMb),
    row('event-loop lag p99 (ms)', f.eventLoopLagP99Ms),
  ].join('\n');
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
