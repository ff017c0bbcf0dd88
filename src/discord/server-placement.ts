import type { Turn } from '../conversation/conversation.js';
import type { ReplyTarget } from '../conversation/reply-target.js';
import type { ServerPlace } from '../conversation/turn.js';
import type { Logger } from '../logger.js';
import { detectCrisis } from '../safety/crisis-detection.js';
import { notHereHint, type ServerGate } from '../servers/server-gate.js';
import type { DiscordBot } from './discord-bot.js';
import type { IncomingMessage } from './message-to-turn.js';

/**
 * What the server's settings and Discord's permissions make of a message addressed to the bot in
 * a server: the server's choices for its turn, or `handled` when it gets no answer in the
 * channel (a crisis then gets its lines privately, at once). The single process's router and a
 * split bot's gateway decide the same way.
 */
export type ServerPlacement = (
  message: IncomingMessage,
  reply: ReplyTarget,
  turn: Turn,
) => Promise<{ server?: ServerPlace } | 'handled'>;

export function createServerPlacement(options: {
  logger: Logger;
  /** Servers' settings; without it only Discord's permissions apply. */
  servers?: ServerGate;
  /** A target in a person's DM. */
  privateTo?: DiscordBot['privateTo'];
  /** Posts the crisis lines for a turn in crisis to `target` (see CrisisFirst). */
  screen: (turn: Turn, target: ReplyTarget) => unknown;
}): ServerPlacement {
  const { logger, servers } = options;
  // Channels where the server's permissions keep the bot from posting, logged once each.
  const quietChannels = new Set<string>();

  /** Runs `act` on a target in the author's DM; a closed DM is logged, never thrown. */
  async function privately(message: IncomingMessage, act: (target: ReplyTarget) => unknown) {
    if (options.privateTo === undefined) return;
    try {
      await act(await options.privateTo(message.authorId, message.id));
    } catch (error) {
      logger.warn({ err: error, messageId: message.id }, 'could not write to a person privately');
    }
  }

  return async (message, reply, turn) => {
    const crisis = detectCrisis(turn.text).isCrisis;
    const screenPrivately = () => privately(message, (target) => options.screen(turn, target));
    if (!message.botMaySend) {
      if (!quietChannels.has(message.channelId)) {
        quietChannels.add(message.channelId);
        logger.warn(
          { channelId: message.channelId, guildId: message.guildId },
          'addressed in a channel where the server does not let the bot post; staying quiet there',
        );
      }
      if (crisis) await screenPrivately();
      return 'handled';
    }
    if (servers === undefined || message.guildId === undefined) return {};
    const decision = await servers.decide({
      guildId: message.guildId,
      channelId: message.settingsChannelId,
      authorId: message.authorId,
      crisis,
    });
    if (decision.kind === 'answer') {
      return decision.server === undefined ? {} : { server: decision.server };
    }
    if (decision.kind === 'over-budget') {
      // Told once a day: more notices would fill the channel the budget protects.
      if (decision.notice !== undefined) await reply.complete(decision.notice);
      logger.info({ messageId: message.id }, 'not answered: the server spent its daily budget');
      return 'handled';
    }
    logger.info({ messageId: message.id }, 'not answered: the server keeps the bot out of there');
    if (crisis) await screenPrivately();
    else if (decision.hint) await privately(message, (target) => target.complete(notHereHint));
    return 'handled';
  };
}
