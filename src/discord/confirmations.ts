import { randomBytes } from 'node:crypto';

/** Values kept briefly for a person's confirmation buttons (what a `/forget topic` would delete). */
export interface Confirmations {
  /** Keeps `value` for `ownerId`; returns an unguessable key to put in a button. */
  remember(ownerId: string, value: unknown): string;
  /** Takes back, once, a value kept for `ownerId`; undefined when expired, unknown or someone else's. */
  take(ownerId: string, key: string): unknown;
  /** The owner's values still usable, to carry to another process (see src/scale/worker-app.ts). */
  exportOwner(ownerId: string): ConfirmationEntries;
  /** Replaces the owner's values with ones exported elsewhere. */
  importOwner(ownerId: string, entries: ConfirmationEntries): void;
}

/** One owner's kept values: key, value (JSON) and when it was kept (ms since the epoch). */
export type ConfirmationEntries = Array<[key: string, value: unknown, at: number]>;

/** Limits of {@link createConfirmations}. */
export interface ConfirmationsOptions {
  /** Most values kept for one person; their oldest is dropped first (default 5). */
  maxPerOwner?: number;
  /** Most values kept in all; the oldest is dropped first (default 10,000). */
  maxEntries?: number;
  /** How long a value stays usable, like the interaction token of the reply it sits on (15 min). */
  ttlMs?: number;
  now?: () => number;
}

/**
 * Confirmations in memory, keyed by 128 random bits and bound to their owner: a crafted button
 * press can neither guess a key nor use (or use up) someone else's.
 */
export function createConfirmations(options: ConfirmationsOptions = {}): Confirmations {
  const maxPerOwner = options.maxPerOwner ?? 5;
  const maxEntries = options.maxEntries ?? 10_000;
  const ttlMs = options.ttlMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  // Insertion order is age order: the first entries are the oldest.
  const entries = new Map<string, { ownerId: string; value: unknown; at: number }>();

  function dropExpired(): void {
    for (const [key, entry] of entries) {
      if (now() - entry.at < ttlMs) break;
      entries.delete(key);
    }
  }

  return {
    remember(ownerId, value) {
      dropExpired();
      const own = [...entries].filter(([, entry]) => entry.ownerId === ownerId);
      for (const [key] of own.slice(0, Math.max(0, own.length - maxPerOwner + 1))) {
        entries.delete(key);
      }
      while (entries.size >= maxEntries) entries.delete(entries.keys().next().value ?? '');
      const key = randomBytes(16).toString('base64url');
      entries.set(key, { ownerId, value, at: now() });
      return key;
    },
    take(ownerId, key) {
      const entry = entries.get(key);
      if (entry === undefined || entry.ownerId !== ownerId) return undefined;
      entries.delete(key);
      return now() - entry.at < ttlMs ? entry.value : undefined;
    },
    exportOwner(ownerId) {
      dropExpired();
      return [...entries].flatMap(([key, entry]) =>
        entry.ownerId === ownerId ? [[key, entry.value, entry.at] as const] : [],
      );
    },
    importOwner(ownerId, imported) {
      for (const [key, entry] of [...entries]) if (entry.ownerId === ownerId) entries.delete(key);
      // Oldest first, so that insertion order stays age order.
      const fresh = imported
        .filter(([, , at]) => now() - at < ttlMs)
        .sort((a, b) => a[2] - b[2])
        .slice(-maxPerOwner);
      for (const [key, value, at] of fresh) {
        // Never over someone else's value, whatever the snapshot holds.
        const current = entries.get(key);
        if (current !== undefined && current.ownerId !== ownerId) continue;
        entries.set(key, { ownerId, value, at });
      }
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value ?? '');
    },
  };
}
