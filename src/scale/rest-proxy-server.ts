import { createServer, type Server } from 'node:http';
import { proxyRequests } from '@discordjs/proxy';
import { REST } from '@discordjs/rest';
import type { Logger } from '../logger.js';

/** Options of the REST proxy (`npm run rest-proxy`). */
export interface RestProxyOptions {
  port: number;
  host: string;
  /** Where requests go on (Discord's API, or a stand-in), without the version. */
  upstream: string;
  logger: Logger;
}

/**
 * discord.js's own REST proxy (@discordjs/proxy): every process of a split bot sends its Discord
 * requests through this one, so that Discord's per-route buckets and its global limit (50
 * requests a second per bot) are kept in one place for all of them. Each request carries its
 * own Authorization header, which is passed on and never logged.
 */
export function createRestProxy(options: RestProxyOptions): {
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
} {
  const rest = new REST({ api: options.upstream, rejectOnRateLimit: null });
  const handle = proxyRequests(rest);
  let server: Server | undefined;
  let served = 0;
  return {
    async start() {
      server = createServer((request, response) => {
        served += 1;
        Promise.resolve(handle(request, response)).catch((error: unknown) => {
          options.logger.warn({ err: error }, 'REST proxy request failed');
          if (!response.headersSent) response.statusCode = 502;
          response.end();
        });
      });
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(options.port, options.host, () => resolve());
      });
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : options.port;
      options.logger.info({ host: options.host, port }, 'REST proxy listening');
      return { port };
    },
    async stop() {
      options.logger.info({ served }, 'REST proxy stopping');
      await new Promise<void>((resolve) => {
        if (server === undefined) resolve();
        else server.close(() => resolve());
        server?.closeAllConnections();
      });
    },
  };
}
