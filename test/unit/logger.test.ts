import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { ApiError } from '@google/genai';
// axios is mem0ai's HTTP client (not a dependency of ours); its errors are what mem0 throws.
import axios from 'axios';
import { DiscordAPIError, HTTPError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import {
  type ConsoleLike,
  consoleLabel,
  createLogger,
  maskedRoute,
  routeConsoleTo,
  secretScrubber,
  serializeError,
} from '../../src/logger.js';

const token = 'MTAwMDAwMDAwMDAwMDAwMDAx.GAbCdE.abcdefghijklmnopqrstuvwxyz012345';
const apiKey = 'AIzaSyD-example-gemini-key-123456';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, destination };
}

describe('logging', () => {
  it('never writes a token or API key, wherever it appears in a log line', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', secrets: [token, apiKey], destination });
    logger.info({ url: `https://example.test/?key=${apiKey}` }, `login with ${token}`);
    logger.error({ err: new Error(`request failed: Authorization: Bot ${token}`) }, 'failed');
    logger.warn({ headers: { authorization: `Bot ${token}` }, apiKey }, 'headers');
    const all = lines.join('');
    expect(all).not.toContain(token);
    expect(all).not.toContain(apiKey);
    // The error's message, which also held the token, is not written at all.
    expect(all.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(4);
  });

  it('scrubs a secret also in its JSON-escaped form', () => {
    const scrub = secretScrubber(['se"cret-value-1234']);
    expect(scrub(JSON.stringify({ v: 'se"cret-value-1234' }))).toBe('{"v":"[redacted]"}');
  });
});

// What a person said and what the bot answered, as they would sit in request and response bodies.
const personal = 'my sister Ana was diagnosed with leukemia';
const interactionToken = 'aW50ZXJhY3Rpb246MTMwMDAwMDAwMDAwMDAwMDAxOnNlY3JldC10b2tlbi12YWx1ZQ';

/** A DiscordAPIError as @discordjs/rest throws it for a refused request. */
function discordError(options: { method: string; path: string; body: unknown }): DiscordAPIError {
  return new DiscordAPIError(
    { code: 50013, message: 'Missing Permissions' },
    50013,
    403,
    options.method,
    `https://discord.com/api/v10${options.path}`,
    {
      body: options.body,
      files: [{ name: 'wellness0-memories.json', data: JSON.stringify({ memories: [personal] }) }],
    },
  );
}

/** The axios error mem0's HTTP client throws for a 500 whose body echoes the request. */
async function axiosError(): Promise<unknown> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ detail: `could not store "${personal}"` }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    await axios.post(
      '/v1/memories/?user_id=discord%3A200000000000000001',
      { messages: [{ role: 'user', content: personal }] },
      {
        baseURL: `http://mem0user:mem0pass@127.0.0.1:${port}`,
        headers: { Authorization: `Token ${apiKey}` },
      },
    );
    throw new Error('the stand-in answered 200');
  } catch (error) {
    return error;
  } finally {
    server.close();
  }
}

function logged(write: (logger: ReturnType<typeof createLogger>) => void): string {
  const { lines, destination } = capture();
  // No secrets: what stays out of these lines is kept out by the serializer, not the scrubber.
  write(createLogger({ level: 'trace', secrets: [], destination }));
  return lines.join('');
}

