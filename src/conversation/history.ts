import type { ChatMessage } from '../llm/chat-model.js';

/** Limits of the short-term history kept per conversation. */
export interface HistoryOptions {
  /** Most earlier exchanges sent to the model (0 turns history off). */
  maxTurns: number;
  /**
   * Most characters of earlier messages sent to the model. Past either bound the oldest go, down
   * to half of both at once, so that the history starts the same for several turns in a row.
   */
  maxChars: number;
  /** A conversation idle this long is forgotten. */
  idleExpiryMs: number;
  /** Most conversations kept at once; the least recently used go first. */
  maxConversations: number;
  now?: () => number;
}

/** Recent exchanges of each conversation, bounded in turns, characters, age and number. */
export interface ConversationHistory {
  /** The recent messages of one conversation, oldest first, within the budget. */
  recent(key: string): ChatMessage[];
  /** Records one exchange of a conversation. */
  record(key: string, userText: string, modelText: string): void;
  /** Forgets every conversation of one person, in every place. */
  forgetPerson(userId: string): void;
  /** How many conversations are held. */
  size(): number;
  /** The person's conversations (every place), to carry to another process. */
  exportPerson(userId: string): PersonHistory;
  /** Replaces the person's conversations with ones exported elsewhere. */
  importPerson(userId: string, conversations: PersonHistory): void;
}

/** One person's conversations, by history key, as {@link ConversationHistory.exportPerson} gives them. */
export type PersonHistory = Array<
  [key: string, entry: { lastUsed: number; messages: ChatMessage[] }]
>;

/** The key of one person's conversation in one place, so that two people's histories never mix. */
export function historyKey(conversation: { userId: string; placeId: string }): string {
  return `${conversation.userId}|${conversation.placeId}`;
}

const charsOf = (messages: readonly ChatMessage[]) =>
  messages.reduce((sum, message) => sum + message.text.length, 0);

/**
 * Past the turn or character budget, drops the oldest exchanges down to half of both (keeping
 * the newest exchange). Dropping one per turn instead would change the start of the history on
 * every turn, and with it the prompt prefix that Gemini caches (a cached prefix is cheaper and
 * answers sooner); in steps, consecutive prompts share it until the next step.
 */
function dropInSteps(
  messages: ChatMessage[],
  budget: { maxTurns: number; maxChars: number },
): void {
  if (messages.length <= budget.maxTurns * 2 && charsOf(messages) <= budget.maxChars) return;
  const keepTurns = Math.max(1, Math.floor(budget.maxTurns / 2));
  while (
    messages.length > 2 &&
    (messages.length > keepTurns * 2 || charsOf(messages) > budget.maxChars / 2)
  ) {
    messages.splice(0, 2);
  }
}

/** An in-memory ConversationHistory; keys name a person and a place, so that histories never mix. */
export function createConversationHistory(options: HistoryOptions): ConversationHistory {
  const now = options.now ?? Date.now;
  const conversations = new Map<string, { lastUsed: number; messages: ChatMessage[] }>();

  function live(key: string) {
    const entry = conversations.get(key);
    if (entry === undefined) return undefined;
    if (now() - entry.lastUsed > options.idleExpiryMs) {
      conversations.delete(key);
      return undefined;
    }
    return entry;
  }

  return {
    recent(key) {
      const messages = live(key)?.messages ?? [];
      const picked: ChatMessage[] = [];
      let chars = 0;
      // Walk back from the newest exchange, keeping whole exchanges within the budget.
      for (let i = messages.length - 2; i >= 0 && picked.length / 2 < options.maxTurns; i -= 2) {
        const user = messages[i];
        const model = messages[i + 1];
        if (!user || !model) break;
        chars += user.text.length + model.text.length;
        if (chars > options.maxChars) break;
        picked.unshift(user, model);
      }
      return picked;
    },
    record(key, userText, modelText) {
      if (options.maxTurns === 0) return;
      const entry = live(key) ?? { lastUsed: now(), messages: [] };
      conversations.delete(key); // re-insert: Map order is the LRU order
      entry.lastUsed = now();
      entry.messages.push({ role: 'user', text: userText }, { role: 'model', text: modelText });
      dropInSteps(entry.messages, options);
      conversations.set(key, entry);
      while (conversations.size > options.maxConversations) {
        const oldest = conversations.keys().next().value;
        if (oldest === undefined) break;
        conversations.delete(oldest);
      }
    },
    forgetPerson(userId) {
      const prefix = `${userId}|`;
      for (const key of [...conversations.keys()])
        if (key.startsWith(prefix)) conversations.delete(key);
    },
    size: () => conversations.size,
    exportPerson(userId) {
      const prefix = `${userId}|`;
      return [...conversations.keys()].flatMap((key) => {
        const entry = key.startsWith(prefix) ? live(key) : undefined;
        return entry === undefined ? [] : [[key, structuredClone(entry)]];
      });
    },
    importPerson(userId, imported) {
      this.forgetPerson(userId);
      const prefix = `${userId}|`;
      for (const [key, entry] of imported) {
        // Only the person's own conversations, whatever the snapshot says.
        if (!key.startsWith(prefix) || now() - entry.lastUsed > options.idleExpiryMs) continue;
        conversations.set(key, structuredClone(entry));
      }
      while (conversations.size > options.maxConversations) {
        const oldest = conversations.keys().next().value;
        if (oldest === undefined) break;
        conversations.delete(oldest);
      }
    },
  };
}
