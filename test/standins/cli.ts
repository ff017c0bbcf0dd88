// Starts the Discord, Gemini and mem0 Platform stand-ins as one standalone process, for trying the
// bot by hand with no accounts and for the process-level test. A small control API drives them.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startFakeDiscord } from './discord.js';
import { startFakeGemini } from './gemini.js';
import { startFakeMem0 } from './mem0-platform.js';

const { values } = parseArgs({
  options: {
    'discord-port': { type: 'string', default: '0' },
    'gemini-port': { type: 'string', default: '0' },
    'mem0-port': { type: 'string', default: '0' },
    'control-port': { type: 'string', default: '0' },
  },
});

const discordToken = 'MTAwMDAwMDAwMDAwMDAwMDAx.standin.token-for-local-testing-only';
const geminiApiKey = 'standin-gemini-key';
const mem0ApiKey = 'standin-mem0-key';

const discord = await startFakeDiscord({
  token: discordToken,
  port: Number(values['discord-port']),
  guilds: [
    {
      id: '400000000000000001',
      name: 'Stand-in server',
      channels: [{ id: '400000000000000002', name: 'general' }],
    },
  ],
});
const gemini = await startFakeGemini({ apiKey: geminiApiKey, port: Number(values['gemini-port']) });
const mem0 = await startFakeMem0({ apiKey: mem0ApiKey, port: Number(values['mem0-port']) });

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

