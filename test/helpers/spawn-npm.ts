// Runs an npm script as a user does (`npm run --silent <script>`), in a process group of its own,
// and lets a test await what it prints instead of polling for it.
import { spawn } from 'node:child_process';

/** How an npm run ended, with everything it printed. */
export interface NpmRunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** An npm run in progress. */
export interface NpmRun {
  readonly pid: number | undefined;
  /** What it printed on stdout so far. */
  stdout: () => string;
  /** What it printed on stderr so far. */
  stderr: () => string;
  /**
   * Resolves with stdout so far once `predicate` holds for it, checked at once and again as each
   * piece of output arrives; rejects when the process ends first, or after `timeoutMs`.
   */
  waitForStdout: (
    predicate: (stdout: string) => boolean,
    what: string,
    timeoutMs?: number,
  ) => Promise<string>;
  /** Writes `line` and a newline to its stdin (when started with `stdin: 'pipe'`). */
  type: (line: string) => void;
  /** Ends its stdin, as the end of piped input does. */
  closeInput: () => void;
  /** Sends `signal` to the whole group: npm, the shell, and every process they started. */
  signal: (signal: NodeJS.Signals) => void;
  /** Kills the group unless the run is over; for a test's cleanup. */
  kill: () => void;
  /** Settles once the process has exited and its output is closed. */
  done: Promise<NpmRunResult>;
}

export interface NpmRunOptions {
  cwd: string;
  /** The whole environment: nothing of the test's own is passed on unless given here. */
  env: Record<string, string | undefined>;
  /** `pipe` to type into it; `ignore` (the default) gives it no input. */
  stdin?: 'pipe' | 'ignore';
}

/** Starts `npm <args…>` in its own process group. */
export function spawnNpm(args: readonly string[], options: NpmRunOptions): NpmRun {
  const child = spawn('npm', args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let ended: NpmRunResult | undefined;
  const waiters = new Set<() => void>();
  if (child.stdout === null || child.stderr === null)
    throw new Error('npm was started without pipes');
  // Whole characters only, even when a chunk ends in the middle of one.
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    for (const check of [...waiters]) check();
  });
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  // The process may exit before it reads everything typed (after `exit`); that is not an error.
  child.stdin?.on('error', () => {});
  const done = new Promise<NpmRunResult>((resolve) => {
    child.once('close', (code, signal) => {
      ended = { code, signal, stdout, stderr };
      resolve(ended);
      for (const check of [...waiters]) check();
    });
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };

  return {
    pid: child.pid,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStdout: (predicate, what, timeoutMs = 20_000) =>
      new Promise<string>((resolve, reject) => {
        const finish = (outcome: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          outcome();
        };
        const check = () => {
          if (predicate(stdout)) return finish(() => resolve(stdout));
          if (ended !== undefined) {
            const how = ended.signal ?? `code ${String(ended.code)}`;
            finish(() =>
              reject(
                new Error(
                  `npm ${args.join(' ')} ended (${how}) before ${what}; stdout: ${stdout.slice(-2_000)}; stderr: ${stderr.slice(-2_000)}`,
                ),
              ),
            );
          }
        };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(
                new Error(
                  `timed out after ${timeoutMs} ms waiting for ${what}; stdout: ${stdout.slice(-2_000)}; stderr: ${stderr.slice(-2_000)}`,
                ),
              ),
            ),
          timeoutMs,
        );
        waiters.add(check);
        check();
      }),
    type: (line) => {
      child.stdin?.write(`${line}\n`);
    },
    closeInput: () => {
      child.stdin?.end();
    },
    signal: signalGroup,
    kill: () => {
      if (ended === undefined) signalGroup('SIGKILL');
    },
    done,
  };
}
