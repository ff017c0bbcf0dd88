import { createServerPlacement } from '../discord/server-placement.js';
import { createServerGate } from '../servers/server-gate.js';
import type { Turn } from '../conversation/conversation.js';
import { createRedisServerSettings } from './redis-server-settings.js';
import type { Config } from '../config.js';
import type { TurnSafety } from '../conversation/turn.js';
import { notices } from '../conversation/notices.js';
import type { ReplyTarget } from '../conversation/reply-target.js';
import { createDiscordBot, type DiscordIdentity } from '../discord/discord-bot.js';
import { addressedBy, type IncomingMessage, messageToTurn } from '../discord/message-to-turn.js';
import { createLimiterStore } from '../limits/bottleneck-limiters.js';
import { discordChannelPacer } from '../limits/discord-channel-pacer.js';
import type { Logger } from '../logger.js';
import { createOpsServer } from '../ops/ops-server.js';
import { createPrometheusMetrics } from '../ops/prometheus-metrics.js';
import { runReadinessChecks } from '../ops/readiness.js';
import { createCrisisFirst } from '../safety/crisis-first.js';
import { detectCrisis } from '../safety/crisis-detection.js';
import { crisisFallback } from '../safety/crisis-texts.js';
import type { PersonSafety } from '../safety/safety-settings.js';
import { createRedisPersonStream } from './redis-person-stream.js';
import { createRedisSharedState } from './redis-shared-state.js';
import type { StreamedEvent } from './streamed-event.js';

/** The gateway process of a split bot (`npm run gateway`). */
export interface GatewayApp {
  start(): Promise<DiscordIdentity>;
  stop(): Promise<void>;
}

// How long the crisis screen waits for a person's own region (in Redis) before using Discord's.
const safetyLookupMs = 500;

/**
 * Receives Discord's events and hands each addressed message and interaction to the workers
 * through the person stream (keyed by its author, so that one person's are handled in order);
 * interactions are acknowledged here first, within Discord's 3 seconds. A message in crisis gets
 * the crisis lines from here at once, before any worker has it. Nothing is answered here.
 */
