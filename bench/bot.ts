import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { type App, createApp } from '../src/app.js';
import { type Config, parseConfig } from '../src/config.js';
import type { StandInsProcess } from './standins-process.js';

/** The bot, wired as `npm start` wires it, running in the benchmark's process. */
export interface BenchBot {
  app: App;
  config: Config;
  /** `app.start()`: gateway login until ready, in ms. */
  startMs: number;
  stop(): Promise<void>;
}

/**
 * Starts the bot against the stand-ins process with a fresh data folder. `backend` picks mem0
 * Platform (the stand-in) or mem0 open source in-process.
 */
export async function startBenchBot(options: {
  standIns: StandInsProcess;
  backend: 'platform' | 'open-source';
  env?: Record<string, string>;
}): Promise<BenchBot> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wellness0-bench-'));
  const { MEM0_API_KEY, MEM0_HOST, ...withoutMem0 } = options.standIns.env;
  const parsed = parseConfig(
    {
      ...withoutMem0,
      ...(options.backend === 'platform' ? { MEM0_API_KEY, MEM0_HOST } : {}),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ...options.env,
    },
    { cwd: process.cwd() },
  );
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const app = createApp(parsed.config, pino({ level: 'silent' }));
  const started = performance.now();
  await app.start();
  const startMs = performance.now() - started;
  return {
    app,
    config: parsed.config,
    startMs,
    async stop() {
      await app.stop(10_000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
