import { join } from 'node:path';
import { commands } from '../commands/index.js';
import type { Config } from './config.js';
import { firstContactNote } from './conversation/notices.js';
import { type Core, type CoreExtras, createCore } from './core.js';
import { createCommandContexts } from './discord/command-contexts.js';
import { createDiscordBot, type DiscordIdentity } from './discord/discord-bot.js';
import { createInteractionHandler } from './discord/interactions.js';
import { inviteUrl } from './discord/invite-url.js';
import { createMessageInbox } from './discord/message-inbox.js';
import { createMessageRouter } from './discord/message-router.js';
import { discordChannelPacer } from './limits/discord-channel-pacer.js';
import type { Logger } from './logger.js';
import { clearingDeletedText } from './memory/clearing-deleted-text.js';
import { createOpsServer } from './ops/ops-server.js';
import { createPrometheusMetrics } from './ops/prometheus-metrics.js';
import { createServerGate } from './servers/server-gate.js';
import { createSqliteServerSettings } from './servers/sqlite-server-settings.js';
import { botReadiness, queueBoundsFor } from './ops/readiness.js';

/** The Discord bot: the core behind a discord.js gateway client. */
export interface App {
  core: Core;
  /** Logs in; resolves when the bot is ready to answer. */
  start(): Promise<DiscordIdentity>;
  /** Disconnects and flushes pending work within `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Clocks tests replace: the AI-notice schedule's, and how commands wait (real time by default). */
export type AppExtras = Pick<CoreExtras, 'now'> & { sleep?: (ms: number) => Promise<void> };

// A message left unanswered by a run that died is answered after a restart if this recent.
const recoverWithinMs = 15 * 60_000;

/** Wires the whole bot exactly as `main` runs it; tests build it the same way. */
export function createApp(config: Config, logger: Logger, extras: AppExtras = {}): App {
  // Recorded only when served (METRICS_PORT).
  const metrics = config.metrics === undefined ? undefined : createPrometheusMetrics();
  const core = createCore(config, logger, {
    ...(extras.now === undefined ? {} : { now: extras.now }),
    ...(metrics === undefined ? {} : { metrics }),
    firstContactNote: firstContactNote({
      memoryBackend: config.memory.backend,
      safetyPolicyUrl: config.crisis.policyUrl,
    }),
  });
  // Received and answered messages, on disk: no message is answered twice, none is lost to a crash.
  const inbox = createMessageInbox({
    path: join(config.dataDir, 'inbox.db'),
    keepTextMs: recoverWithinMs,
  });
  // Each server's settings (/settings), on disk, applied from the next message.
  const serverSettings = createSqliteServerSettings({
    path: join(config.dataDir, 'server-settings.db'),
  });
  const servers = createServerGate({
    store: serverSettings,
    logger,
    ...(extras.now === undefined ? {} : { now: extras.now }),
  });
  const contextFor = createCommandContexts({
    servers: serverSettings,
    // What a command deletes is then cleared from the WAL of every file that held its text.
    memory: clearingDeletedText(core.memory, () => {
      core.clearDeletedText();
      inbox.clearDeletedText();
    }),
    forgetShortTerm: (userId) => core.forgetShortTerm(userId),
    forgetAuthor: (discordUserId) => inbox.forgetAuthor(discordUserId),
    safety: core.safety,
    rememberWithheld: (userId, key) => core.rememberWithheld(userId, key),
    crisis: config.crisis,
    logger,
    ...(extras.sleep === undefined ? {} : { sleep: extras.sleep }),
  });
  const bot = createDiscordBot({
    token: config.discordToken,
    apiUrl: config.discordApiUrl,
    messageContentIntent: config.discordMessageContent,
    channelPacer: discordChannelPacer(core.limiters, {
      replyEditIntervalMs: config.limits.replyEditIntervalMs,
      releaseAfterMs: config.workerLeaseMs,
    }),
    replyEditIntervalMs: config.limits.replyEditIntervalMs,
    logger,
    onInteraction: createInteractionHandler({ commands, logger, contextFor }),
    onReplyStarted: (messageId, replyMessageId) => inbox.replyStarted(messageId, replyMessageId),
    onMessage: (message, reply) => router.onMessage(message, reply),
    onGuildRemoved: (guildId) => {
      servers.removed(guildId).catch((error: unknown) => {
        logger.error({ err: error, guildId }, 'could not delete a server’s settings');
      });
    },
    ...(metrics === undefined ? {} : { metrics }),
  });
  const router = createMessageRouter({
    inbox,
    turns: core,
    replyTo: (ref) => bot.replyTo(ref),
    servers,
    privateTo: (authorId, messageId) => bot.privateTo(authorId, messageId),
    logger,
    recoverWithinMs,
    ...(metrics === undefined ? {} : { metrics }),
  });
  const ops =
    config.metrics === undefined || metrics === undefined
      ? undefined
      : createOpsServer({
          ...config.metrics,
          metrics,
          readiness: botReadiness({
            gatewayReady: () => bot.gatewayReady(),
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
      // Before the login, so that /healthz answers (and /readyz says why not ready) meanwhile.
      await ops?.start();
      const identity = await bot.start();
      router.loggedInAs(identity.botUserId);
      await router.recoverUnanswered();
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
        router.stopAccepting();
        const started = Date.now();
        await core.whenIdle(timeoutMs);
        await bot.stop();
        await core.close(Math.max(0, timeoutMs - (Date.now() - started)));
        inbox.close();
        await serverSettings.close();
        await ops?.close();
      })();
      return stopping;
    },
  };
}