export function createGatewayApp(
  config: Config & { redisUrl: string },
  logger: Logger,
): GatewayApp {
  const metrics = config.metrics === undefined ? undefined : createPrometheusMetrics();
  const onRedisError = (error: unknown) => logger.warn({ err: error }, 'Redis error');
  const stream = createRedisPersonStream({ redisUrl: config.redisUrl, onError: onRedisError });
  const shared = createRedisSharedState({
    redisUrl: config.redisUrl,
    idleExpiryMs: config.history.idleExpiryMs,
    onError: onRedisError,
  });
  // The crisis lines and the "not here" notices are the only messages sent from here.
  const limiters = createLimiterStore({ redisUrl: config.redisUrl, onError: onRedisError });
  // Set just before each screen: the person's own settings, read from Redis.
  let screenedPerson: PersonSafety = { region: undefined, locale: undefined, minor: false };
  const crisisFirst = createCrisisFirst({
    resources: config.crisis.resources,
    settings: {
      get: () => screenedPerson,
      update() {},
      forget() {},
      close() {},
    },
    // Counted by the worker that answers (see worker-app.ts), once.
    referrals: { count() {} },
    defaultRegion: config.crisis.defaultRegion,
    logger,
  });
  let botUserId = '';

  async function publish(event: StreamedEvent, personKey: string, eventId: string) {
    return stream.publish({ personKey, eventId, payload: JSON.stringify(event) });
  }

  /** Sends the crisis lines now if the turn is a crisis; whether they were delivered. */
  async function crisisLinesFirst(turn: Turn, reply: ReplyTarget) {
    if (!detectCrisis(turn.text).isCrisis) return { sent: false, safety: undefined };
    const saved = await Promise.race([
      shared.loadPerson(turn.userId).catch(() => undefined),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), safetyLookupMs)),
    ]);
    screenedPerson = {
      region: saved?.core.safety.region ?? undefined,
      locale: saved?.core.safety.locale ?? undefined,
      minor: saved?.core.safety.minor ?? false,
    };
    const safety: TurnSafety = crisisFirst.screen(turn, reply);
    return { sent: (await safety.crisisLines?.delivered) === true, safety };
  }

  async function onMessage(message: IncomingMessage, reply: ReplyTarget): Promise<void> {
    const following =
      message.inThread &&
      !message.mentionsBot &&
      (await shared.follows(message.channelId, message.authorId).catch(() => false));
    const why = addressedBy(message, botUserId, () => following);
    if (why === undefined) return;
    if (why === 'private-channel') {
      if (message.canReply) await reply.complete(notices.privateChannel);
      logger.info({ messageId: message.id }, 'not answering in a private channel that is not a DM');
      return;
    }
    const turn = messageToTurn(message, botUserId);
    const place = message.channelKind === 'guild' ? await inServer(message, reply, turn) : {};
    if (place === 'handled') return;
    const crisis = await crisisLinesFirst(
      place.server === undefined ? turn : { ...turn, server: place.server },
      reply,
    );
    try {
      if (message.inThread && why === 'mention') {
        await shared.follow(message.channelId, message.authorId);
      }
      const fresh = await publish(
        {
          kind: 'message',
          message,
          botUserId,
          crisisLinesSent: crisis.sent,
          ...(place.server === undefined ? {} : { server: place.server }),
          receivedAt: Date.now(),
        },
        message.authorId,
        message.id,
      );
      logger.info({ turnId: message.id, addressedBy: why, replay: !fresh }, 'message handed on');
    } catch (error) {
      // Never silent: the person is told (a crisis keeps its lines, and gets the fallback).
      logger.error({ err: error, turnId: message.id }, 'could not hand a message on');
      const language = crisis.safety?.crisis.language;
      await reply
        .complete(language === undefined ? notices.unexpected : crisisFallback(language))
        .catch(() => {});
    }
  }

  // Every server's settings, in Redis: read here (where the bot talks, the budget), changed by
  // the workers' /settings, deleted here when the bot leaves a server.
  const serverSettings = createRedisServerSettings({
    redisUrl: config.redisUrl,
    onError: onRedisError,
  });
  const servers = createServerGate({ store: serverSettings, logger });
  const inServer = createServerPlacement({
    logger,
    servers,
    privateTo: (authorId, messageId) => bot.privateTo(authorId, messageId),
    screen: (turn, target) => crisisLinesFirst(turn, target),
  });

  const bot = createDiscordBot({
    token: config.discordToken,
    apiUrl: config.discordApiUrl,
    messageContentIntent: config.discordMessageContent,
    // All its work is receiving: as many shards as the servers need (a DM-first bot rarely
    // needs more than one; DMs all arrive on shard 0 anyway).
    autoShard: true,
    channelPacer: discordChannelPacer(limiters, {
      replyEditIntervalMs: config.limits.replyEditIntervalMs,
      releaseAfterMs: config.workerLeaseMs,
    }),
    replyEditIntervalMs: config.limits.replyEditIntervalMs,
    logger,
    onMessage,
    onGuildRemoved: (guildId) => {
      servers.removed(guildId).catch((error: unknown) => {
        logger.error({ err: error, guildId }, 'could not delete a server’s settings');
      });
    },
    onInteraction: async () => {},
    forwardInteraction: async (data) => {
      const user = data.member?.user ?? data.user;
      if (user === undefined) throw new Error('an interaction without a user');
      await publish({ kind: 'interaction', data }, user.id, data.id);
    },
    ...(metrics === undefined ? {} : { metrics }),
  });
  const ops =
    config.metrics === undefined || metrics === undefined
      ? undefined
      : createOpsServer({
          ...config.metrics,
          metrics,
          readiness: () =>
            runReadinessChecks(
              { gateway: () => bot.gatewayReady(), stream: () => stream.reachable() },
              3_000,
            ),
          logger,
        });

  return {
    async start() {
      await ops?.start();
      const identity = await bot.start();
      botUserId = identity.botUserId;
      return identity;
    },
    async stop() {
      await bot.stop();
      await stream.close();
      await shared.close();
      await serverSettings.close();
      await limiters.close();
      await ops?.close();
    },
  };
}
