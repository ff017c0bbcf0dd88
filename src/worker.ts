// Entry: a worker process of a split bot (`npm run worker`, as many as wanted): answers what the
// gateway received. The only file of it that reads the process environment.
import { runProcess } from './run-process.js';

await runProcess(process.env, {
  purpose: 'worker',
  startingMessage: 'starting a wellness0 worker',
  async create(config, logger) {
    const { createWorkerApp } = await import('./scale/worker-app.js');
    // REDIS_URL is required for this purpose: the settings would not have been read without it.
    return createWorkerApp({ ...config, redisUrl: config.redisUrl ?? '' }, logger);
  },
});
