import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup-env.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most test files wait on sockets and child processes, not the CPU: two at a time even on a
    // 2-core machine (vitest's default there is one) halves the suite's wall time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
