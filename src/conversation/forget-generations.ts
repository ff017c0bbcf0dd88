import type { MemoryUserId } from '../memory/user-id.js';

/**
 * Per-person generations that `/forget` moves on: a turn records history and writes memory only
 * if its person's generation is still the one it began in, so a turn queued or in flight when
 * the person asked to be forgotten leaves nothing behind.
 */
export interface ForgetGenerations {
  /** The person's generation now; a turn keeps the one it was submitted in. */
  current(userId: MemoryUserId): number;
  /** Starts a new generation for the person (they asked to be forgotten). */
  advance(userId: MemoryUserId): void;
}

/**
 * Generations in memory, for at most `maxPeople` people who asked to be forgotten (oldest
 * dropped first). Generations come from one counter, so a dropped person's turns in flight
 * (generation ≠ 0) still never match a later one.
 */
export function createForgetGenerations(maxPeople = 100_000): ForgetGenerations {
  const generations = new Map<MemoryUserId, number>();
  let counter = 0;
  return {
    current: (userId) => generations.get(userId) ?? 0,
    advance(userId) {
      generations.delete(userId);
      generations.set(userId, ++counter);
      const oldest = generations.keys().next().value;
      if (generations.size > maxPeople && oldest !== undefined) generations.delete(oldest);
    },
  };
}
