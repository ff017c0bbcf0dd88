import type { Logger } from '../logger.js';

/** Work that runs off the reply path; failures are logged, never thrown at the caller. */
export interface BackgroundWork {
  /** Starts `task` now and returns at once. */
  run(name: string, task: () => Promise<void>): void;
  /** Waits until every started task has settled, or `timeoutMs` passes; resolves to how many are left. */
  drain(timeoutMs: number): Promise<number>;
}

/** Tracks background tasks so that shutdown can wait for them. */
export function createBackgroundWork(logger: Logger): BackgroundWork {
  const pending = new Set<Promise<void>>();
  return {
    run(name, task) {
      const promise = task()
        .catch((error: unknown) =>
          logger.error({ err: error, task: name }, 'background task failed'),
        )
        .finally(() => pending.delete(promise));
      pending.add(promise);
    },
    async drain(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.allSettled([...pending]), timeout]);
      clearTimeout(timer);
      return pending.size;
    },
  };
}
