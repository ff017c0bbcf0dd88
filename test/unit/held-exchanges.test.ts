import { afterEach, describe, expect, it } from 'vitest';
import type { MemoryWriteJob } from '../../src/memory/memory-store.js';
import { memoryUserIdForDiscord } from '../../src/memory/user-id.js';
import { createHeldExchanges, type HeldExchanges } from '../../src/safety/held-exchanges.js';

const alice = memoryUserIdForDiscord('200000000000000001');
const bob = memoryUserIdForDiscord('200000000000000002');
const hourMs = 60 * 60_000;

function exchange(userId = alice, said = 'i want to kill myself tonight'): MemoryWriteJob {
  return {
    userId,
    messages: [
      { role: 'user', content: said },
      { role: 'assistant', content: 'I am here.' },
    ],
    origin: { kind: 'dm', channelId: '900000000000000001' },
  };
}

const opened: HeldExchanges[] = [];
afterEach(() => {
  for (const held of opened.splice(0)) held.close();
});

function setup(options: { maxConversations?: number } = {}) {
  let now = 0;
  const held = createHeldExchanges({ sessionIdleMs: hourMs, now: () => now, ...options });
  opened.push(held);
  return { held, advance: (ms: number) => (now += ms) };
}

describe('held crisis exchanges', () => {
  it('gives back what was held only to its person, once', () => {
    const { held } = setup();
    const key = held.hold(`${alice}|dm`, exchange());
    expect(held.release(bob, key)).toBeUndefined();
    expect(held.release(alice, key)?.messages[0]?.content).toBe('i want to kill myself tonight');
    expect(held.release(alice, key)).toBeUndefined();
  });

  it('keeps a conversation in crisis while it goes on, and not after an idle session', () => {
    const { held, advance } = setup();
    const key = held.hold(`${alice}|dm`, exchange());
    advance(hourMs - 1);
    expect(held.inCrisis(`${alice}|dm`)).toBe(true);
    expect(held.hold(`${alice}|dm`, exchange(alice, 'still here'))).toBe(key);
    advance(hourMs);
    expect(held.inCrisis(`${alice}|dm`)).toBe(false);
    expect(held.hold(`${alice}|dm`, exchange(alice, 'a new day'))).not.toBe(key);
  });

  it('gives nothing back after a day', () => {
    const { held, advance } = setup();
    const key = held.hold(`${alice}|dm`, exchange());
    advance(24 * hourMs);
    expect(held.release(alice, key)).toBeUndefined();
  });

  it("drops a person's held exchanges when they ask to be forgotten, and nobody else's", () => {
    const { held } = setup();
    const aliceKey = held.hold(`${alice}|dm`, exchange());
    const bobKey = held.hold(`${bob}|dm`, exchange(bob));
    held.forget(alice);
    expect(held.release(alice, aliceKey)).toBeUndefined();
    expect(held.release(bob, bobKey)).toBeDefined();
  });

  it('holds at most so many conversations, dropping the oldest first', () => {
    const { held } = setup({ maxConversations: 2 });
    const first = held.hold(`${alice}|a`, exchange());
    const second = held.hold(`${alice}|b`, exchange());
    const third = held.hold(`${alice}|c`, exchange());
    expect(held.release(alice, first)).toBeUndefined();
    expect(held.release(alice, second)).toBeDefined();
    expect(held.release(alice, third)).toBeDefined();
  });
});
