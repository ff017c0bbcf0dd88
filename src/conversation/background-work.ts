import type { Logger } from '../logger.js';

/** Work that runs off the reply path; failures are logged, never thrown at the caller. */
export interface BackgroundWork {
  /** Starts `task` now and returns at once; `owner` groups tasks for `settle`. */
  run(name: string, task: () => Promise<void>, owner?: string): void;
  /** Waits until the tasks of `owner` have settled, or `timeoutMs` passes. */
  settle(owner: string, timeoutMs: number): Promise<void>;
  /** Waits until every started task has settled, or `timeoutMs` passes; resolves to how many are left. */
  drain(timeoutMs: number): Promise<number>;
}

/** Tracks background tasks so that shutdown can wait for them. */
export function createBackgroundWork(logger: Logger): BackgroundWork {
  const pending = new Map<Promise<void>, string | undefined>();
  return {
    run(name, task, owner) {
      const promise = task()
        .catch((error: unknown) =>
          logger.error({ err: error, task: name }, 'background task failed'),
        )
        .finally(() => pending.delete(promise));
      pending.set(promise, owner);
    },
    async settle(owner, timeoutMs) {
      const mine = [...pending].filter(([, o]) => o === owner).map(([p]) => p);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(mine),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    },
    async drain(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.allSettled([...pending.keys()]), timeout]);
      clearTimeout(timer);
      return pending.size;
    },
  };
}