describe('error serializer', () => {
  it('summarises a Discord API error by its type, code, status, method and masked route', () => {
    const error = discordError({
      method: 'POST',
      path: `/interactions/1300000000000000001/${interactionToken}/callback?with_response=true`,
      body: { type: 4, data: { content: personal } },
    });
    expect(serializeError(error)).toMatchObject({
      type: 'DiscordAPIError',
      name: 'DiscordAPIError[50013]',
      code: 50013,
      status: 403,
      method: 'POST',
      route: '/api/v10/interactions/:id/:token/callback',
    });
  });

  it('never writes a Discord request body, its files, the message or the interaction token', () => {
    const error = discordError({
      method: 'PATCH',
      path: `/webhooks/1000000000000000001/${interactionToken}/messages/%40original`,
      body: { content: personal },
    });
    const line = logged((logger) => logger.warn({ err: error }, 'reply failed'));
    expect(line).toContain('"route":"/api/v10/webhooks/:id/:token/messages/@original"');
    expect(line).not.toContain(personal);
    expect(line).not.toContain(interactionToken);
    expect(line).not.toContain('Missing Permissions');
    expect(line).not.toContain('wellness0-memories.json');
  });

  it('keeps the status and route of a Discord HTTP error but not its request body', () => {
    const error = new HTTPError(
      502,
      'Bad Gateway',
      'POST',
      'https://discord.com/api/v10/channels/1000000000000000002/messages',
      { body: { content: personal } },
    );
    const summary = serializeError(error);
    expect(summary).toMatchObject({
      status: 502,
      method: 'POST',
      route: '/api/v10/channels/:id/messages',
    });
    expect(JSON.stringify(summary)).not.toContain(personal);
  });

  it('keeps an axios error’s code, status, method and route, without host, credentials or query', async () => {
    expect(serializeError(await axiosError())).toMatchObject({
      type: 'AxiosError',
      code: 'ERR_BAD_RESPONSE',
      status: 500,
      method: 'POST',
      route: '/v1/memories/',
    });
  });

  it('writes nothing of an axios error’s headers, request body, response body or URL credentials', async () => {
    const error = await axiosError();
    const line = logged((logger) => logger.error({ err: error }, 'memory write failed'));
    expect(line).not.toContain(apiKey);
    expect(line).not.toContain(personal);
    expect(line).not.toContain('mem0pass');
    expect(line).not.toContain('200000000000000001');
  });

  it('never writes a Gemini ApiError’s message, which embeds the response body', () => {
    const body = {
      error: { code: 400, message: `Invalid prompt: ${personal}`, status: 'INVALID_ARGUMENT' },
    };
    const error = new ApiError({ message: JSON.stringify(body), status: 400 });
    const line = logged((logger) => logger.warn({ err: error }, 'model call failed'));
    expect(JSON.parse(line)).toMatchObject({
      err: { type: 'ApiError', name: 'ApiError', status: 400 },
    });
    expect(line).not.toContain(personal);
  });

  it('summarises Errors wherever they sit in a log object, not only under err', () => {
    const error = new Error(personal);
    const line = logged((logger) =>
      logger.warn({ failure: error, details: { causes: [error] }, error }, 'several errors'),
    );
    const parsed = JSON.parse(line) as Record<string, { type?: string }>;
    expect(parsed.failure?.type).toBe('Error');
    expect(parsed.error?.type).toBe('Error');
    expect(line).not.toContain(personal);
  });

  it('writes an object nested deeper than errors are looked for as its type only', () => {
    const error = discordError({ method: 'POST', path: '/channels/1/messages', body: personal });
    const line = logged((logger) => logger.warn({ a: { b: { c: { d: { e: error } } } } }, 'deep'));
    expect(line).toContain('"d":{"type":"Object"}');
    expect(line).not.toContain(personal);
  });

  it('follows causes and AggregateError members, only a few levels deep', () => {
    let deepest: Error = new TypeError(personal);
    for (let i = 0; i < 10; i++) deepest = new Error(`level ${i}: ${personal}`, { cause: deepest });
    const error = new AggregateError([deepest, new RangeError(personal)], personal);
    const summary = serializeError(error) as {
      errorCount: number;
      errors: Array<{ cause?: { cause?: object } }>;
    };
    expect(summary.errorCount).toBe(2);
    expect(summary.errors[0]?.cause?.cause).toMatchObject({ type: 'Error' });
    expect(JSON.stringify(summary)).not.toContain(personal);
    expect(JSON.stringify(summary).match(/"cause"/g)?.length).toBeLessThanOrEqual(3);
  });

  it('keeps the system error fields of a refused connection', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    server.close();
    await once(server, 'close');
    const error = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(serializeError(error)).toMatchObject({
      type: 'TypeError',
      cause: {
        code: 'ECONNREFUSED',
        syscall: 'connect',
        errno: expect.any(Number) as number,
        port,
      },
    });
  });

  it('keeps the stack frames but not the message lines above them', () => {
    const error = new Error(`first line\n    at ${personal} (x.js:1:1)\n${personal}`);
    const stack = String(serializeError(error).stack);
    expect(stack).toMatch(/^at /);
    expect(stack).toContain('logger.test.ts');
    expect(stack).not.toContain(personal);
  });

  it('does not make an error’s message the line’s message when no message is given', () => {
    const error = new Error(personal);
    const line = logged((logger) => {
      logger.error(error);
      logger.warn({ err: error });
    });
    expect(line).not.toContain(personal);
    expect(
      line
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { msg: string }).msg),
    ).toEqual(['Error', 'Error']);
  });

  it('reduces a thrown value that is not an Error to its type', () => {
    const line = logged((logger) => {
      logger.error({ err: { body: personal } }, 'failed');
      logger.error({ err: personal }, 'failed');
    });
    expect(line).toContain('"err":{"type":"Object"}');
    expect(line).toContain('"err":{"type":"string"}');
    expect(line).not.toContain(personal);
  });
});

