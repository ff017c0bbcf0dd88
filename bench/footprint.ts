import { startBotProcess } from './bot-process.js';
import { mb, round, sleep, tableRow } from './stats.js';
import type { StandInsProcess } from './standins-process.js';

/** Start-up and idle memory of the bot as `npm start` runs it, for one memory backend. */
export interface FootprintResult {
  backend: 'open-source' | 'platform';
  /** From spawning `node dist/src/main.js` until it logged that it is ready (modules loaded, logged in). */
  processToReadyMs: number;
  /** From the app's first log line (modules loaded) until ready: login, gateway handshake, recovery. */
  startToReadyMs: number;
  /** Resident memory `idleMs` after ready, with nothing to do (no forced garbage collection). */
  rssIdleMb: number;
}

/** How long the bot idles before its memory is read. */
export interface FootprintOptions {
  idleMs: number;
}

/** Starts the compiled bot once per memory backend against the stand-ins, and lets it idle. */
export async function measureFootprint(
  standIns: StandInsProcess,
  options: FootprintOptions,
): Promise<FootprintResult[]> {
  const results: FootprintResult[] = [];
  for (const backend of ['open-source', 'platform'] as const) {
    const bot = await startBotProcess({ standIns, backend });
    try {
      await sleep(options.idleMs);
      results.push({
        backend,
        processToReadyMs: round(bot.processToReadyMs),
        startToReadyMs: bot.startToReadyMs,
        rssIdleMb: mb(bot.probe().rss),
      });
    } finally {
      await bot.stop();
    }
  }
  return results;
}

/** The footprint table. */
export function formatFootprint(results: readonly FootprintResult[]): string {
  return [
    'Footprint of `npm start` (compiled, `node dist/src/main.js`) against the stand-ins',
    tableRow('(memory backend)', ['process→ready ms', 'start→ready ms', 'idle RSS MB'], 24),
    ...results.map((r) =>
      tableRow(r.backend, [r.processToReadyMs, r.startToReadyMs, r.rssIdleMb], 24),
    ),
  ].join('\n');
}
