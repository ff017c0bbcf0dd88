// The REST proxy of a split bot (npm run rest-proxy, @discordjs/proxy) in front of the Discord
// stand-in: the whole single-process bot, its DISCORD_API_URL pointed at the proxy, logs in and
// answers a DM with no request Discord would refuse; and Discord's own refusals come back as
// they are, not as the proxy's failures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createRestProxy } from '../../src/scale/rest-proxy-server.js';
import {
  testDiscordToken,
  testGeminiKey,
  testMem0Key,
  withoutGreeting,
} from '../helpers/harness.js';
import { type FakeDiscord, startFakeDiscord } from '../standins/discord.js';
import { type FakeGemini, startFakeGemini } from '../standins/gemini.js';
import { type FakeMem0, startFakeMem0 } from '../standins/mem0-platform.js';

const alice = '200000000000000001';
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

describe('the REST proxy in front of Discord', () => {
  // Stopped in reverse order of starting: the bot, then the proxy, then the stand-ins.
  const stops: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  async function startDiscordBehindProxy(): Promise<{
    discord: FakeDiscord;
    proxyApi: string;
    /** Stops the proxy; resolves with how many requests it served, as its last log line says. */
    stopProxy: () => Promise<number>;
    proxyLog: string[];
  }> {
    const discord = await startFakeDiscord({ token: testDiscordToken });
    stops.push(() => discord.close());
    const lines: string[] = [];
    const proxy = createRestProxy({
      port: 0,
      host: '127.0.0.1',
      // The stand-in's API base without the version, as Discord's https://discord.com/api.
      upstream: discord.apiBase,
      globalRequestsPerSecond: 50,
      logger: createLogger({
        level: 'info',
        secrets: [],
        destination: { write: (line: string) => void lines.push(line) },
      }),
    });
    const { port } = await proxy.start();
    let stopped: Promise<void> | undefined;
    const stop = () => (stopped ??= proxy.stop());
    stops.push(stop);
    return {
      discord,
      proxyApi: `http://127.0.0.1:${port}/api`,
      proxyLog: lines,
      stopProxy: async () => {
        await stop();
        const last = JSON.parse(lines.at(-1) ?? '{}') as { served?: number };
        return last.served ?? -1;
      },
    };
  }

  async function startBot(discordApiUrl: string): Promise<{
    app: App;
    gemini: FakeGemini;
    mem0: FakeMem0;
  }> {
    const gemini = await startFakeGemini({ apiKey: testGeminiKey });
    stops.push(() => gemini.close());
    const mem0 = await startFakeMem0({ apiKey: testMem0Key });
    stops.push(() => mem0.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'wellness0-rest-proxy-'));
    stops.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const parsed = parseConfig(
      {
        DISCORD_TOKEN: testDiscordToken,
        DISCORD_API_URL: discordApiUrl,
        GEMINI_API_KEY: testGeminiKey,
        GOOGLE_GEMINI_BASE_URL: gemini.baseUrl,
        MEM0_API_KEY: testMem0Key,
        MEM0_HOST: mem0.baseUrl,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
        GEMINI_REQUESTS_PER_MINUTE: '60000',
        GEMINI_MAX_CONCURRENT: '100',
        USER_TURNS_PER_MINUTE: '1000',
        REPLY_EDIT_INTERVAL_MS: '20',
        MEMORY_BATCH_WINDOW_MS: '0',
      },
      { cwd: process.cwd() },
    );
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const app = createApp(parsed.config, logger);
    await app.start();
    stops.push(() => app.stop(2_000));
    return { app, gemini, mem0 };
  }

  it('carries every request of the bot: it logs in and answers a DM', async () => {
    const { discord, proxyApi, stopProxy, proxyLog } = await startDiscordBehindProxy();
    const { app, gemini, mem0 } = await startBot(proxyApi);

    const sent = discord.sendDm({ userId: alice, content: 'I could not sleep last night' });
    const reply = await discord.waitFor(() => discord.messages(sent.channel_id)[0], 10_000);
    await app.core.whenIdle(10_000);

    expect(withoutGreeting(reply.content).length).toBeGreaterThan(0);
    expect(gemini.chatRequests()).toHaveLength(1);
    expect([...discord.violations, ...gemini.violations, ...mem0.violations]).toEqual([]);
    // Every request Discord saw (the login's and the reply's) came by way of the proxy.
    await app.stop(2_000);
    const served = await stopProxy();
    expect(discord.requests.some((request) => request.path.startsWith('/channels/'))).toBe(true);
    expect(served).toBe(discord.requests.length);
    expect(proxyLog.join('')).not.toContain(testDiscordToken);
  });

  it("passes back Discord's 401 for a wrong token, with Discord's body", async () => {
    const { discord, proxyApi } = await startDiscordBehindProxy();

    const response = await fetch(`${proxyApi}/v10/users/@me`, {
      headers: {
        authorization: 'Bot not-the-bot-token',
        'user-agent': 'DiscordBot (https://example.invalid, 1.0)',
      },
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: '401: Unauthorized', code: 0 });
    expect(discord.requests.map((request) => [request.path, request.status])).toEqual([
      ['/users/@me', 401],
    ]);
    expect(discord.violations).toEqual([]);
  });

  it('answers 502 when Discord is out of reach, never an empty 200', async () => {
    const { freePort } = await import('../helpers/free-port.js');
    const nobodyThere = await freePort();
    const proxy = createRestProxy({
      port: 0,
      host: '127.0.0.1',
      upstream: `http://127.0.0.1:${nobodyThere}/api`,
      globalRequestsPerSecond: 50,
      logger: createLogger({ level: 'silent', secrets: [] }),
    });
    const { port } = await proxy.start();
    stops.push(() => proxy.stop());

    const response = await fetch(`http://127.0.0.1:${port}/api/v10/users/@me`, {
      headers: { authorization: `Bot ${testDiscordToken}` },
    });

    expect(response.status).toBe(502);
  });
});
