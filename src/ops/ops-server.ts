import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';
import type { ReadinessReport } from './readiness.js';

/** Options of {@link createOpsServer}. */
export interface OpsServerOptions {
  host: string;
  /** The port to listen on; 0 lets the system choose one (tests). */
  port: number;
  /** The metrics in the Prometheus text format. */
  metrics: { text(): Promise<string>; contentType: string };
  /** The readiness checks, run once per `/readyz` request. */
  readiness: () => Promise<ReadinessReport>;
  logger: Logger;
}

/** The operations endpoints: `/healthz`, `/readyz` and `/metrics`, on a port of their own. */
export interface OpsServer {
  /** Listens; resolves with the address once it does. */
  start(): Promise<{ host: string; port: number }>;
  /** Stops listening and drops open connections (a scraper's keep-alive). */
  close(): Promise<void>;
}

/**
 * A node:http server for operations: GET `/healthz` answers 200 `ok` while the process runs,
 * GET `/readyz` 200 or 503 with the checks as JSON, GET `/metrics` the Prometheus text; anything
 * else 404 (405 for another method on these paths). Nothing listens until `start`.
 */
export function createOpsServer(options: OpsServerOptions): OpsServer {
  const { logger } = options;
  let server: Server | undefined;

  async function respond(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Only the path matters; a query string (a probe's cache-buster) is ignored.
    const path = (request.url ?? '/').split('?')[0];
    const known = path === '/healthz' || path === '/readyz' || path === '/metrics';
    if (!known) return send(response, 404, 'text/plain; charset=utf-8', 'not found\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    }
    if (path === '/healthz') return send(response, 200, 'text/plain; charset=utf-8', 'ok\n');
    if (path === '/readyz') {
      const report = await options.readiness();
      const body = report.ready
        ? { status: 'ready', checks: report.checks }
        : { status: 'not ready', failing: report.failing, checks: report.checks };
      return send(
        response,
        report.ready ? 200 : 503,
        'application/json; charset=utf-8',
        `${JSON.stringify(body)}\n`,
      );
    }
    return send(response, 200, options.metrics.contentType, await options.metrics.text());
  }

  return {
    start() {
      if (server !== undefined) throw new Error('The ops server is already started');
      const listening = createServer((request, response) => {
        respond(request, response).catch((error: unknown) => {
          logger.error({ err: error, path: request.url?.split('?')[0] }, 'ops request failed');
          if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'error\n');
          else response.destroy();
        });
      });
      server = listening;
      return new Promise((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(options.port, options.host, () => {
          listening.off('error', reject);
          const { port } = listening.address() as AddressInfo;
          logger.info({ host: options.host, port }, 'serving /healthz, /readyz and /metrics');
          resolve({ host: options.host, port });
        });
      });
    },
    async close() {
      const listening = server;
      server = undefined;
      if (listening === undefined || !listening.listening) return;
      await new Promise<void>((resolve) => {
        listening.close(() => resolve());
        listening.closeAllConnections();
      });
    },
  };
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
