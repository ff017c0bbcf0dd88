import type { Turn } from '../conversation/conversation.js';
import type { MemoryOrigin } from '../memory/memory-store.js';
import { memoryUserIdForDiscord } from '../memory/user-id.js';

/** The parts of a Discord message that decide whether and how the bot answers it. */
export interface IncomingMessage {
  id: string;
  authorId: string;
  authorIsBot: boolean;
  /** Discord system messages (joins, pins…) are never answered. */
  isSystem: boolean;
  channelId: string;
  /**
   * Where it was written, told by the channel's type: the bot's DM with the person, a server
   * channel or thread, or another private channel (a group DM), where the bot does not talk.
   */
  channelKind: 'dm' | 'guild' | 'private-channel';
  /** Absent outside a server. */
  guildId: string | undefined;
  /** The server's preferred locale (such as `en-US`); absent outside a server. */
  serverLocale?: string | undefined;
  /**
   * In a server, the channel whose audience can read the message: the channel itself, a public
   * thread's parent channel, or a private thread itself. Decides which memories may be recalled.
   */
  audienceChannelId: string;
  /** The message is in a thread. */
  inThread: boolean;
  /** The channel a server's settings name for it: the channel, or a thread's parent. */
  settingsChannelId: string;
  /** The server's permissions let the bot post here (always true outside a server). */
  botMaySend: boolean;
  /** The bot can post in the channel (Discord lets no bot post in a group DM). */
  canReply: boolean;
  content: string;
  /** The bot itself is mentioned (not through @everyone, @here or a role). */
  mentionsBot: boolean;
  /** The message replies to one of the bot's messages. */
  repliesToBot: boolean;
}

/**
 * Why a message is answered, or undefined when it is not. `private-channel`: the bot was
 * addressed in a private channel that is not its DM (a group DM), where it only says it does
 * not talk there.
 */
export type AddressedBy = 'dm' | 'mention' | 'reply' | 'thread' | 'private-channel';

/**
 * Decides whether the bot is addressed: always in its DM; in a server when mentioned, when
 * replied to, or in a thread where this person mentioned it before. Bots (including itself) and
 * system messages never are. `isFollowing` tells whether the bot follows a thread for a person.
 */
export function addressedBy(
  message: IncomingMessage,
  botUserId: string,
  isFollowing: (thread: { channelId: string; authorId: string }) => boolean,
): AddressedBy | undefined {
  if (message.authorIsBot || message.isSystem || message.authorId === botUserId) return undefined;
  if (message.channelKind === 'dm') return 'dm';
  if (message.channelKind === 'private-channel') {
    return message.mentionsBot || message.repliesToBot ? 'private-channel' : undefined;
  }
  if (message.mentionsBot) return 'mention';
  if (message.repliesToBot) return 'reply';
  // Without the Message Content intent, thread messages that do not mention the bot arrive empty.
  // Only the people who asked for the bot there are answered (and remembered) without a mention.
  if (message.inThread && message.content.trim() !== '' && isFollowing(message)) {
    return 'thread';
  }
  return undefined;
}

/** The message's text without the bot's own mention, which says who is addressed, not what. */
export function stripBotMention(content: string, botUserId: string): string {
  return content.replace(new RegExp(`<@!?${botUserId}>`, 'g'), '').trim();
}

/** Builds the turn for a message the bot is addressed by, in its DM or a server. */
export function messageToTurn(
  message: Pick<
    IncomingMessage,
    | 'authorId'
    | 'content'
    | 'channelId'
    | 'channelKind'
    | 'guildId'
    | 'audienceChannelId'
    | 'serverLocale'
  >,
  botUserId: string,
): Turn {
  const text = stripBotMention(message.content, botUserId);
  return {
    userId: memoryUserIdForDiscord(message.authorId),
    text,
    placeId: message.channelId,
    origin: originOf(message),
    ...(message.serverLocale ? { serverLocale: message.serverLocale } : {}),
  };
}

function originOf(
  message: Pick<IncomingMessage, 'channelId' | 'channelKind' | 'guildId' | 'audienceChannelId'>,
): MemoryOrigin {
  if (message.channelKind === 'dm') return { kind: 'dm', channelId: message.channelId };
  // Never a DM origin for anything else: in private, every memory of the person may be recalled.
  if (message.channelKind !== 'guild' || message.guildId === undefined) {
    throw new Error('Only a DM or a server message becomes a turn');
  }
  return {
    kind: 'guild',
    guildId: message.guildId,
    channelId: message.channelId,
    audienceChannelId: message.audienceChannelId,
  };
}
