import type { Turn, TurnResult } from '../conversation/conversation.js';
import type { ServerGate } from '../servers/server-gate.js';
import { createServerPlacement } from './server-placement.js';
import { notices } from '../conversation/notices.js';
import type { ReplyTarget } from '../conversation/reply-target.js';
import type { Logger } from '../logger.js';
import { type Metrics, noMetrics, type TurnOutcome } from '../ops/metrics.js';
import { timeReply } from '../ops/turn-timing.js';
import { detectCrisis } from '../safety/crisis-detection.js';
import type { DiscordBot } from './discord-bot.js';
import type { MessageInbox } from './message-inbox.js';
import { addressedBy, type IncomingMessage, messageToTurn } from './message-to-turn.js';

/** What the router hands messages to: the core's crisis screen and turn queue. */
export interface TurnSink {
  /** Checks a message for a crisis and posts the lines at once; returns the turn to submit. */
  screen(turn: Turn, target: ReplyTarget): Turn;
  /** Answers a turn (screening it first if it was not). */
  submit(turn: Turn, target: ReplyTarget): Promise<TurnResult>;
}

/** Options of {@link createMessageRouter}. */
export interface MessageRouterOptions {
  inbox: MessageInbox;
  turns: TurnSink;
  /** Finds a message known only by its ids, to answer it after a restart. */
  replyTo: DiscordBot['replyTo'];
  logger: Logger;
  /** A message left unanswered by a run that died is answered after a restart if this recent. */
  recoverWithinMs: number;
  /** Threads followed at most (per person who mentioned the bot there); oldest forgotten first. */
  maxFollowedThreads?: number;
  /** Told how each turn ended and how long its answer took. */
  metrics?: Pick<Metrics, 'turnEnded'>;
  /** Servers' settings (/settings): where the bot talks there and how. Without it, none apply. */
  servers?: ServerGate;
  /** A target in a person's DM, for what is said privately about a server message. */
  privateTo?: DiscordBot['privateTo'];
}

/** Decides which Discord messages are answered, once each, and answers those a crash left. */
export interface MessageRouter {
  /** Handles one message the bot can see (see DiscordBotOptions.onMessage). */
  onMessage(message: IncomingMessage, reply: ReplyTarget): Promise<void>;
  /** Answers the messages a run that died had received but not answered (crises first). */
  recoverUnanswered(): Promise<void>;
  /** Sets who the bot is, once logged in. */
  loggedInAs(botUserId: string): void;
  /** From now on, messages wait in the inbox for the next start; a crisis still gets its lines. */
  stopAccepting(): void;
}

/**
 * The router of a single process: addressing (DMs, mentions, replies, threads followed per
 * person), replay de-duplication and crash recovery through the inbox, in front of the core.
 */
