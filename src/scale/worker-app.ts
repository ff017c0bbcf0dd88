import { commands } from '../../commands/index.js';
import type { Config } from '../config.js';
import { firstContactNote } from '../conversation/notices.js';
import type { ReplyTarget } from '../conversation/reply-target.js';
import { type Core, createCore, type PersonSnapshot } from '../core.js';
import { createCommandContexts } from '../discord/command-contexts.js';
import { createConfirmations } from '../discord/confirmations.js';
import { createDiscordBot, type DiscordIdentity } from '../discord/discord-bot.js';
import { createInteractionHandler } from '../discord/interactions.js';
import { messageToTurn } from '../discord/message-to-turn.js';
import { discordChannelPacer } from '../limits/discord-channel-pacer.js';
import type { Logger } from '../logger.js';
import { clearingDeletedText } from '../memory/clearing-deleted-text.js';
import { memoryUserIdForDiscord } from '../memory/user-id.js';
import { createOpsServer } from '../ops/ops-server.js';
import { type TurnOutcome } from '../ops/metrics.js';
import { createPrometheusMetrics } from '../ops/prometheus-metrics.js';
import { botReadiness, queueBoundsFor } from '../ops/readiness.js';
import { timeReply } from '../ops/turn-timing.js';
import { createRedisPersonStream } from './redis-person-stream.js';
import { createRedisSharedState } from './redis-shared-state.js';
import { createRedisServerSettings } from './redis-server-settings.js';
import { createRedisWriteQueue } from './redis-write-queue.js';
import type { SharedPerson } from './shared-state.js';
import type { StreamedEvent } from './streamed-event.js';

/** A worker process of a split bot (`npm run worker`). */
export interface WorkerApp {
  core: Core;
  start(): Promise<DiscordIdentity>;
  /** Stops taking events, finishes those in hand within `timeoutMs`, flushes memory writes. */
  stop(timeoutMs?: number): Promise<void>;
}

/** What tests change: the worker's name in the stream. */
export interface WorkerExtras {
  consumerName?: string;
}

const nobody: PersonSnapshot = {
  history: [],
  disclosures: [],
  greeted: [],
  safety: { region: null, locale: null, minor: false },
};

/**
 * Answers what the gateway received: takes people's events from the person stream (one person
 * at a time per worker, in order, merged as in the single process), answers through Discord's
 * REST API, and carries each person's short-term state in Redis, so that any worker can serve
 * anyone next. A message handed to a second worker (the first died) is not answered twice: its
 * progress is in Redis, and its answer's first message is keyed by Discord's nonce.
 */
