import type { Turn } from '../conversation/conversation.js';
import { memoryUserIdForDiscord } from '../memory/user-id.js';

/** The parts of a Discord message that decide whether and how the bot answers it. */
export interface IncomingMessage {
  id: string;
  authorId: string;
  authorIsBot: boolean;
  /** Discord system messages (joins, pins…) are never answered. */
  isSystem: boolean;
  channelId: string;
  /** Absent for a direct message. */
  guildId: string | undefined;
  /** The message is in a thread. */
  inThread: boolean;
  content: string;
  /** The bot itself is mentioned (not through @everyone, @here or a role). */
  mentionsBot: boolean;
  /** The message replies to one of the bot's messages. */
  repliesToBot: boolean;
}

/** Why a message is answered, or undefined when it is not. */
export type AddressedBy = 'dm' | 'mention' | 'reply' | 'thread';

/**
 * Decides whether the bot is addressed: always in a DM; in a server when mentioned, when replied
 * to, or in a thread it was mentioned in. Bots (including itself) and system messages never are.
 */
export function addressedBy(
  message: IncomingMessage,
  botUserId: string,
  isFollowedThread: (channelId: string) => boolean,
): AddressedBy | undefined {
  if (message.authorIsBot || message.isSystem || message.authorId === botUserId) return undefined;
  if (message.guildId === undefined) return 'dm';
  if (message.mentionsBot) return 'mention';
  if (message.repliesToBot) return 'reply';
  // Without the Message Content intent, thread messages that do not mention the bot arrive empty.
  if (message.inThread && message.content.trim() !== '' && isFollowedThread(message.channelId)) {
    return 'thread';
  }
  return undefined;
}

/** The message's text without the bot's own mention, which says who is addressed, not what. */
export function stripBotMention(content: string, botUserId: string): string {
  return content.replace(new RegExp(`<@!?${botUserId}>`, 'g'), '').trim();
}

/** Builds the turn for a message the bot is addressed by. */
export function messageToTurn(message: IncomingMessage, botUserId: string): Turn {
  const text = stripBotMention(message.content, botUserId);
  return {
    userId: memoryUserIdForDiscord(message.authorId),
    text,
    placeId: message.channelId,
    origin:
      message.guildId === undefined
        ? { kind: 'dm', channelId: message.channelId }
        : { kind: 'guild', guildId: message.guildId, channelId: message.channelId },
  };
}