const control = createServer((request, response) => {
  void (async () => {
    const url = new URL(request.url ?? '/', 'http://control');
    try {
      if (request.method === 'POST' && url.pathname === '/discord/dm') {
        const body = await readJson(request);
        const payload = discord.sendDm({
          userId: String(body.userId),
          content: String(body.content),
        });
        return reply(response, 200, payload);
      }
      if (request.method === 'POST' && url.pathname === '/discord/dms') {
        // Many DMs, spaced here rather than by the caller, so that HTTP to this API adds no jitter.
        const body = await readJson(request);
        const dms = Array.isArray(body.dms) ? (body.dms as Array<Record<string, unknown>>) : [];
        const spacingMs = Number(body.spacingMs ?? 0);
        const sent: Array<{ channelId: string; messageId: string; at: number }> = [];
        for (const [i, dm] of dms.entries()) {
          if (i > 0 && spacingMs > 0) await sleep(spacingMs);
          const payload = discord.sendDm({
            userId: String(dm.userId),
            content: String(dm.content),
          });
          sent.push({ channelId: payload.channel_id, messageId: payload.id, at: Date.now() });
        }
        return reply(response, 200, sent);
      }
      if (request.method === 'GET' && url.pathname === '/discord/requests') {
        // Compact: no headers or bodies, for runs of thousands of messages.
        return reply(
          response,
          200,
          discord.requests.map(({ method, path, at, status, body }) => ({
            method,
            path,
            at,
            status,
            // Whether it set a message's text (an edit that only adds buttons does not).
            setsContent:
              typeof body === 'object' &&
              body !== null &&
              typeof (body as { content?: unknown }).content === 'string',
          })),
        );
      }
      if (request.method === 'GET' && url.pathname === '/discord/request-count') {
        return reply(response, 200, discord.requests.length);
      }
      if (request.method === 'GET' && url.pathname === '/discord/answered') {
        const channels = new Set(discord.messages().map((m) => m.channelId));
        return reply(response, 200, channels.size);
      }
      if (request.method === 'GET' && url.pathname === '/discord/messages') {
        return reply(
          response,
          200,
          discord.messages(url.searchParams.get('channelId') ?? undefined),
        );
      }
      if (request.method === 'GET' && url.pathname === '/discord/commands') {
        return reply(response, 200, discord.commands(url.searchParams.get('guildId') ?? undefined));
      }
      if (request.method === 'GET' && url.pathname === '/discord/identifies') {
        return reply(response, 200, discord.identifies.length);
      }
      if (request.method === 'GET' && url.pathname === '/gemini/requests') {
        if (url.searchParams.get('compact') === null) return reply(response, 200, gemini.requests);
        return reply(
          response,
          200,
          gemini.requests.map(({ kind, action, model, at, body, ...generate }) => ({
            kind,
            action,
            model,
            at,
            // Generate requests only (JSON drops the undefined ones): thinking asked for, and how
            // much of the prompt repeats an earlier one's prefix (what implicit caching serves).
            thinkingLevel: generate.thinkingConfig?.thinkingLevel,
            thinkingBudget: generate.thinkingConfig?.thinkingBudget,
            sharedPrefixChars: generate.sharedPrefix?.chars,
            sharedPrefixTokens: generate.sharedPrefix?.tokens,
            cachedTokens: generate.cachedTokens,
            // The last user turn identifies which messages a chat call answers.
            lastUserText:
              kind === 'chat'
                ? (body.contents?.at(-1)?.parts ?? []).map((p) => p.text ?? '').join('')
                : undefined,
            promptChars: JSON.stringify(body.contents ?? body.requests ?? []).length,
          })),
        );
      }
      if (request.method === 'GET' && url.pathname === '/gemini/extractions') {
        // mem0's memory-extraction calls with the text they were asked about (the exchanges).
        return reply(
          response,
          200,
          gemini.requests
            .filter((r) => r.kind === 'memory-extraction')
            .map(({ at, body }) => ({
              at,
              text: (body.contents ?? [])
                .flatMap((content) => content.parts ?? [])
                .map((part) => part.text ?? '')
                .join('\n'),
            })),
        );
      }
      if (request.method === 'GET' && url.pathname === '/gemini/over-limit') {
        return reply(response, 200, gemini.overLimit());
      }
      if (request.method === 'POST' && url.pathname === '/gemini/latency') {
        gemini.setLatency(await readJson(request));
        return reply(response, 200, {});
      }
      if (request.method === 'POST' && url.pathname === '/gemini/limit') {
        const body = await readJson(request);
        const rpm = body.requestsPerMinute;
        gemini.setRequestsPerMinute(typeof rpm === 'number' ? rpm : undefined);
        return reply(response, 200, {});
      }
      if (request.method === 'POST' && url.pathname === '/mem0/latency') {
        const body = await readJson(request);
        const ms = Number(body.ms ?? 0);
        if (typeof body.path === 'string') mem0.setLatency(ms, new RegExp(body.path));
        else mem0.setLatency(ms);
        return reply(response, 200, {});
      }
      if (request.method === 'GET' && url.pathname === '/mem0/requests') {
        if (url.searchParams.get('compact') === null) return reply(response, 200, mem0.requests);
        return reply(
          response,
          200,
          mem0.requests.map(({ method, path, at, status }) => ({ method, path, at, status })),
        );
      }
      if (request.method === 'GET' && url.pathname === '/mem0/memories') {
        return reply(response, 200, mem0.memories(url.searchParams.get('userId') ?? undefined));
      }
      if (request.method === 'GET' && url.pathname === '/violations') {
        return reply(response, 200, [
          ...discord.violations,
          ...gemini.violations,
          ...mem0.violations,
        ]);
      }
      return reply(response, 404, { error: `no control route ${request.method} ${url.pathname}` });
    } catch (error) {
      return reply(response, 500, { error: String(error) });
    }
  })();
});
await new Promise<void>((resolve) =>
  control.listen(Number(values['control-port']), '127.0.0.1', resolve),
);
const address = control.address();
const controlPort = typeof address === 'object' && address ? address.port : 0;

const env = {
  DISCORD_TOKEN: discordToken,
  DISCORD_API_URL: discord.apiBase,
  GEMINI_API_KEY: geminiApiKey,
  GOOGLE_GEMINI_BASE_URL: gemini.baseUrl,
  MEM0_API_KEY: mem0ApiKey,
  MEM0_HOST: mem0.baseUrl,
};
console.log(JSON.stringify({ control: `http://127.0.0.1:${controlPort}`, env }));
console.error(
  [
    'Stand-ins are running. Point the bot at them with these settings',
    '(leave out the MEM0_ lines to use the local memory store instead):',
    ...Object.entries(env).map(([key, value]) => `${key}=${value}`),
    `Send a DM: curl -s -XPOST http://127.0.0.1:${controlPort}/discord/dm -d '{"userId":"200000000000000001","content":"hello"}'`,
    `Read replies: curl -s http://127.0.0.1:${controlPort}/discord/messages`,
  ].join('\n'),
);

async function shutdown(): Promise<void> {
  control.closeAllConnections();
  control.close();
  await Promise.all([discord.close(), gemini.close(), mem0.close()]);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
