/** Why a reply must open with a notice: the AI notice, or a minor's break reminder. */
export type DisclosureReason = 'session-start' | 'three-hours' | 'break-reminder';

/** When each conversation is next told that the bot is an AI (and a minor to take a break). */
export interface DisclosureSchedule {
  /**
   * The notice the reply about to be sent in conversation `key` must carry, if any: at the start
   * of a session (the first reply since start, or after `idleMs` of quiet), after `everyMs` of
   * continued conversation since the last notice, and for a minor a break reminder `everyMs`
   * after the last one (or the session's start), whatever else said it is an AI meanwhile.
   */
  due(key: string, person: { minor: boolean }): DisclosureReason | undefined;
  /** Records a reply sent in `key`: whether it said it is an AI, and whether it reminded of a break. */
  replied(key: string, said: { disclosed: boolean; breakReminded: boolean }): void;
  /** The schedule of the person's conversations (keys `<userId>|…`), to carry to another process. */
  exportPerson(userId: string): PersonDisclosures;
  /** Replaces the person's schedule with one exported elsewhere. */
  importPerson(userId: string, schedule: PersonDisclosures): void;
}

/** One person's schedule by conversation key; times in ms since the epoch, `null` for never. */
export type PersonDisclosures = Array<
  [
    key: string,
    times: { lastReplyAt: number; lastDisclosedAt: number | null; lastBreakReminderAt: number },
  ]
>;

// New York's AI-companion law and California's SB 243 (for minors): at least every three hours.
export const disclosureEveryMs = 3 * 60 * 60_000;

interface Conversation {
  lastReplyAt: number;
  lastDisclosedAt: number;
  lastBreakReminderAt: number;
}

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
  const seen = new Map<string, Conversation>();
  /** The conversation's entry, unless its session is over. */
  const live = (key: string, at: number) => {
    const entry = seen.get(key);
    return entry !== undefined && at - entry.lastReplyAt < options.idleMs ? entry : undefined;
  };
  return {
    due(key, person) {
      const at = now();
      const entry = live(key, at);
      if (entry === undefined) return 'session-start';
      if (person.minor && at - entry.lastBreakReminderAt >= everyMs) return 'break-reminder';
      if (at - entry.lastDisclosedAt >= everyMs) return 'three-hours';
      return undefined;
    },
    replied(key, said) {
      const at = now();
      // A new session starts the three hours of continued conversation.
      const entry = live(key, at) ?? {
        lastReplyAt: at,
        lastDisclosedAt: -Infinity,
        lastBreakReminderAt: at,
      };
      seen.delete(key);
      seen.set(key, {
        lastReplyAt: at,
        lastDisclosedAt: said.disclosed ? at : entry.lastDisclosedAt,
        lastBreakReminderAt: said.breakReminded ? at : entry.lastBreakReminderAt,
      });
      if (seen.size > maxConversations) seen.delete(seen.keys().next().value ?? '');
    },
    exportPerson(userId) {
      const at = now();
      return [...seen.keys()].flatMap((key) => {
        const entry = key.startsWith(`${userId}|`) ? live(key, at) : undefined;
        if (entry === undefined) return [];
        const { lastReplyAt, lastDisclosedAt, lastBreakReminderAt } = entry;
        return [
          [
            key,
            {
              lastReplyAt,
              lastDisclosedAt: Number.isFinite(lastDisclosedAt) ? lastDisclosedAt : null,
              lastBreakReminderAt,
            },
          ],
        ];
      });
    },
    importPerson(userId, schedule) {
      for (const key of [...seen.keys()]) if (key.startsWith(`${userId}|`)) seen.delete(key);
      for (const [key, times] of schedule) {
        if (!key.startsWith(`${userId}|`)) continue;
        seen.set(key, { ...times, lastDisclosedAt: times.lastDisclosedAt ?? -Infinity });
        if (seen.size > maxConversations) seen.delete(seen.keys().next().value ?? '');
      }
    },
  };
}
