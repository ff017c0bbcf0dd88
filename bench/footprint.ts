import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { round, sleep, tableRow } from './stats.js';
import type { StandInsProcess } from './standins-process.js';

/** Start-up and idle memory of the bot as `npm start` runs it, for one memory backend. */
export interface FootprintResult {
  backend: 'open-source' | 'platform';
  /** From spawning `node dist/src/main.js` until it logged that it is ready (modules loaded, logged in). */
  processToReadyMs: number;
  /** From the app starting (modules loaded) until ready: login, gateway handshake, recovery. */
  startToReadyMs: number;
  /** Resident memory 3 s after ready, with nothing to do. */
  rssIdleMb: number;
}

const readyLine = 'invite the bot to a server with this URL';

/** Reads the `time` of the first JSON log line whose message contains `msg`. */
function logTime(logs: string, msg: string): number | undefined {
  for (const line of logs.split('\n')) {
    if (!line.includes(msg)) continue;
    try {
      return (JSON.parse(line) as { time: number }).time;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 'NaN');
  return kb / 1024;
}

/** Builds the bot as `npm start` does, then starts it once per backend against the stand-ins. */
export async function measureFootprint(standIns: StandInsProcess): Promise<FootprintResult[]> {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const results: FootprintResult[] = [];
  for (const backend of ['open-source', 'platform'] as const) {
    const dataDir = mkdtempSync(join(tmpdir(), 'wellness0-footprint-'));
    const { MEM0_API_KEY, MEM0_HOST, ...withoutMem0 } = standIns.env;
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...withoutMem0,
      ...(backend === 'platform' ? { MEM0_API_KEY, MEM0_HOST } : {}),
      DATA_DIR: dataDir,
      DOTENV_CONFIG_PATH: join(dataDir, 'no-env'),
      LOG_LEVEL: 'info',
    };
    const spawned = performance.now();
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    child.stdout.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    try {
      const deadline = Date.now() + 60_000;
      while (!logs.includes(readyLine)) {
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`the bot did not become ready:\n${logs.slice(-2_000)}`);
        }
        await sleep(10);
      }
      const processToReadyMs = performance.now() - spawned;
      await sleep(3_000);
      const started = logTime(logs, 'starting wellness0');
      const ready = logTime(logs, readyLine);
      results.push({
        backend,
        processToReadyMs: round(processToReadyMs),
        startToReadyMs: started !== undefined && ready !== undefined ? ready - started : NaN,
        rssIdleMb: round(rssOf(child.pid ?? 0)),
      });
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return results;
}

/** The footprint table. */
export function formatFootprint(results: readonly FootprintResult[]): string {
  return [
    'Footprint of `npm start` (compiled, `node dist/src/main.js`) against the stand-ins',
    tableRow('(backend)', ['process→ready ms', 'start→ready ms', 'idle RSS MB'], 24),
    ...results.map((r) =>
      tableRow(r.backend, [r.processToReadyMs, r.startToReadyMs, r.rssIdleMb], 24),
    ),
  ].join('\n');
}
