// Entry: discord.js's REST proxy for a split bot (`npm run rest-proxy`): the gateway and every
// worker send their Discord requests through it (DISCORD_API_URL=http://<host>:<port>/api), so
// that Discord's limits hold for all of them together. The only file of it that reads the
// process environment.
import dotenv from 'dotenv';
import { createLogger } from './logger.js';
import { createRestProxy } from './scale/rest-proxy-server.js';

dotenv.config({ quiet: true, path: process.env.DOTENV_CONFIG_PATH ?? '.env' });
const setting = (name: string) => process.env[name]?.trim() || undefined;

const problems: string[] = [];
const portText = setting('REST_PROXY_PORT') ?? '8080';
const port = Number(portText);
if (!/^\d+$/.test(portText) || port < 1 || port > 65_535) {
  problems.push(`REST_PROXY_PORT must be a port number (1 to 65535); it is "${portText}".`);
}
const host = setting('REST_PROXY_HOST') ?? '127.0.0.1';
const globalText = setting('REST_PROXY_GLOBAL_PER_SECOND') ?? '50';
const globalRequestsPerSecond = Number(globalText);
if (!/^\d+$/.test(globalText) || globalRequestsPerSecond < 1 || globalRequestsPerSecond > 100_000) {
  problems.push(
    `REST_PROXY_GLOBAL_PER_SECOND must be a whole number of requests a second (1 to 100000); it is "${globalText}".`,
  );
}
const upstream = setting('REST_PROXY_UPSTREAM') ?? 'https://discord.com/api';
try {
  if (!['http:', 'https:'].includes(new URL(upstream).protocol)) throw new Error('scheme');
} catch {
  problems.push('REST_PROXY_UPSTREAM must be an http(s) URL, such as https://discord.com/api.');
}
const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const level = (setting('LOG_LEVEL') ?? 'info') as (typeof levels)[number];
if (!levels.includes(level)) problems.push(`LOG_LEVEL must be one of ${levels.join(', ')}.`);
if (problems.length > 0) {
  console.error(
    [
      `the wellness0 REST proxy cannot start: ${problems.length === 1 ? 'one setting needs' : `${problems.length} settings need`} attention.`,
      ...problems.map((problem) => `  - ${problem}`),
    ].join('\n'),
  );
  process.exit(1);
}

const logger = createLogger({ level, secrets: [] });
const proxy = createRestProxy({ port, host, upstream, globalRequestsPerSecond, logger });
await proxy.start();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void proxy.stop().then(() => process.exit(0));
  });
}
