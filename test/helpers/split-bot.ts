// A bot split into processes, in this one: one gateway app and any number of worker apps, each
// worker with its own DATA_DIR (as on its own machine), sharing one Redis, pointed at the
// stand-ins. The tests of the split start their workers as OS processes where one must die.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { type Config, parseConfig } from '../../src/config.js';
import { createGatewayApp, type GatewayApp } from '../../src/scale/gateway-app.js';
import { createWorkerApp, type WorkerApp } from '../../src/scale/worker-app.js';
import { type FakeDiscord, startFakeDiscord } from '../standins/discord.js';
import type { FakeGuildInput } from '../standins/discord/types.js';
import { type FakeGemini, startFakeGemini } from '../standins/gemini.js';
import { type FakeMem0, startFakeMem0 } from '../standins/mem0-platform.js';
import { testDiscordToken, testGeminiKey, testMem0Key } from './harness.js';

/** The stand-ins and the processes of one split bot. */
export interface SplitBot {
  discord: FakeDiscord;
  gemini: FakeGemini;
  mem0: FakeMem0;
  gateway: GatewayApp;
  workers: WorkerApp[];
  botUserId: string;
  /** The settings every process was given (DATA_DIR apart), for workers started later. */
  env: Record<string, string>;
  /** Each process's DATA_DIR: the gateway's first, then each worker's in the order started. */
  dataDirs: string[];
  /** Starts one more worker. */
  addWorker(): Promise<WorkerApp>;
  violations(): string[];
  close(): Promise<void>;
}

function configFrom(env: Record<string, string>, purpose: 'gateway' | 'worker') {
  const parsed = parseConfig(env, { cwd: process.cwd(), purpose });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.config as Config & { redisUrl: string };
}

/** Starts the stand-ins, the gateway (logged in) and `workers` workers, on the mem0 Platform stand-in. */
export async function startSplitBot(options: {
  redisUrl: string;
  /** Keeps this bot's keys apart from other tests' on the same Redis. */
  namespace?: string;
  workers: number;
  env?: Record<string, string>;
  /** The servers the bot is in. */
  guilds?: FakeGuildInput[];
}): Promise<SplitBot> {
  const discord = await startFakeDiscord({
    token: testDiscordToken,
    ...(options.guilds === undefined ? {} : { guilds: options.guilds }),
  });
  const gemini = await startFakeGemini({ apiKey: testGeminiKey });
  const mem0 = await startFakeMem0({ apiKey: testMem0Key });
  const env: Record<string, string> = {
    DISCORD_TOKEN: testDiscordToken,
    DISCORD_API_URL: discord.apiBase,
    GEMINI_API_KEY: testGeminiKey,
    GOOGLE_GEMINI_BASE_URL: gemini.baseUrl,
    MEM0_API_KEY: testMem0Key,
    MEM0_HOST: mem0.baseUrl,
    REDIS_URL: options.redisUrl,
    LOG_LEVEL: 'silent',
    GEMINI_REQUESTS_PER_MINUTE: '60000',
    GEMINI_MAX_CONCURRENT: '100',
    USER_TURNS_PER_MINUTE: '1000',
    REPLY_EDIT_INTERVAL_MS: '20',
    MEMORY_BATCH_WINDOW_MS: '0',
    ...options.env,
  };
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'wellness0-split-'));
    dirs.push(dir);
    return dir;
  };
  const gateway = createGatewayApp(configFrom({ ...env, DATA_DIR: dataDir() }, 'gateway'), logger);
  const identity = await gateway.start();
  const workers: WorkerApp[] = [];
  async function addWorker(): Promise<WorkerApp> {
    const worker = createWorkerApp(configFrom({ ...env, DATA_DIR: dataDir() }, 'worker'), logger, {
      consumerName: `worker-${workers.length + 1}`,
    });
    await worker.start();
    workers.push(worker);
    return worker;
  }
  for (let i = 0; i < options.workers; i++) await addWorker();
  return {
    discord,
    gemini,
    mem0,
    gateway,
    workers,
    botUserId: identity.botUserId,
    env,
    dataDirs: dirs,
    addWorker,
    violations: () => [...discord.violations, ...gemini.violations, ...mem0.violations],
    async close() {
      gemini.releaseAll();
      await Promise.all(workers.map((worker) => worker.stop(2_000)));
      await gateway.stop();
      await Promise.all([discord.close(), gemini.close(), mem0.close()]);
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}
