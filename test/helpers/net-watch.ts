import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** One attempt of a watched process to reach another machine, as net-watch.mjs records it. */
export interface NetAttempt {
  /** `tcp`, `tls`, or the DNS function called (`dns.lookup`, `dns.promises.resolve4`, …). */
  kind: string;
  host: string;
  port?: number;
  pid: number;
  /** The process's `process.argv[1]`: which program tried. */
  script: string | null;
}

/** A file that child processes started with `env` record their off-machine attempts in. */
export interface NetWatch {
  /**
   * Variables that load the watch into a Node process and every Node process it starts. npm's
   * weekly update check is turned off: it is npm's own request, not the bot's.
   */
  env: { NODE_OPTIONS: string; NET_WATCH_FILE: string; npm_config_update_notifier: 'false' };
  /** Every attempt recorded so far, oldest first. */
  attempts(): NetAttempt[];
  /** `process.argv[1]` of every process that loaded the watch so far, so a test can tell it ran. */
  watchedScripts(): Array<string | null>;
  /** Removes the file. */
  remove(): void;
}

const preload = join(import.meta.dirname, 'net-watch.mjs');

/** The line a process writes when it loads the watch. */
interface Watching {
  watching: true;
  pid: number;
  script: string | null;
}

function lines(file: string): Array<NetAttempt | Watching> {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as NetAttempt | Watching);
}

/** Creates an empty watch file in a folder of its own. */
export function createNetWatch(): NetWatch {
  const dir = mkdtempSync(join(tmpdir(), 'wellness0-net-watch-'));
  const file = join(dir, 'attempts.jsonl');
  return {
    env: {
      // A file URL, so that a path with spaces survives NODE_OPTIONS' splitting.
      NODE_OPTIONS: `--import ${pathToFileURL(preload).href}`,
      NET_WATCH_FILE: file,
      npm_config_update_notifier: 'false',
    },
    attempts: () => lines(file).filter((line): line is NetAttempt => !('watching' in line)),
    watchedScripts: () =>
      lines(file)
        .filter((line): line is Watching => 'watching' in line)
        .map((line) => line.script),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