export function createMessageRouter(options: MessageRouterOptions): MessageRouter {
  const { inbox, turns, logger } = options;
  const metrics = options.metrics ?? noMetrics;
  const maxFollowedThreads = options.maxFollowedThreads ?? 5_000;
  let botUserId = '';
  let accepting = true;
  // Threads the bot follows, per person who mentioned it there: `<thread id>|<user id>`.
  const followedThreads = new Set<string>();
  const followKey = (thread: { channelId: string; authorId: string }) =>
    `${thread.channelId}|${thread.authorId}`;

  /** Records the message for recovery; true unless it was seen before. Never throws. */
  function receive(message: IncomingMessage): boolean {
    try {
      return inbox.receive({
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
      return true;
    }
  }

  function answered(messageId: string): void {
    try {
      inbox.answered(messageId);
    } catch (error) {
      logger.error({ err: error, messageId }, 'inbox could not record an answer');
    }
  }

  function follow(thread: { channelId: string; authorId: string }): void {
    followedThreads.delete(followKey(thread));
    followedThreads.add(followKey(thread));
    if (followedThreads.size > maxFollowedThreads) {
      followedThreads.delete(followedThreads.values().next().value ?? '');
    }
  }

  const inServer = createServerPlacement({
    logger,
    ...(options.servers === undefined ? {} : { servers: options.servers }),
    ...(options.privateTo === undefined ? {} : { privateTo: options.privateTo }),
    screen: (turn, target) => turns.screen(turn, target),
  });

  return {
    async onMessage(message, reply) {
      const why = addressedBy(message, botUserId, (thread) =>
        followedThreads.has(followKey(thread)),
      );
      if (why === undefined) return;
      // Timed from here: the inbox write is part of what the person waits for.
      const timed = timeReply(reply);
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
      const fresh = receive(message);
      if (!fresh) {
        logger.info({ messageId: message.id }, 'ignored a message already received (a replay)');
        return;
      }
      if (!accepting) {
        // Stopping: the message waits in the inbox for the next start, but a crisis gets its
        // lines now.
        turns.screen(messageToTurn(message, botUserId), reply);
        logger.info({ messageId: message.id }, 'message kept for the next start: stopping');
        return;
      }
      const turn = messageToTurn(message, botUserId);
      const place = message.channelKind === 'guild' ? await inServer(message, reply, turn) : {};
      if (place === 'handled') {
        answered(message.id);
        return;
      }
      if (message.inThread && why === 'mention') follow(message);
      let result: TurnResult;
      try {
        result = await turns.submit(
          {
            ...turn,
            turnId: message.id,
            ...(place.server === undefined ? {} : { server: place.server }),
          },
          timed.target,
        );
      } catch (error) {
        metrics.turnEnded(timed.ended('failed'));
        throw error;
      }
      answered(message.id);
      metrics.turnEnded(timed.ended(outcomeOf(result)));
      logger.info(
        {
          turnId: message.id,
          addressedBy: why,
          outcome: result.kind,
          memoriesUsed: result.memoriesUsed,
          // Counts only: how much of the prompt Gemini's cache served shows in `tokens.cached`.
          ...(result.tokens === undefined ? {} : { tokens: result.tokens }),
        },
        'turn answered',
      );
    },

    async recoverUnanswered() {
      // Crisis messages first: their lines must not wait behind the others' Discord lookups.
      const waiting = inbox
        .unanswered(options.recoverWithinMs)
        .map((message) => ({ message, crisis: detectCrisis(message.content).isCrisis }))
        .sort((a, b) => Number(b.crisis) - Number(a.crisis))
        .map(({ message }) => message);
      for (const message of waiting) {
        try {
          const { reply, audienceChannelId, serverLocale } = await options.replyTo({
            channelId: message.channelId,
            messageId: message.id,
            authorId: message.authorId,
            guildId: message.guildId,
            replyMessageId: message.replyMessageId,
          });
          // Only DMs and server messages are ever received into the inbox.
          const channelKind = message.guildId === undefined ? 'dm' : 'guild';
          logger.info({ messageId: message.id }, 'answering a message left unanswered by a stop');
          const turn = messageToTurn(
            { ...message, channelKind, audienceChannelId, serverLocale },
            botUserId,
          );
          // The server's settings as they are now (a private hint is not given again).
          const decision =
            options.servers === undefined || message.guildId === undefined
              ? undefined
              : await options.servers.decide({
                  guildId: message.guildId,
                  channelId: audienceChannelId,
                  authorId: message.authorId,
                  crisis: detectCrisis(turn.text).isCrisis,
                });
          if (decision !== undefined && decision.kind !== 'answer') {
            answered(message.id);
            continue;
          }
          const server = decision?.server;
          // Timed from the restart: how long the person waited before it is not known here.
          const timed = timeReply(reply);
          void turns
            .submit(
              { ...turn, turnId: message.id, ...(server === undefined ? {} : { server }) },
              timed.target,
            )
            .then(
              (result) => {
                answered(message.id);
                metrics.turnEnded(timed.ended(outcomeOf(result)));
              },
              (error: unknown) => {
                metrics.turnEnded(timed.ended('failed'));
                logger.error({ err: error, turnId: message.id }, 'recovered turn failed');
              },
            );
        } catch (error) {
          logger.warn(
            { err: error, messageId: message.id },
            'could not answer a message left unanswered',
          );
          answered(message.id);
        }
      }
    },

    loggedInAs(id) {
      botUserId = id;
    },

    stopAccepting() {
      accepting = false;
    },
  };
}

function outcomeOf(result: TurnResult): TurnOutcome {
  return result.kind === 'answer' ? 'answered' : 'notice';
}
