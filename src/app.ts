import { join } from 'node:path';
import type { Config } from './config.js';
import { createConversation, type Turn, type TurnResult } from './conversation/conversation.js';
import { createForgetGenerations } from './conversation/forget-generations.js';
import { createConversationHistory } from './conversation/history.js';
import { defaultPersona } from './conversation/persona.js';
import { notices } from './conversation/notices.js';
import type { ReplyTarget } from './conversation/reply-target.js';
import { createTurnQueue } from './conversation/turn-queue.js';
import { commands } from '../commands/index.js';
import { createDiscordBot, type DiscordIdentity } from './discord/discord-bot.js';
import type { CommandSafety } from './discord/command-view.js';
import { createConfirmations } from './discord/confirmations.js';
import { createInteractionHandler } from './discord/interactions.js';
import { inviteUrl } from './discord/invite-url.js';
import { createMessageInbox } from './discord/message-inbox.js';
import { addressedBy, messageToTurn } from './discord/message-to-turn.js';
import { createKeyedPacer } from './limits/keyed-pacer.js';
import { createRateGate } from './limits/rate-gate.js';
import { limitChatModel } from './limits/limited-chat-model.js';
import { createGeminiChatModel, useGeminiBaseUrl } from './llm/gemini.js';
import { withRetries } from './llm/retrying-chat-model.js';
import type { Logger } from './logger.js';
import { createMem0OpenSourceStore } from './memory/mem0-open-source.js';
import { createDurableWriteQueue } from './memory/durable-write-queue.js';
import { createMem0PlatformStore } from './memory/mem0-platform.js';
import type { MemoryStore } from './memory/memory-store.js';
import { type MemoryUserId, memoryUserIdForDiscord } from './memory/user-id.js';
import { clearingDeletedText } from './memory/clearing-deleted-text.js';
import { detectCrisis } from './safety/crisis-detection.js';
import { createCrisisFirst, personRegion } from './safety/crisis-first.js';
import { linesFor } from './safety/crisis-resources.js';
import { safetyBlockNote, safetyTextLanguage } from './safety/crisis-texts.js';
import { createDisclosureSchedule } from './safety/disclosure.js';
import { createHeldExchanges } from './safety/held-exchanges.js';
import { createReferralCounts } from './safety/referral-counts.js';
import { createSafetySettings, type SafetySettings } from './safety/safety-settings.js';
import { prepareDataDir } from './storage/data-dir.js';

/** The parts of the app shared by the Discord bot and the terminal chat. */
export interface Core {
  /**
   * Checks a message for a crisis the moment it is read and, for one, posts the crisis lines to
   * `target` at once; returns the turn to submit (with what the safety rules need).
   */
  screen(turn: Turn, target: ReplyTarget): Turn;
  /**
   * Queues one message for an answer: per person in order, within the rate limits. A turn not
   * screened yet is screened first.
   */
  submit(turn: Turn, target: ReplyTarget): Promise<TurnResult>;
  memory: MemoryStore;
  /** Resolves when turns in flight and their memory writes (flushed, not waiting for a batch) have settled, or after `timeoutMs`; returns how many are left. */
  whenIdle(timeoutMs: number): Promise<number>;
  /**
   * Forgets a person's short-term conversation: their turns queued or in flight will record
   * nothing; waits for the turn running now (bounded) and for their memory writes in flight.
   */
  forgetShortTerm(userId: MemoryUserId): Promise<void>;
  /** Clears text deleted so far (landed or discarded memory writes) from the WAL of the write queue's file. */
  clearDeletedText(): void;
  /** Each person's safety settings (region, locale, under 18). */
  safety: SafetySettings;
  /**
   * Queues for long-term memory the crisis exchange held back under `key`, which its person
   * agreed to; false when it is no longer held (expired, forgotten, or already remembered).
   */
  rememberWithheld(userId: MemoryUserId, key: string): boolean;
  /** Waits for turns and pending memory writes, then releases the memory store. */
  close(timeoutMs: number): Promise<void>;
}