describe('masked routes', () => {
  it.each([
    [
      'https://discord.com/api/v10/channels/1000000000000000002/messages/1000000000000000003',
      '/api/v10/channels/:id/messages/:id',
    ],
    [
      `https://discord.com/api/v10/webhooks/1000000000000000001/${interactionToken}?wait=true`,
      '/api/v10/webhooks/:id/:token',
    ],
    [
      'http://u:p@localhost:8000/v1/memories/3f2a6c1e-9b7d-4c1a-8e2f-0a1b2c3d4e5f/',
      '/v1/memories/:id/',
    ],
    [
      'https://api.mem0.ai/v2/entities/user/discord%3A200000000000000001/',
      '/v2/entities/user/:id/',
    ],
    ['https://api.mem0.ai/v2/entities/user/terminal%3Aana/', '/v2/entities/user/:token/'],
    [
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=k',
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent',
    ],
  ])('masks %s as %s', (url, route) => {
    expect(maskedRoute(url)).toBe(route);
  });
});

describe('console routing', () => {
  /** A console stand-in that writes nothing until routed. */
  function quietConsole(): ConsoleLike {
    const quiet = () => {};
    return { log: quiet, info: quiet, warn: quiet, error: quiet, debug: quiet };
  }

  function routed() {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'trace', secrets: [], destination });
    const target = quietConsole();
    const restore = routeConsoleTo(logger, target);
    const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    return { target, restore, lines, entries };
  }

  it('logs each console method at its own level', () => {
    const { target, entries } = routed();
    target.log('a');
    target.info('b');
    target.warn('c');
    target.error('d');
    target.debug('e');
    expect(entries().map((e) => [e.level, e.msg])).toEqual([
      [30, 'a'],
      [30, 'b'],
      [40, 'c'],
      [50, 'd'],
      [20, 'e'],
    ]);
  });

  it('keeps only the label of a console line, never the data after it', () => {
    const { target, lines, entries } = routed();
    target.error(
      'Error parsing extraction response:',
      new SyntaxError(`Unexpected token in "${personal}"`),
    );
    target.debug(`Entity insert failed for '${personal}': boom`);
    target.warn(`Failed to embed memory text: ${personal}`);
    expect(entries().map((e) => e.msg)).toEqual([
      'Error parsing extraction response',
      'Entity insert failed for',
      'Failed to embed memory text',
    ]);
    expect(lines.join('')).not.toContain(personal);
  });

  it('summarises Errors given to the console and reduces other arguments to their type', () => {
    const { target, lines, entries } = routed();
    target.warn('Failed to parse metadata:', { text: personal }, personal, 42);
    target.error(new TypeError(personal));
    expect(entries()[0]).toMatchObject({ console: 'warn', args: ['Object', 'string', 'number'] });
    expect(entries()[1]).toMatchObject({
      console: 'error',
      msg: 'TypeError',
      err: { type: 'TypeError' },
    });
    expect(lines.join('')).not.toContain(personal);
  });

  it('puts the original console methods back when asked', () => {
    const target = quietConsole();
    const original = target.log;
    const restore = routeConsoleTo(createLogger({ level: 'trace', secrets: [] }), target);
    expect(target.log).not.toBe(original);
    restore();
    expect(target.log).toBe(original);
  });

  it.each([
    [
      '[mem0] Default vector_store.db location changed from /a to /b.',
      'Default vector_store.db location changed from /a to /b.',
    ],
    [`Memory with ID 3f2a6c1e-9b7d does not exist`, 'Memory with ID :id does not exist'],
    [`Unsupported message role '${personal}' for Langchain`, 'Unsupported message role'],
    [
      'embedBatch returned 3 vectors for 4 texts \u2014 skipping entity boost for this search',
      'embedBatch returned :id vectors for :id texts \u2014 skipping',
    ],
    ['', 'console output'],
  ])('labels %j as %j', (text, label) => {
    expect(consoleLabel(text)).toBe(label);
  });
});
