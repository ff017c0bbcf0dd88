/** Why a reply must say that the bot is an AI. */
export type DisclosureReason = 'session-start' | 'three-hours';

/** When each conversation is next told that the bot is an AI, not a person. */
export interface DisclosureSchedule {
  /**
   * Whether the reply about to be sent in conversation `key` must carry the notice: at the start
   * of a session (first reply since start, or after `idleMs` of quiet) and every `everyMs` of
   * continued conversation. Undefined when not due.
   */
  due(key: string): DisclosureReason | undefined;
  /** Records a reply sent in `key`, carrying the notice or not. */
  replied(key: string, disclosed: boolean): void;
}

// New York's AI-companion law and California's SB 243 (for minors): at least every three hours.
export const disclosureEveryMs = 3 * 60 * 60_000;

/** An in-memory schedule, bounded to `maxConversations` (the least recently used go first). */
export function createDisclosureSchedule(options: {
  /** Quiet after which the next reply starts a new session (HISTORY_IDLE_MINUTES). */
  idleMs: number;
  everyMs?: number;
  maxConversations?: number;
  now?: () => number;
}): DisclosureSchedule {
  const now = options.now ?? Date.now;
  const everyMs = options.everyMs ?? disclosureEveryMs;
  const maxConversations = options.maxConversations ?? 100_000;
  const seen = new Map<string, { lastReplyAt: number; lastDisclosedAt: number }>();
  return {
    due(key) {
      const entry = seen.get(key);
      const at = now();
      if (entry === undefined || at - entry.lastReplyAt >= options.idleMs) return 'session-start';
      if (at - entry.lastDisclosedAt >= everyMs) return 'three-hours';
      return undefined;
    },
    replied(key, disclosed) {
      const at = now();
      const entry = seen.get(key);
      seen.delete(key);
      seen.set(key, {
        lastReplyAt: at,
        lastDisclosedAt: disclosed ? at : (entry?.lastDisclosedAt ?? -Infinity),
      });
      if (seen.size > maxConversations) seen.delete(seen.keys().next().value ?? '');
    },
  };
}
