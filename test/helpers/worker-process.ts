// A worker of the split bot as its own OS process: `tsx src/worker.ts` (what `npm run worker`
// runs, without the build), in a process group of its own so that a test can SIGKILL it whole.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const repo = join(import.meta.dirname, '..', '..');

/** A running worker process. */
export interface WorkerProcess {
  child: ChildProcess;
  /** Turns it has logged as answered so far. */
  answered: number;
  /** Its warnings and errors so far, by message (ids and codes only: it logs no text). */
  problems: Map<string, number>;
  exited: Promise<void>;
  /** SIGKILL to its process group, as a crash would; resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM (it finishes what it holds), then SIGKILL after 15 s; resolves once it is gone. */
  stop(): Promise<void>;
}

/** Starts a worker with exactly `env` (plus PATH and HOME); resolves once it takes events. */
export function startWorkerProcess(
  env: Record<string, string>,
  name: string,
): Promise<WorkerProcess> {
  const child = spawn(join(repo, 'node_modules', '.bin', 'tsx'), [join(repo, 'src', 'worker.ts')], {
    cwd: repo,
    // Logs at info: the test counts its turns; nothing it logs holds a message's text.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const worker: WorkerProcess = {
    child,
    answered: 0,
    problems: new Map(),
    exited,
    async kill() {
      if (alive()) process.kill(-(child.pid ?? 0), 'SIGKILL');
      await exited;
    },
    async stop() {
      if (alive()) process.kill(-(child.pid ?? 0), 'SIGTERM');
      const timer = setTimeout(() => {
        if (alive()) process.kill(-(child.pid ?? 0), 'SIGKILL');
      }, 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start`)), 60_000);
    createInterface({ input: child.stdout ?? process.stdin }).on('line', (line) => {
      if (line.includes('"taking events from the person stream"')) {
        clearTimeout(timer);
        resolve(worker);
      }
      if (line.includes('"turn answered"')) worker.answered += 1;
      const level = /"level":(\d+)/.exec(line)?.[1];
      if (level !== undefined && Number(level) >= 40) {
        const message = /"msg":"([^"]*)"/.exec(line)?.[1] ?? 'unknown';
        worker.problems.set(message, (worker.problems.get(message) ?? 0) + 1);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}`));
    });
  });
}
