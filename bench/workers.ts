// The split bot's scaling: throughput and time to the final answer with 1, 2 and 4 workers (OS
// processes, `tsx src/worker.ts`) behind one gateway, on a real redis-server, against the
// stand-ins (Gemini answering in 300 ms to first text and 600 ms in all; the mem0 Platform
// stand-in, so that memory is not what is measured). Once at a Gemini limit too high to bind,
// so that the scaling shows, and once at a binding one, so that the sharing shows (all the
// workers together stay within it: the stand-in's quota is the limit plus 5%).
// Run alone: `npx tsx bench/workers.ts [--quick]`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { type Config, parseConfig } from '../src/config.js';
import { createGatewayApp } from '../src/scale/gateway-app.js';
import { testDiscordToken, testGeminiKey, testMem0Key } from '../test/helpers/harness.js';
import { redisTestsEnabled, startRedis } from '../test/helpers/redis.js';
import { startWorkerProcess, type WorkerProcess } from '../test/helpers/worker-process.js';
import { startFakeDiscord } from '../test/standins/discord.js';
import { startFakeGemini } from '../test/standins/gemini.js';
import { startFakeMem0 } from '../test/standins/mem0-platform.js';
import { type Percentiles, percentiles, round, sleep, tableRow } from './stats.js';

/** Sizes of one bench. */
export interface WorkersBenchOptions {
  workerCounts: number[];
  people: number;
  /** Each person's DMs, a second apart. */
  messagesEach: number;
  freeRequestsPerMinute: number;
  bindingRequestsPerMinute: number;
}

export const defaultWorkersBenchOptions: WorkersBenchOptions = {
  workerCounts: [1, 2, 4],
  people: 150,
  messagesEach: 2,
  freeRequestsPerMinute: 60_000,
  bindingRequestsPerMinute: 600,
};

export const quickWorkersBenchOptions: WorkersBenchOptions = {
  workerCounts: [1, 2],
  people: 10,
  messagesEach: 2,
  freeRequestsPerMinute: 60_000,
  bindingRequestsPerMinute: 1_200,
};

/** One run: so many workers at one Gemini limit. */
export interface WorkersRow {
  workers: number;
  requestsPerMinute: number;
  messages: number;
  /** Messages answered a second, from the first DM to the last final answer. */
  answersPerSecond: number;
  /** From a DM to the last edit of its answer, in seconds. */
  timeToAnswerS: Percentiles;
  /** Answers asked of Gemini a minute, over the run (several merged DMs are one answer). */
  geminiPerMinute: number;
  /** Gemini requests the stand-in refused as over its quota (the limit + 5%). */
  overQuota: number;
  /** Discord REST requests (sends, edits, typing) per DM answered. */
  discordPerAnswer: number;
}