/** What the core takes besides Config. */
export interface CoreExtras {
  firstContactNote?: string;
  /** The clock of the disclosure schedule (tests move it on by hours). */
  now?: () => number;
}

// How long /forget waits for the person's turn in flight to end; it records nothing either way.
const forgetWaitsForTurnMs = 30_000;

/** Builds memory, model and conversation from Config; performs no I/O until used. */
export function createCore(config: Config, logger: Logger, extras: CoreExtras = {}): Core {
  useGeminiBaseUrl(config.geminiBaseUrl);
  const geminiGate = createRateGate({
    requestsPerMinute: config.limits.geminiRequestsPerMinute,
    maxConcurrent: config.limits.geminiMaxConcurrent,
    noticeAfterMs: config.limits.queueNoticeAfterMs,
  });
  // mem0 open source extracts memories with the same Gemini model, under the same quota: its
  // calls take their turn in the same gate, after any answer that is waiting.
  const memory = createMemoryStore(config, (call) =>
    geminiGate.schedule(call, undefined, { background: true }),
  );
  prepareDataDir(config.dataDir);
  // Exchanges to remember, on disk until mem0 has them: retried across outages and restarts.
  // A person's exchanges in one place are batched, since every mem0 add costs an extraction call.
  const writes = createDurableWriteQueue({
    path: join(config.dataDir, 'memory-writes.db'),
    write: (job) => memory.add(job.userId, job.messages, job.origin),
    logger,
    batchWindowMs: config.memoryBatch.windowMs,
    maxJobsPerBatch: config.memoryBatch.maxExchanges,
  });
  writes.start();
  // Retries outside the gate, so that every attempt waits for its own slot in the rate limit.
  const model = withRetries(
    limitChatModel(
      createGeminiChatModel({
        apiKey: config.geminiApiKey,
        model: config.geminiModel,
        baseUrl: config.geminiBaseUrl,
        requestTimeoutMs: config.geminiTimeoutMs,
        // Room for a few messages of answer (and the thinking before it), not for a flood.
        maxOutputTokens: 8_192,
      }),
      geminiGate,
    ),
    { maxAttempts: 3, initialDelayMs: 1_000, maxDelayMs: 20_000 },
  );
  const history = createConversationHistory({ ...config.history, maxConversations: 10_000 });
  const generations = createForgetGenerations();
  const safetySettings = createSafetySettings({ path: join(config.dataDir, 'safety-settings.db') });
  const referrals = createReferralCounts({
    path: join(config.dataDir, 'crisis-referrals.json'),
    onUnreadable: (movedTo, error) =>
      logger.error({ err: error, movedTo }, 'referral counts file unreadable; moved aside'),
  });
  const held = createHeldExchanges({
    sessionIdleMs: config.history.idleExpiryMs,
    ...(extras.now === undefined ? {} : { now: extras.now }),
  });
  const crisisFirst = createCrisisFirst({
    resources: config.crisis.resources,
    settings: safetySettings,
    referrals,
    defaultRegion: config.crisis.defaultRegion,
    logger,
  });
  const conversation = createConversation({
    memory,
    model,
    history,
    ...(extras.firstContactNote === undefined ? {} : { firstContactNote: extras.firstContactNote }),
    persona: config.persona ?? defaultPersona,
    maxMemoriesPerPrompt: config.maxMemoriesPerPrompt,
    memorySearchTimeoutMs: config.memorySearchTimeoutMs,
    maxMessageChars: config.maxMessageChars,
    remember: (job) => writes.enqueue(job),
    generations,
    logger,
    safety: {
      resources: config.crisis.resources,
      disclosure: createDisclosureSchedule({
        idleMs: config.history.idleExpiryMs,
        ...(extras.now === undefined ? {} : { now: extras.now }),
      }),
      held,
      referrals,
    },
  });
  const queue = createTurnQueue({
    conversation,
    userTurnsPerMinute: config.limits.userTurnsPerMinute,
    mergeWindowMs: config.limits.userMergeWindowMs,
    logger,
  });
  const turnsInFlight = new Set<Promise<unknown>>();
  async function whenIdle(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    await Promise.race([
      Promise.allSettled([...turnsInFlight]),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
    // Whoever waits for idle is leaving (a stop, the chat's exit): no exchange will join a batch.
    writes.flush();
    const emptied = await writes.whenEmpty(Math.max(0, deadline - Date.now()));
    return turnsInFlight.size + (emptied ? 0 : writes.stats().depth);
  }
  return {
    screen: (turn, target) => ({ ...turn, safety: crisisFirst.screen(turn, target) }),
    submit(turn, target) {
      // Before the queue, the limits, memory and the model: the crisis lines go out at once.
      const safety = turn.safety ?? crisisFirst.screen(turn, target);
      const turnDone = queue.submit(
        { ...turn, generation: generations.current(turn.userId), safety },
        target,
      );
      const tracked: Promise<unknown> = turnDone.then(
        () => turnsInFlight.delete(tracked),
        () => turnsInFlight.delete(tracked),
      );
      turnsInFlight.add(tracked);
      return turnDone;
    },
    memory,
    whenIdle,
    safety: safetySettings,
    rememberWithheld(userId, key) {
      const job = held.release(userId, key);
      if (job === undefined) return false;
      writes.enqueue(job);
      return true;
    },
    clearDeletedText: () => writes.clearDeletedText(),
    async forgetShortTerm(userId) {
      // First, so that no turn of theirs records anything from now on; then let the one running
      // finish on Discord (it will not be remembered) before its history is cleared.
      generations.advance(userId);
      await Promise.race([
        queue.turnEnded(userId),
        new Promise((resolve) => setTimeout(resolve, forgetWaitsForTurnMs).unref()),
      ]);
      history.forget(`${userId}|`);
      held.forget(userId);
      await writes.discard(userId);
    },
    async close(timeoutMs) {
      const started = Date.now();
      const left = await whenIdle(timeoutMs);
      if (left > 0) {
        logger.warn(
          { pending: left },
          'turns or memory writes still pending at shutdown; queued writes stay on disk for the next start',
        );
      }
      await writes.stop(Math.max(1_000, timeoutMs - (Date.now() - started)));
      safetySettings.close();
      held.close();
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

// A message left unanswered by a run that died is answered after a restart if this recent.
const recoverWithinMs = 15 * 60_000;
// Threads the bot was mentioned in, which it then follows; bounded, oldest forgotten first.
const maxFollowedThreads = 5_000;

/** Wires the whole bot exactly as `main` runs it; tests build it the same way. */
export function createApp(
  config: Config,
  logger: Logger,
  extras: Pick<CoreExtras, 'now'> = {},
): App {
  const core = createCore(config, logger, {
    ...extras,
    firstContactNote: firstContactNote(config),
  });
  let botUserId = '';
  let accepting = true;
  // Threads the bot follows, per person who mentioned it there: `<thread id>|<user id>`.
  const followedThreads = new Set<string>();
  const followKey = (thread: { channelId: string; authorId: string }) =>
    `${thread.channelId}|${thread.authorId}`;
  const confirmations = createConfirmations();
  // Received and answered messages, on disk: no message is answered twice, none is lost to a crash.
  const inbox = createMessageInbox({
    path: join(config.dataDir, 'inbox.db'),
    keepTextMs: recoverWithinMs,
  });
  // What a command deletes is then cleared from the WAL of every file that held its text.
  const commandMemory = clearingDeletedText(core.memory, () => {
    core.clearDeletedText();
    inbox.clearDeletedText();
  });

  /** What `/safety` and its buttons may do for one person, whose Discord client speaks `locale`. */
  function commandSafety(userId: MemoryUserId, locale: string): CommandSafety {
    const { resources, defaultRegion } = config.crisis;
    // The locale of a person's own commands places them better than a server's (see SAFETY.md).
    try {
      if (core.safety.get(userId).locale !== locale) core.safety.update(userId, { locale });
    } catch (error) {
      logger.error({ err: error }, 'safety settings could not be written');
    }
    return {
      settings: () => core.safety.get(userId),
      update: (change) => core.safety.update(userId, change),
      forget: () => core.safety.forget(userId),
      lines() {
        const region = personRegion({
          person: core.safety.get(userId),
          serverLocale: undefined,
          resources,
          defaultRegion,
        });
        const language = safetyTextLanguage(locale);
        const lines = linesFor({ region, language }, resources);
        return { text: safetyBlockNote({ language, lines }), region: lines.region };
      },
      regions: () =>
        Object.entries(resources.regions).map(([code, region]) => ({ code, name: region.name })),
      rememberWithheld: (key) => core.rememberWithheld(userId, key),
      policyUrl: config.crisis.policyUrl,
    };
  }

  /** Answers the messages a run that died had received but not answered. */
  async function recoverUnanswered(): Promise<void> {
    // Crisis messages first: their lines must not wait behind the others' Discord lookups.
    const waiting = inbox
      .unanswered(recoverWithinMs)
      .map((message) => ({ message, crisis: detectCrisis(message.content).isCrisis }))
      .sort((a, b) => Number(b.crisis) - Number(a.crisis))
      .map(({ message }) => message);
    for (const message of waiting) {
      try {
        const { reply, audienceChannelId, serverLocale } = await bot.replyTo({
          channelId: message.channelId,
          messageId: message.id,
          authorId: message.authorId,
          guildId: message.guildId,
          replyMessageId: message.replyMessageId,
        });
        // Only DMs and server messages are ever received into the inbox.
        const channelKind = message.guildId === undefined ? 'dm' : 'guild';
        logger.info({ messageId: message.id }, 'answering a message left unanswered by a stop');
        void core
          .submit(
            messageToTurn({ ...message, channelKind, audienceChannelId, serverLocale }, botUserId),
            reply,
          )
          .then(() => inbox.answered(message.id));
      } catch (error) {
        logger.warn(
          { err: error, messageId: message.id },
          'could not answer a message left unanswered',
        );
        inbox.answered(message.id);
      }
    }
  }
  const bot = createDiscordBot({
    token: config.discordToken,
    apiUrl: config.discordApiUrl,
    messageContentIntent: config.discordMessageContent,
    channelPacer: createKeyedPacer({ minIntervalMs: config.limits.replyEditIntervalMs }),
    replyEditIntervalMs: config.limits.replyEditIntervalMs,
    logger,
    onInteraction: createInteractionHandler({
      commands,
      logger,
      contextFor: (discordUserId, guildId, locale) => ({
        safety: commandSafety(memoryUserIdForDiscord(discordUserId), locale),
        userId: memoryUserIdForDiscord(discordUserId),
        place: guildId === undefined ? { kind: 'dm' } : { kind: 'guild', guildId },
        memory: commandMemory,
        forgetShortTerm: async () => {
          await core.forgetShortTerm(memoryUserIdForDiscord(discordUserId));
          inbox.forgetAuthor(discordUserId);
        },
        remember: (value) => confirmations.remember(discordUserId, value),
        recall: (key) => confirmations.take(discordUserId, key),
      }),
    }),
    onReplyStarted: (messageId, replyMessageId) => inbox.replyStarted(messageId, replyMessageId),
    async onMessage(message, reply) {
      const why = addressedBy(message, botUserId, (thread) =>
        followedThreads.has(followKey(thread)),
      );
      if (why === undefined) return;
      if (why === 'private-channel') {
        if (!accepting) return;
        // Never answered as a DM would be (with every memory of the person): declined, where
        // Discord lets the bot post at all.
        if (message.canReply) await reply.complete(notices.privateChannel);
        logger.info(
          { messageId: message.id, declined: message.canReply },
          'not answering in a private channel that is not a DM',
        );
        return;
      }
      let fresh = true;
      try {
        fresh = inbox.receive({
          id: message.id,
          channelId: message.channelId,
          guildId: message.guildId,
          authorId: message.authorId,
          content: message.content,
          receivedAt: Date.now(),
        });
      } catch (error) {
        // Answered all the same (a crisis above all); only recovery after a crash is lost.
        logger.error({ err: error, messageId: message.id }, 'inbox could not record a message');
      }
      if (fresh && !accepting) {
        // Stopping: the message waits in the inbox for the next start, but a crisis gets its
        // lines now.
        core.screen(messageToTurn(message, botUserId), reply);
        logger.info({ messageId: message.id }, 'message kept for the next start: stopping');
        return;
      }
      if (!fresh) {
        logger.info({ messageId: message.id }, 'ignored a message already received (a replay)');
        return;
      }
      if (message.inThread && why === 'mention') {
        followedThreads.delete(followKey(message));
        followedThreads.add(followKey(message));
        if (followedThreads.size > maxFollowedThreads) {
          followedThreads.delete(followedThreads.values().next().value ?? '');
        }
      }
      const result = await core.submit(messageToTurn(message, botUserId), reply);
      try {
        inbox.answered(message.id);
      } catch (error) {
        logger.error({ err: error, messageId: message.id }, 'inbox could not record an answer');
      }
      logger.info(
        {
          messageId: message.id,
          addressedBy: why,
          outcome: result.kind,
          memoriesUsed: result.memoriesUsed,
        },
        'turn answered',
      );
    },
  });
  let stopping: Promise<void> | undefined;
  return {
    core,
    async start() {
      const identity = await bot.start();
      botUserId = identity.botUserId;
      await recoverUnanswered();
      logger.info(
        { inviteUrl: inviteUrl(config.discordClientId ?? identity.applicationId) },
        'invite the bot to a server with this URL',
      );
      return identity;
    },
    stop(timeoutMs = 10_000) {
      // Once: a second call (a signal during shutdown, say) waits for the first.
      stopping ??= (async () => {
        // Stop taking turns, let the ones in flight finish on Discord, then disconnect.
        accepting = false;
        const started = Date.now();
        await core.whenIdle(timeoutMs);
        await bot.stop();
        await core.close(Math.max(0, timeoutMs - (Date.now() - started)));
        inbox.close();
      })();
      return stopping;
    },
  };
}

function createMemoryStore(
  config: Config,
  scheduleModelCall: <T>(call: () => Promise<T>) => Promise<T>,
): MemoryStore {
  if (config.memory.backend === 'platform') {
    return createMem0PlatformStore({ apiKey: config.memory.apiKey, host: config.memory.host });
  }
  return createMem0OpenSourceStore({
    dataDir: config.memory.dataDir,
    geminiApiKey: config.geminiApiKey,
    llmModel: config.geminiModel,
    embeddingModel: config.geminiEmbeddingModel,
    embeddingDimensions: config.memory.embeddingDimensions,
    scheduleModelCall,
  });
}

/** What the bot says once to someone new: what it keeps, where, and how to see or delete it. */
export function firstContactNote(config: Config): string {
  const where =
    config.memory.backend === 'platform'
      ? 'with mem0, the memory service this bot uses'
      : "on this bot's own server";
  // California's SB 243 asks for the notice that companion chatbots may not suit some minors.
  return `*Hi, I'm wellness0, an AI companion: not a person, and not a therapist. I remember what you tell me so I can support you better: it's kept ${where}, and your messages go to Google's Gemini to write my answers. Use \`/memories\` to see what I remember and \`/forget\` to delete it. Companion chatbots like me may not be suitable for some people under 18. In a crisis, \`/safety\` shows crisis lines and how I handle it${config.crisis.policyUrl ? ` (<${config.crisis.policyUrl}>)` : ''}.*`;
}
