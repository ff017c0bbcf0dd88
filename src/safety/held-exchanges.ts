import { randomBytes } from 'node:crypto';
import type { MemoryWriteJob } from '../memory/memory-store.js';
import type { MemoryUserId } from '../memory/user-id.js';

/**
 * Crisis conversations held back from long-term memory until their person agrees. Every exchange
 * of a conversation in crisis (the one where a crisis was detected, and those after it in the same
 * session, which often restate it in words no rule catches) waits under one consent key.
 */
export interface HeldExchanges {
  /**
   * Holds one exchange of conversation `conversationKey`; returns the consent key for its button
   * (the same for the whole session, while it is held).
   */
  hold(conversationKey: string, job: MemoryWriteJob): string;
  /** Whether `conversationKey` has exchanges held from a session still going on. */
  inCrisis(conversationKey: string): boolean;
  /** Takes back, once, what `userId` agreed to keep under `key`; undefined when gone or someone else's. */
  release(userId: MemoryUserId, key: string): MemoryWriteJob | undefined;
  /** Drops everything held for `userId` (for /forget). */
  forget(userId: MemoryUserId): void;
  /** Stops the sweeper. */
  close(): void;
}

/** Limits of {@link createHeldExchanges}. */
export interface HeldExchangesOptions {
  /** Quiet after which a conversation's crisis session is over (HISTORY_IDLE_MINUTES). */
  sessionIdleMs: number;
  /** How long held exchanges wait for consent, in this process's memory only (default 24 h). */
  keepMs?: number;
  /** Most conversations held at once; the oldest go first (default 10,000). */
  maxConversations?: number;
  /** Most messages held for one conversation; the oldest exchanges go first (default 40). */
  maxMessagesPerConversation?: number;
  now?: () => number;
}

interface Held {
  userId: MemoryUserId;
  key: string;
  job: MemoryWriteJob;
  heldAt: number;
  lastAt: number;
}

/** HeldExchanges in memory (never on disk), swept every minute so that nothing outlives `keepMs`. */
export function createHeldExchanges(options: HeldExchangesOptions): HeldExchanges {
  const now = options.now ?? Date.now;
  const keepMs = options.keepMs ?? 24 * 60 * 60_000;
  const maxConversations = options.maxConversations ?? 10_000;
  const maxMessages = options.maxMessagesPerConversation ?? 40;
  // By conversation key; insertion order is the order of the first exchange held.
  const held = new Map<string, Held>();

  function sweep(): void {
    for (const [conversation, entry] of held) {
      if (now() - entry.heldAt >= keepMs) held.delete(conversation);
    }
  }
  // Started with the first exchange held.
  let sweeper: NodeJS.Timeout | undefined;

  return {
    hold(conversationKey, job) {
      if (sweeper === undefined) {
        sweeper = setInterval(sweep, 60_000);
        sweeper.unref();
      }
      sweep();
      const at = now();
      const current = held.get(conversationKey);
      if (current !== undefined && at - current.lastAt < options.sessionIdleMs) {
        current.job = {
          ...current.job,
          messages: [...current.job.messages, ...job.messages].slice(-maxMessages),
        };
        current.lastAt = at;
        return current.key;
      }
      held.delete(conversationKey);
      while (held.size >= maxConversations) held.delete(held.keys().next().value ?? '');
      const key = randomBytes(16).toString('base64url');
      held.set(conversationKey, { userId: job.userId, key, job, heldAt: at, lastAt: at });
      return key;
    },
    inCrisis(conversationKey) {
      const entry = held.get(conversationKey);
      return (
        entry !== undefined &&
        now() - entry.lastAt < options.sessionIdleMs &&
        now() - entry.heldAt < keepMs
      );
    },
    release(userId, key) {
      sweep();
      for (const [conversation, entry] of held) {
        if (entry.key !== key) continue;
        if (entry.userId !== userId) return undefined;
        held.delete(conversation);
        return entry.job;
      }
      return undefined;
    },
    forget(userId) {
      for (const [conversation, entry] of held) {
        if (entry.userId === userId) held.delete(conversation);
      }
    },
    close: () => clearInterval(sweeper),
  };
}
