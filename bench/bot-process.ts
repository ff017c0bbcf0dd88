import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { sleep } from './stats.js';
import type { StandInsProcess } from './standins-process.js';

/** One reading of `bench/probe.mjs` inside the bot's process. */
export interface ProbeReading {
  rss: number;
  /** Highest RSS seen since the last `resetProbe`. */
  peakRss: number;
  /** Event-loop delay since the last `resetProbe`. */
  lagP99Ms: number;
  lagMaxMs: number;
}

/** The bot as `npm start` runs it (compiled, plain node), in its own process, with a probe. */
export interface BotProcess {
  /** From spawn until the bot logged that it is ready. */
  processToReadyMs: number;
  /** From the app's first log line (modules loaded) until ready, by the bot's own log times. */
  startToReadyMs: number;
  /** The latest probe reading. */
  probe(): ProbeReading;
  /** Runs a garbage collection and restarts the probe's peak and event-loop figures. */
  resetProbe(): Promise<void>;
  /** SIGTERM, then waits for a clean exit (pending work is flushed by the bot). */
  stop(): Promise<void>;
}

const readyLine = 'invite the bot to a server with this URL';
let built = false;

/** Builds `dist/` once per benchmark run, as `npm start` does before every start. */
export function buildOnce(): void {
  if (built) return;
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  built = true;
}

function logTime(line: string): number | undefined {
  try {
    return (JSON.parse(line) as { time?: number }).time;
  } catch {
    return undefined;
  }
}

/** Starts the compiled bot against the stand-ins with a fresh data folder. */
export async function startBotProcess(options: {
  standIns: StandInsProcess;
  backend: 'open-source' | 'platform';
  env?: Record<string, string>;
}): Promise<BotProcess> {
  buildOnce();
  const dataDir = mkdtempSync(join(tmpdir(), 'wellness0-bench-'));
  const { MEM0_API_KEY, MEM0_HOST, ...withoutMem0 } = options.standIns.env;
  const spawned = performance.now();
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', './bench/probe.mjs', 'dist/src/main.js'],
    {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...withoutMem0,
        ...(options.backend === 'platform' ? { MEM0_API_KEY, MEM0_HOST } : {}),
        DATA_DIR: dataDir,
        DOTENV_CONFIG_PATH: join(dataDir, 'no-env'),
        LOG_LEVEL: 'info',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let latest: ProbeReading = { rss: 0, peakRss: 0, lagP99Ms: 0, lagMaxMs: 0 };
  let firstLogAt: number | undefined;
  let readyAt: number | undefined;
  let readyMs: number | undefined;
  let tail = '';
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (line.startsWith('{"probe":true')) latest = JSON.parse(line) as ProbeReading;
    else tail = `${tail}\n${line}`.slice(-4_000);
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    firstLogAt ??= logTime(line);
    if (readyAt === undefined && line.includes(readyLine)) {
      readyAt = logTime(line);
      readyMs = performance.now() - spawned;
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (readyMs === undefined) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the bot did not become ready:${tail}`);
    }
    await sleep(5);
  }
  const processToReadyMs = readyMs;
  return {
    processToReadyMs,
    startToReadyMs: (readyAt ?? 0) - (firstLogAt ?? 0),
    probe: () => latest,
    async resetProbe() {
      child.kill('SIGUSR2');
      // The next reading is taken after the reset.
      await sleep(600);
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
