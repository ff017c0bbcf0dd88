// Entry: the gateway process of a split bot (`npm run gateway`): receives Discord's events and
// hands them to the workers through Redis. The only file of it that reads the process environment.
import { runProcess } from './run-process.js';

await runProcess(process.env, {
  purpose: 'gateway',
  startingMessage: 'starting the wellness0 gateway',
  async create(config, logger) {
    const { createGatewayApp } = await import('./scale/gateway-app.js');
    // REDIS_URL is required for this purpose: the settings would not have been read without it.
    return createGatewayApp({ ...config, redisUrl: config.redisUrl ?? '' }, logger);
  },
});
