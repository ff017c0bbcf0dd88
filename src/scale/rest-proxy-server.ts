import { createServer, type Server } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { populateErrorResponse, populateSuccessfulResponse } from '@discordjs/proxy';
import { type RequestMethod, REST } from '@discordjs/rest';
import type { Logger } from '../logger.js';

/** Options of the REST proxy (`npm run rest-proxy`). */
export interface RestProxyOptions {
  port: number;
  host: string;
  /** Where requests go on (Discord's API, or a stand-in), without the version. */
  upstream: string;
  /**
   * Requests a second to Discord, all together (REST_PROXY_GLOBAL_PER_SECOND): Discord's global
   * limit for a bot is 50 unless Discord raised it for this one.
   */
  globalRequestsPerSecond: number;
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
  const rest = new REST({
    api: options.upstream,
    rejectOnRateLimit: null,
    globalRequestsPerSecond: options.globalRequestsPerSecond,
  });
  /**
   * @discordjs/proxy's `proxyRequests` (2.1.1), but an error it does not know (Discord out of
   * reach) answers 502: there it ends the response first, which a client reads as 200 and empty.
   */
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://proxy');
    const headers: Record<string, string> = {};
    const copied = ['content-type', 'authorization', 'x-audit-log-reason'] as const;
    for (const name of copied) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    try {
      const upstream = await rest.queueRequest({
        body: request,
        fullRoute: url.pathname.replace(/^\/api(\/v\d+)?/, '') as `/${string}`,
        method: (request.method ?? 'GET') as RequestMethod,
        // The request's own Authorization header goes on as it came.
        auth: false,
        passThroughBody: true,
        query: url.searchParams,
        headers,
      });
      await populateSuccessfulResponse(response, upstream);
    } catch (error) {
      if (!populateErrorResponse(response, error)) {
        options.logger.warn({ err: error }, 'REST proxy could not reach Discord');
        response.statusCode = 502;
      }
    } finally {
      response.end();
    }
  }
  let server: Server | undefined;
  let served = 0;
  return {
    async start() {
      server = createServer((request, response) => {
        served += 1;
        handle(request, response).catch((error: unknown) => {
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
