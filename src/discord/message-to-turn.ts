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
  content: string;
}

/**
 * Decides whether a Discord message is a turn for the bot, and builds it. Direct messages from
 * people are turns; bots (including this one) and system messages never are.
 */
export function messageToTurn(message: IncomingMessage, botUserId: string): Turn | undefined {
  if (message.authorIsBot || message.isSystem || message.authorId === botUserId) return undefined;
  if (message.guildId !== undefined) return undefined;
  return {
    userId: memoryUserIdForDiscord(message.authorId),
    text: message.content,
    origin: { kind: 'dm', channelId: message.channelId },
  };
}
