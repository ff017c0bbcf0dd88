import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, expect } from 'vitest';
import { commands } from '../../commands/index.js';
import { type App, createApp } from '../../src/app.js';
import type { Logger } from '../../src/logger.js';
import { registerCommands } from '../../src/discord/register-commands.js';
import { type Config, parseConfig } from '../../src/config.js';
import {
  type FakeDiscord,
  type FakeDiscordOptions,
  startFakeDiscord,
} from '../standins/discord.js';
import { type FakeGemini, startFakeGemini } from '../standins/gemini.js';
import { type FakeMem0, type FakeMem0Options, startFakeMem0 } from '../standins/mem0-platform.js';

/** Which mem0 flavour a test runs against. */
export type MemoryBackend = 'open-source' | 'platform';

/** The whole bot, wired as `main` wires it, pointed at fresh stand-ins. */
export interface Harness {
  discord: FakeDiscord;
  gemini: FakeGemini;
  mem0: FakeMem0 | undefined;
  app: App;
  config: Config;
  botUserId: string;
  /** How long the stand-ins and `app.start` (login until ready) took. */
  timings: { standInsStartMs: number; appStartMs: number };
  /** Every violation any stand-in recorded (spec or limit); tests expect none. */
  violations(): string[];
  close(): Promise<void>;
}

export const testDiscordToken = 'MTAwMDAwMDAwMDAwMDAwMDAx.harness.token-for-tests-only-0123456789';
export const testGeminiKey = 'harness-gemini-key-0123456789';
export const testMem0Key = 'harness-mem0-key-0123456789';

/**
 * A reply's text without the one-time note the bot puts before its first answer to someone new,
 * or the line saying it is an AI that opens a session.
 */
export function withoutGreeting(content: string): string {
  return content.replace(/^\*Hi, I'm wellness0\b[^*]*\*\n\n/, '').replace(/^\*[^*\n]+\*\n\n/, '');
}

export { maxInWindow } from './max-in-window.js';

/** Starts the stand-ins and the bot (logged in and ready). */
export async function startHarness(options: {
  backend: MemoryBackend;
  env?: Record<string, string>;
  discord?: Omit<FakeDiscordOptions, 'token'>;
  mem0?: Omit<FakeMem0Options, 'apiKey'>;
  /**
   * A Gemini stand-in to use instead of a fresh one (two bots sharing one quota); the caller
   * closes it.
   */
  gemini?: FakeGemini;
  /** The app's logger; a silent one (or TEST_LOG_LEVEL's) when absent. */
  logger?: Logger;
  /** The clock of the AI-notice schedule. */
  now?: () => number;
  /** How commands wait (real time by default). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * How long `close` lets turns in flight and memory writes finish (default 2 000 ms). A test
   * whose turns wait behind a per-minute limit sets it to 0: no wait could let them finish.
   */
  stopTimeoutMs?: number;
}): Promise<Harness> {
  const standInsStarted = performance.now();
  const discord = await startFakeDiscord({ ...options.discord, token: testDiscordToken });
  const gemini = options.gemini ?? (await startFakeGemini({ apiKey: testGeminiKey }));
  const mem0 =
    options.backend === 'platform'
      ? await startFakeMem0({ ...options.mem0, apiKey: testMem0Key })
      : undefined;
  const standInsStartMs = performance.now() - standInsStarted;
  const dataDir = mkdtempSync(join(tmpdir(), 'wellness0-data-'));
  const parsed = parseConfig(
    {
      DISCORD_TOKEN: testDiscordToken,
      DISCORD_API_URL: discord.apiBase,
      GEMINI_API_KEY: testGeminiKey,
      GOOGLE_GEMINI_BASE_URL: gemini.baseUrl,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      // Generous limits: tests about pacing and limits set their own.
      GEMINI_REQUESTS_PER_MINUTE: '60000',
      GEMINI_MAX_CONCURRENT: '100',
      USER_TURNS_PER_MINUTE: '1000',
      REPLY_EDIT_INTERVAL_MS: '20',
      // Memory writes as soon as possible (batching only what is already waiting), so that tests
      // waiting for a memory stay fast; tests of batching set a window.
      MEMORY_BATCH_WINDOW_MS: '0',
      ...(mem0 ? { MEM0_API_KEY: testMem0Key, MEM0_HOST: mem0.baseUrl } : {}),
      ...options.env,
    },
    { cwd: process.cwd() },
  );
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const app = createApp(parsed.config, logger, {
    ...(options.now ? { now: options.now } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  const appStarted = performance.now();
  const identity = await app.start();
  const appStartMs = performance.now() - appStarted;
  let closed = false;
  return {
    discord,
    gemini,
    mem0,
    app,
    config: parsed.config,
    botUserId: identity.botUserId,
    timings: { standInsStartMs, appStartMs },
    violations: () => [...discord.violations, ...gemini.violations, ...(mem0?.violations ?? [])],
    async close() {
      if (closed) return;
      closed = true;
      // Nothing is asserted after this: answers a test left slow (latency, paused streams) are
      // given at once, so that the stop need not wait out their delays.
      gemini.setLatency({ timeToFirstTokenMs: 0, totalMs: 0, embeddingMs: 0, extractionMs: 0 });
      gemini.releaseAll();
      await app.stop(options.stopTimeoutMs ?? 2_000);
      await Promise.all([
        discord.close(),
        options.gemini === undefined ? gemini.close() : undefined,
        mem0?.close(),
      ]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Gives the tests of a file a `startHarness` whose harnesses are closed after each test, which
 * then expects that no stand-in recorded a violation.
 */
export function useHarness(): typeof startHarness {
  const started: Harness[] = [];
  afterEach(async () => {
    const violations = started.flatMap((h) => h.violations());
    for (const h of started.splice(0)) await h.close();
    expect(violations).toEqual([]);
  });
  return async (options) => {
    const h = await startHarness(options);
    started.push(h);
    return h;
  };
}

/** DMs the bot and waits until the exchange is answered and remembered (and, on the Platform, searchable). */
export async function tellAndSettle(h: Harness, userId: string, content: string) {
  const sent = h.discord.sendDm({ userId, content });
  const before = h.discord.messages(sent.channel_id).length;
  await h.discord.waitFor(() => h.discord.messages(sent.channel_id)[before], 10_000);
  await h.app.core.whenIdle(10_000);
  const mem0 = h.mem0;
  if (mem0) {
    await mem0.waitFor(() => mem0.memories().every((m) => m.searchableAt <= Date.now()), 5_000);
  }
  // The turn is over, so the message holds the final text (streamed in by edits).
  const reply = h.discord.messages(sent.channel_id)[before];
  if (reply === undefined) throw new Error('the reply disappeared');
  return { sent, reply };
}

/** Registers the bot's slash commands with the Discord stand-in, as `npm run deploy-commands` does. */
export async function registerTestCommands(h: Harness): Promise<void> {
  await registerCommands({
    token: testDiscordToken,
    applicationId: h.botUserId,
    guildId: undefined,
    apiUrl: h.discord.apiBase,
    commands,
  });
}