async function runOne(
  options: WorkersBenchOptions,
  workers: number,
  requestsPerMinute: number,
): Promise<WorkersRow> {
  const [redis, discord, gemini, mem0] = await Promise.all([
    startRedis(),
    startFakeDiscord({ token: testDiscordToken }),
    startFakeGemini({ apiKey: testGeminiKey }),
    startFakeMem0({ apiKey: testMem0Key }),
  ]);
  gemini.setLatency({ timeToFirstTokenMs: 300, totalMs: 600 });
  gemini.setRequestsPerMinute(Math.round(requestsPerMinute * 1.05));
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'wellness0-bench-'));
    dirs.push(dir);
    return dir;
  };
  const env: Record<string, string> = {
    DOTENV_CONFIG_PATH: join(tmpdir(), 'no-such-env-file'),
    DISCORD_TOKEN: testDiscordToken,
    DISCORD_API_URL: discord.apiBase,
    GEMINI_API_KEY: testGeminiKey,
    GOOGLE_GEMINI_BASE_URL: gemini.baseUrl,
    MEM0_API_KEY: testMem0Key,
    MEM0_HOST: mem0.baseUrl,
    MEM0_TELEMETRY: 'false',
    REDIS_URL: redis.url,
    GEMINI_REQUESTS_PER_MINUTE: String(requestsPerMinute),
    GEMINI_MAX_CONCURRENT: '200',
    USER_TURNS_PER_MINUTE: '1000',
  };
  const parsed = parseConfig(
    { ...env, DATA_DIR: dataDir(), LOG_LEVEL: 'silent' },
    { cwd: process.cwd(), purpose: 'gateway' },
  );
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const gateway = createGatewayApp(
    parsed.config as Config & { redisUrl: string },
    pino({ level: 'silent' }),
  );
  const running: WorkerProcess[] = [];
  try {
    await gateway.start();
    running.push(
      ...(await Promise.all(
        Array.from({ length: workers }, (_, n) =>
          startWorkerProcess({ ...env, DATA_DIR: dataDir() }, `worker ${n + 1}`),
        ),
      )),
    );
    const sentAt = new Map<string, number>();
    const channels: string[] = [];
    const started = Date.now();
    for (let round = 0; round < options.messagesEach; round++) {
      for (let p = 0; p < options.people; p++) {
        const sent = discord.sendDm({
          userId: `5${String(p).padStart(17, '0')}`,
          content: `round ${round} from ${p}`,
        });
        sentAt.set(`round ${round} from ${p}`, Date.now());
        if (round === 0) channels.push(sent.channel_id);
      }
      await sleep(1_000);
    }
    const messages = options.people * options.messagesEach;
    // An answer quotes the DMs it answers (one, or several merged), each on its own line.
    const answers = () =>
      channels.flatMap((channel) =>
        discord.messages(channel).flatMap((m) => {
          const quoted = /I hear you: "([\s\S]*)"$/.exec(m.content)?.[1]?.split('\n') ?? [];
          return quoted.map((text) => ({ text, at: m.editedAt ?? m.createdAt }));
        }),
      );
    await discord.waitFor(() => answers().length >= messages || undefined, 600_000);
    const done = answers();
    const last = Math.max(...done.map((a) => a.at));
    return {
      workers,
      requestsPerMinute,
      messages,
      answersPerSecond: round(messages / ((last - started) / 1_000)),
      timeToAnswerS: percentiles(done.map((a) => (a.at - (sentAt.get(a.text) ?? a.at)) / 1_000)),
      geminiPerMinute: Math.round(gemini.chatRequests().length / ((last - started) / 60_000)),
      overQuota: gemini.overLimit(),
      discordPerAnswer: round(discord.requests.length / messages),
    };
  } finally {
    await Promise.all(running.map((worker) => worker.stop()));
    await gateway.stop();
    await Promise.all([discord.close(), gemini.close(), mem0.close(), redis.stop()]);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** Every worker count at both limits. */
export async function runWorkersBench(options: WorkersBenchOptions): Promise<WorkersRow[]> {
  if (!redisTestsEnabled()) throw new Error('the workers bench needs redis-server');
  const rows: WorkersRow[] = [];
  for (const limit of [options.freeRequestsPerMinute, options.bindingRequestsPerMinute]) {
    for (const workers of options.workerCounts) rows.push(await runOne(options, workers, limit));
  }
  return rows;
}

export function formatWorkersTable(rows: readonly WorkersRow[]): string {
  const first = rows[0];
  return [
    `Workers: ${first?.messages ?? 0} DMs (${first ? first.messages / 2 : 0} people × 2, a second apart), Gemini 300/600 ms`,
    tableRow('', ['answers/s', 'p50 s', 'p95 s', 'Gemini/min', 'over quota', 'Discord/DM'], 34),
    ...rows.map((row) =>
      tableRow(
        `${row.workers} worker${row.workers === 1 ? '' : 's'}, ${row.requestsPerMinute}/min`,
        [
          row.answersPerSecond,
          row.timeToAnswerS.p50,
          row.timeToAnswerS.p95,
          row.geminiPerMinute,
          row.overQuota,
          row.discordPerAnswer,
        ],
        34,
      ),
    ),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const rows = await runWorkersBench(quick ? quickWorkersBenchOptions : defaultWorkersBenchOptions);
  console.log(formatWorkersTable(rows));
}
