import type { Config } from './config.js';
import { createBackgroundWork } from './conversation/background-work.js';
import { type Conversation, createConversation } from './conversation/conversation.js';
import { defaultPersona } from './conversation/persona.js';
import { createDiscordBot, type DiscordIdentity } from './discord/discord-bot.js';
import { messageToTurn } from './discord/message-to-turn.js';
import { createGeminiChatModel, useGeminiBaseUrl } from './llm/gemini.js';
import type { Logger } from './logger.js';
import { createMem0OpenSourceStore } from './memory/mem0-open-source.js';
import { createMem0PlatformStore } from './memory/mem0-platform.js';
import type { MemoryStore } from './memory/memory-store.js';

/** The parts of the app shared by the Discord bot and the terminal chat. */
export interface Core {
  /** Answers one turn (see Conversation); tracked so that `whenIdle` and shutdown can wait for it. */
  respond: Conversation['respond'];
  memory: MemoryStore;
  /** Resolves when turns in flight and their memory writes have settled, or after `timeoutMs`; returns how many are left. */
  whenIdle(timeoutMs: number): Promise<number>;
  /** Waits for pending memory writes, then releases the memory store. */
  close(timeoutMs: number): Promise<void>;
}

/** Builds memory, model and conversation from Config; performs no I/O until used. */
export function createCore(config: Config, logger: Logger): Core {
  useGeminiBaseUrl(config.geminiBaseUrl);
  const memory = createMemoryStore(config);
  const background = createBackgroundWork(logger);
  const conversation = createConversation({
    memory,
    model: createGeminiChatModel({
      apiKey: config.geminiApiKey,
      model: config.geminiModel,
      baseUrl: config.geminiBaseUrl,
      requestTimeoutMs: config.geminiTimeoutMs,
    }),
    persona: defaultPersona,
    maxMemoriesPerPrompt: config.maxMemoriesPerPrompt,
    memorySearchTimeoutMs: config.memorySearchTimeoutMs,
    background,
    logger,
  });
  const turnsInFlight = new Set<Promise<unknown>>();
  async function whenIdle(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    await Promise.race([
      Promise.allSettled([...turnsInFlight]),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
    return turnsInFlight.size + (await background.drain(Math.max(0, deadline - Date.now())));
  }
  return {
    respond(turn, target) {
      const turnDone = conversation.respond(turn, target);
      const tracked: Promise<unknown> = turnDone.then(
        () => turnsInFlight.delete(tracked),
        () => turnsInFlight.delete(tracked),
      );
      turnsInFlight.add(tracked);
      return turnDone;
    },
    memory,
    whenIdle,
    async close(timeoutMs) {
      const left = await whenIdle(timeoutMs);
      if (left > 0) logger.warn({ pendingWrites: left }, 'memory writes still pending at shutdown');
      await memory.close();
    },
  };
}

/** The Discord bot: the core behind a discord.js gateway client. */
export interface App {
  core: Core;
  /** Logs in; resolves when the bot is ready to answer. */
  start(): Promise<DiscordIdentity>;
  /** Disconnects and flushes pending work within `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Wires the whole bot exactly as `main` runs it; tests build it the same way. */
export function createApp(config: Config, logger: Logger): App {
  const core = createCore(config, logger);
  let botUserId = '';
  const bot = createDiscordBot({
    token: config.discordToken,
    apiUrl: config.discordApiUrl,
    logger,
    async onMessage(message, reply) {
      const turn = messageToTurn(message, botUserId);
      if (turn === undefined) return;
      const result = await core.respond(turn, reply);
      logger.info(
        { messageId: message.id, outcome: result.kind, memoriesUsed: result.memoriesUsed },
        'turn answered',
      );
    },
  });
  return {
    core,
    async start() {
      const identity = await bot.start();
      botUserId = identity.botUserId;
      return identity;
    },
    async stop(timeoutMs = 10_000) {
      await bot.stop();
      await core.close(timeoutMs);
    },
  };
}

function createMemoryStore(config: Config): MemoryStore {
  if (config.memory.backend === 'platform') {
    return createMem0PlatformStore({ apiKey: config.memory.apiKey, host: config.memory.host });
  }
  return createMem0OpenSourceStore({
    dataDir: config.memory.dataDir,
    geminiApiKey: config.geminiApiKey,
    llmModel: config.geminiModel,
    embeddingModel: config.geminiEmbeddingModel,
    embeddingDimensions: config.memory.embeddingDimensions,
  });
}
