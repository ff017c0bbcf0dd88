import { describe, expect, it } from 'vitest';
import {
  createConversationHistory,
  type HistoryOptions,
  historyKey,
} from '../../src/conversation/history.js';
import type { MemoryUserId } from '../../src/memory/user-id.js';

const alice = 'discord:111111111111111111' as MemoryUserId;
const bob = 'discord:222222222222222222' as MemoryUserId;
const aliceInDm = historyKey({ userId: alice, placeId: 'dm-1' });
const aliceInServer = historyKey({ userId: alice, placeId: 'channel-9' });
const bobInDm = historyKey({ userId: bob, placeId: 'dm-2' });

/** A history on a clock the test moves. */
function historyAt(options: Partial<HistoryOptions> = {}) {
  const clock = { nowMs: 0 };
  const history = createConversationHistory({
    maxTurns: 10,
    maxChars: 10_000,
    idleExpiryMs: 60_000,
    maxConversations: 100,
    now: () => clock.nowMs,
    ...options,
  });
  return { history, clock };
}

describe('createConversationHistory', () => {
  it('has no messages for a conversation it has not seen', () => {
    const { history } = historyAt();

    expect(history.recent(aliceInDm)).toEqual([]);
  });

  it('gives back recorded exchanges oldest first, as user and model messages', () => {
    const { history } = historyAt();

    history.record(aliceInDm, 'hi', 'hello!');
    history.record(aliceInDm, 'how are you?', 'well, thanks');

    expect(history.recent(aliceInDm)).toEqual([
      { role: 'user', text: 'hi' },
      { role: 'model', text: 'hello!' },
      { role: 'user', text: 'how are you?' },
      { role: 'model', text: 'well, thanks' },
    ]);
  });

  it('keeps at most maxTurns exchanges, dropping the oldest down to half at once', () => {
    const { history } = historyAt({ maxTurns: 4 });
    const questions = () =>
      history
        .recent(aliceInDm)
        .filter((m) => m.role === 'user')
        .map((m) => m.text);

    const seen: string[][] = [];
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) {
      history.record(aliceInDm, `q${n}`, `a${n}`);
      seen.push(questions());
    }

    expect(seen).toEqual([
      ['q1'],
      ['q1', 'q2'],
      ['q1', 'q2', 'q3'],
      ['q1', 'q2', 'q3', 'q4'],
      ['q4', 'q5'],
      ['q4', 'q5', 'q6'],
      ['q4', 'q5', 'q6', 'q7'],
      ['q7', 'q8'],
    ]);
  });

  it('starts the history the same from one turn to the next between two steps (a stable prompt prefix)', () => {
    const { history } = historyAt({ maxTurns: 12 });
    for (let n = 0; n < 13; n++) history.record(aliceInDm, `question ${n}`, `answer ${n}`);
    const before = history.recent(aliceInDm);

    history.record(aliceInDm, 'question 13', 'answer 13');

    expect(history.recent(aliceInDm).slice(0, before.length)).toEqual(before);
  });

  it('leaves out the oldest exchanges that do not fit the character budget', () => {
    const { history } = historyAt({ maxChars: 25 });

    // Each exchange is 10 characters: the third goes over 25, and the oldest go down to 12.5.
    for (const n of [1, 2, 3]) history.record(aliceInDm, `user${n}`, `mdl_${n}`);

    expect(history.recent(aliceInDm).map((m) => m.text)).toEqual(['user3', 'mdl_3']);
  });

  it('never sends half an exchange to fit the character budget', () => {
    const { history } = historyAt({ maxChars: 15 });

    history.record(aliceInDm, 'user1', 'mdl_1');
    history.record(aliceInDm, 'user2', 'mdl_2');

    expect(history.recent(aliceInDm)).toEqual([
      { role: 'user', text: 'user2' },
      { role: 'model', text: 'mdl_2' },
    ]);
  });

  it('sends no history when the newest exchange alone is over the character budget', () => {
    const { history } = historyAt({ maxChars: 15 });

    history.record(aliceInDm, 'short', 'reply');
    history.record(aliceInDm, 'a much longer question', 'and its answer');

    expect(history.recent(aliceInDm)).toEqual([]);
  });

  it('records nothing when history is turned off with maxTurns 0', () => {
    const { history } = historyAt({ maxTurns: 0 });

    history.record(aliceInDm, 'hi', 'hello!');

    expect(history.recent(aliceInDm)).toEqual([]);
    expect(history.size()).toBe(0);
  });

  it('keeps the conversations of different people and places apart', () => {
    const { history } = historyAt();

    history.record(aliceInDm, 'my secret', 'safe with me');
    history.record(aliceInServer, 'hello server', 'hi there');
    history.record(bobInDm, 'bob here', 'hi bob');

    expect(history.recent(aliceInServer).map((m) => m.text)).toEqual(['hello server', 'hi there']);
    expect(history.recent(bobInDm).map((m) => m.text)).toEqual(['bob here', 'hi bob']);
  });

  it('keeps a conversation idle for exactly idleExpiryMs', () => {
    const { history, clock } = historyAt({ idleExpiryMs: 60_000 });

    history.record(aliceInDm, 'hi', 'hello!');
    clock.nowMs += 60_000;

    expect(history.recent(aliceInDm)).toHaveLength(2);
  });

  it('forgets a conversation idle for longer than idleExpiryMs', () => {
    const { history, clock } = historyAt({ idleExpiryMs: 60_000 });

    history.record(aliceInDm, 'hi', 'hello!');
    clock.nowMs += 60_001;

    expect(history.recent(aliceInDm)).toEqual([]);
    expect(history.size()).toBe(0);
  });

  it('starts afresh when a person comes back after the conversation expired', () => {
    const { history, clock } = historyAt({ idleExpiryMs: 60_000 });

    history.record(aliceInDm, 'old question', 'old answer');
    clock.nowMs += 120_000;
    history.record(aliceInDm, 'new question', 'new answer');

    expect(history.recent(aliceInDm).map((m) => m.text)).toEqual(['new question', 'new answer']);
  });

  it('measures idleness from the last recorded exchange', () => {
    const { history, clock } = historyAt({ idleExpiryMs: 60_000 });

    history.record(aliceInDm, 'first', 'one');
    clock.nowMs += 50_000;
    history.record(aliceInDm, 'second', 'two');
    clock.nowMs += 50_000;

    expect(history.recent(aliceInDm)).toHaveLength(4);
  });

  it('drops the least recently used conversation beyond maxConversations', () => {
    const { history } = historyAt({ maxConversations: 2 });

    history.record(aliceInDm, 'a', 'a');
    history.record(aliceInServer, 'b', 'b');
    history.record(aliceInDm, 'a again', 'a again');
    history.record(bobInDm, 'c', 'c');

    expect(history.size()).toBe(2);
    expect(history.recent(aliceInServer)).toEqual([]);
    expect(history.recent(aliceInDm)).toHaveLength(4);
    expect(history.recent(bobInDm)).toHaveLength(2);
  });

  it('forgets every conversation of one person and no one else’s', () => {
    const { history } = historyAt();
    const similarId = 'discord:1111111111111111119' as MemoryUserId;
    const similarKey = historyKey({ userId: similarId, placeId: 'dm-3' });

    history.record(aliceInDm, 'hi', 'hello');
    history.record(aliceInServer, 'hi', 'hello');
    history.record(bobInDm, 'hi', 'hello');
    history.record(similarKey, 'hi', 'hello');
    history.forgetPerson(alice);

    expect(history.recent(aliceInDm)).toEqual([]);
    expect(history.recent(aliceInServer)).toEqual([]);
    expect(history.recent(bobInDm)).toHaveLength(2);
    expect(history.recent(similarKey)).toHaveLength(2);
    expect(history.size()).toBe(2);
  });
});