export function createWorkerApp(
  config: Config & { redisUrl: string },
  logger: Logger,
  extras: WorkerExtras = {},
): WorkerApp {
  const metrics = config.metrics === undefined ? undefined : createPrometheusMetrics();
  const onRedisError = (error: unknown) => logger.warn({ err: error }, 'Redis error');
  const shared = createRedisSharedState({
    redisUrl: config.redisUrl,
    idleExpiryMs: config.history.idleExpiryMs,
    onError: onRedisError,
  });
  const core = createCore(config, logger, {
    ...(metrics === undefined ? {} : { metrics }),
    firstContactNote: firstContactNote({
      memoryBackend: config.memory.backend,
      safetyPolicyUrl: config.crisis.policyUrl,
    }),
    forgottenAt: (userId) => shared.forgottenAt(userId),
    // Redis holds them; a copy on this worker's disk would outlive a /forget handled elsewhere.
    safetySettingsInMemory: true,
    // Any worker writes what any worker queued: one that stops leaves nothing on its own disk.
    sharedWrites: ({ write, fallback }) =>
      createRedisWriteQueue({
        redisUrl: config.redisUrl,
        write,
        fallback,
        logger,
        forgottenAt: (userId) => shared.forgottenAt(userId),
        leaseMs: config.workerLeaseMs,
        batchWindowMs: config.memoryBatch.windowMs,
        maxJobsPerBatch: config.memoryBatch.maxExchanges,
      }),
  });
  const stream = createRedisPersonStream({
    redisUrl: config.redisUrl,
    // The person's messages sent while one is answered reach the turn queue at once, as in the
    // single process (merged, or absorbed beyond the waiting cap).
    window: config.limits.userMaxWaitingMessages + 1,
    onError: (error, context) => logger.warn({ err: error, ...context }, 'person stream error'),
    ...(extras.consumerName === undefined ? {} : { consumerName: extras.consumerName }),
    leaseMs: config.workerLeaseMs,
    maxConcurrentPeople: config.workerMaxPeople,
  });
  const confirmations = createConfirmations();
  // Every server's settings, in Redis: /settings changes them here, the gateway applies them.
  const serverSettings = createRedisServerSettings({
    redisUrl: config.redisUrl,
    onError: onRedisError,
  });
  const contextFor = createCommandContexts({
    memory: clearingDeletedText(core.memory, () => core.clearDeletedText()),
    async forgetShortTerm(userId) {
      // First everywhere (every worker drops what it queued for them), then here.
      await shared.forgetPerson(userId);
      await core.forgetShortTerm(userId);
    },
    // The person's waiting messages are in the stream, each answered in turn; those set aside
    // after failing hold their words, and go.
    forgetAuthor: (discordUserId) => {
      stream.dropDeadLetters(discordUserId).catch((error: unknown) => {
        logger.warn({ err: error }, 'could not delete dead letters of a person forgotten');
      });
    },
    safety: core.safety,
    rememberWithheld: (userId, key) => core.rememberWithheld(userId, key),
    crisis: config.crisis,
    logger,
    confirmations,
    servers: serverSettings,
  });
  const bot = createDiscordBot({
    token: config.discordToken,
    apiUrl: config.discordApiUrl,
    messageContentIntent: config.discordMessageContent,
    mode: 'rest',
    channelPacer: discordChannelPacer(core.limiters, {
      replyEditIntervalMs: config.limits.replyEditIntervalMs,
      releaseAfterMs: config.workerLeaseMs,
    }),
    replyEditIntervalMs: config.limits.replyEditIntervalMs,
    logger,
    onInteraction: createInteractionHandler({ commands, logger, contextFor }),
    onMessage: async () => {},
    onReplyStarted: (messageId, replyMessageId) => {
      shared.replyStarted(messageId, replyMessageId).catch((error: unknown) => {
        logger.warn({ err: error, turnId: messageId }, 'could not record a reply started');
      });
    },
    ...(metrics === undefined ? {} : { metrics }),
  });

  /**
   * People with events in hand here: their state was loaded once (`ready`), and is saved after
   * each event. `ready` is also the end of the last event's steps before the core took it: the
   * stream hands over several of a person's events at once, and their lookups (progress in
   * Redis, the channel) must not let a later message reach the turn queue first.
   */
  const serving = new Map<string, { events: number; ready: Promise<unknown> }>();

  /**
   * Runs one event of a person with their state here, as the worker that served them last left
   * it: `start` (run after the person's earlier events have started) returns what is left to
   * wait for (the answer), which may then overlap with their next event's start.
   */
  async function asPerson(
    discordUserId: string,
    start: () => Promise<{ rest: Promise<void> }>,
  ): Promise<void> {
    const userId = memoryUserIdForDiscord(discordUserId);
    let entry = serving.get(userId);
    if (entry === undefined) {
      const ready = shared.loadPerson(userId).then((saved) => {
        core.importPerson(userId, saved?.core ?? nobody);
        confirmations.importOwner(discordUserId, saved?.confirmations ?? []);
      });
      entry = { events: 0, ready };
      serving.set(userId, entry);
    }
    entry.events += 1;
    let loaded = false;
    try {
      const started = entry.ready.then(() => {
        loaded = true;
        return start();
      });
      // The next event starts once this one has (whether it started well or not).
      entry.ready = started.catch(() => undefined);
      await (
        await started
      ).rest;
    } finally {
      entry.events -= 1;
      if (entry.events === 0) serving.delete(userId);
      // Never over what Redis holds with a state that was not loaded from it.
      if (loaded) {
        const person: SharedPerson = {
          core: core.exportPerson(userId),
          confirmations: confirmations.exportOwner(discordUserId),
        };
        await shared.savePerson(userId, person);
        // Served by no event here any more: their state is in Redis, and goes from this process
        // (a /forget handled by another worker then leaves nothing of them here).
        if (!serving.has(userId)) {
          core.importPerson(userId, nobody);
          confirmations.importOwner(discordUserId, []);
        }
      }
    }
  }

  /** Starts answering a message (see `asPerson`); the rest is the answer and its bookkeeping. */
  async function answer(
    event: Extract<StreamedEvent, { kind: 'message' }>,
  ): Promise<{ rest: Promise<void> }> {
    const { message } = event;
    const progress = await shared.progress(message.id);
    // Handed over again after its answer was given (its worker died before letting go).
    if (progress.answered) return { rest: Promise.resolve() };
    const found = await bot.replyTo({
      channelId: message.channelId,
      messageId: message.id,
      authorId: message.authorId,
      guildId: message.guildId,
      replyMessageId: progress.replyMessageId,
    });
    const reply: ReplyTarget = event.crisisLinesSent
      ? // The gateway posted the lines: the turn is still screened (crisis mode), not posted twice.
        { ...found.reply, sendNow: async () => {} }
      : found.reply;
    const timed = timeReply(reply);
    const turn = messageToTurn(message, event.botUserId);
    // Queued now, in the order the person sent their messages; answered (and merged) from there.
    const submitted = core.submit(
      {
        ...turn,
        turnId: message.id,
        ...(event.server === undefined ? {} : { server: event.server }),
      },
      timed.target,
    );
    const rest = (async () => {
      let outcome: TurnOutcome = 'failed';
      try {
        const result = await submitted;
        outcome = result.kind === 'answer' ? 'answered' : 'notice';
        logger.info(
          { turnId: message.id, outcome: result.kind, memoriesUsed: result.memoriesUsed },
          'turn answered',
        );
      } finally {
        metrics?.turnEnded(timed.ended(outcome));
      }
      // Its exchange is in the shared write queue before the message counts as answered.
      await core.writesAccepted();
      await shared.answered(message.id);
    })();
    return { rest };
  }

  let consumer: ReturnType<typeof stream.consume> | undefined;
  const ops =
    config.metrics === undefined || metrics === undefined
      ? undefined
      : createOpsServer({
          ...config.metrics,
          metrics,
          readiness: botReadiness({
            gatewayReady: () => stream.reachable(),
            connectionCheck: 'stream',
            memory: core.memory,
            queues: () => metrics.queues(),
            bounds: queueBoundsFor(config.limits),
          }),
          logger,
        });
  let stopping: Promise<void> | undefined;

  return {
    core,
    async start() {
      core.start();
      await ops?.start();
      const identity = await bot.start();
      consumer = stream.consume(async ({ payload, personKey }) => {
        const event = JSON.parse(payload) as StreamedEvent;
        await asPerson(personKey, async () =>
          event.kind === 'message'
            ? answer(event)
            : // A command runs after the person's earlier messages were queued, beside them.
              { rest: bot.receiveInteraction(event.data) },
        );
      });
      logger.info('taking events from the person stream');
      return identity;
    },
    stop(timeoutMs = 10_000) {
      stopping ??= (async () => {
        const started = Date.now();
        // Those in hand are finished (a rolling restart loses nothing); the rest wait for another.
        await Promise.race([
          consumer?.stop(),
          new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
        ]);
        await core.close(Math.max(1_000, timeoutMs - (Date.now() - started)));
        await bot.stop();
        await stream.close();
        await shared.close();
        await serverSettings.close();
        await ops?.close();
      })();
      return stopping;
    },
  };
}
