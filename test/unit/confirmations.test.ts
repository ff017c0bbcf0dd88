import { describe, expect, it } from 'vitest';
import { createConfirmations } from '../../src/discord/confirmations.js';

const alice = '200000000000000001';
const mallory = '200000000000000066';

describe('confirmations', () => {
  it('gives back a value once, to its owner', () => {
    const confirmations = createConfirmations();
    const key = confirmations.remember(alice, ['memory 1']);

    expect(confirmations.take(alice, key)).toEqual(['memory 1']);
    expect(confirmations.take(alice, key)).toBeUndefined();
  });

  it('refuses someone else, and leaves the value for its owner', () => {
    const confirmations = createConfirmations();
    const key = confirmations.remember(alice, ['memory 1']);

    expect(confirmations.take(mallory, key)).toBeUndefined();
    expect(confirmations.take(alice, key)).toEqual(['memory 1']);
  });

  it('makes keys that cannot be guessed from the time or from each other', () => {
    let now = 1_000;
    const confirmations = createConfirmations({ now: () => now });
    const keys = Array.from({ length: 50 }, () => confirmations.remember(alice, 'x'));
    now += 1;

    expect(new Set(keys).size).toBe(50);
    for (const key of keys) expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // Consecutive keys share no long common prefix, as a time or counter would give.
    const prefixes = keys.slice(1).map((key, i) => {
      let n = 0;
      while (n < key.length && key[n] === keys[i]?.[n]) n++;
      return n;
    });
    expect(Math.max(...prefixes)).toBeLessThan(6);
  });

  it('keeps at most a few values per person, dropping their oldest first', () => {
    const confirmations = createConfirmations({ maxPerOwner: 2 });
    const first = confirmations.remember(alice, 1);
    const second = confirmations.remember(alice, 2);
    const third = confirmations.remember(alice, 3);
    const others = confirmations.remember(mallory, 'theirs');

    expect(confirmations.take(alice, first)).toBeUndefined();
    expect(confirmations.take(alice, second)).toBe(2);
    expect(confirmations.take(alice, third)).toBe(3);
    expect(confirmations.take(mallory, others)).toBe('theirs');
  });

  it('forgets a value once its time is up', () => {
    let now = 0;
    const confirmations = createConfirmations({ ttlMs: 1_000, now: () => now });
    const key = confirmations.remember(alice, 'x');
    now = 1_000;

    expect(confirmations.take(alice, key)).toBeUndefined();
  });

  it('is bounded in all, dropping the oldest first', () => {
    const confirmations = createConfirmations({ maxEntries: 3 });
    const keys = ['a', 'b', 'c', 'd'].map((owner) => confirmations.remember(owner, owner));

    expect(confirmations.take('a', keys[0] ?? '')).toBeUndefined();
    expect(confirmations.take('d', keys[3] ?? '')).toBe('d');
  });
});
