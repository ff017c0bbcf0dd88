import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  Conversation,
  Turn,
  TurnResult,
  TurnSafety,
} from '../../src/conversation/conversation.js';
import { notices, slowDownNotice, waitingCapNotice } from '../../src/conversation/notices.js';
import { createTurnQueue, type TurnQueueOptions } from '../../src/conversation/turn-queue.js';
import type { MemoryUserId } from '../../src/memory/user-id.js';
import { detectCrisis } from '../../src/safety/crisis-detection.js';
import { crisisFallback } from '../../src/safety/crisis-texts.js';
import { RecordingReplyTarget, silentLogger } from '../fakes/core-fakes.js';

interface Call {
  turn: Turn;
  target: RecordingReplyTarget;
  /** What the queue offers to add to the turn (as the conversation asks once the model is free). */
  takeQueued: () => string[];
  /** Ends the turn with `result` (once; later calls do nothing). */
  end(result?: TurnResult): void;
  /** Ends the turn by throwing `error`. */
  fail(error: Error): void;
}

/** A conversation that records each turn and ends it only when the test says. */
class ControlledConversation implements Conversation {
  readonly calls: Call[] = [];
  /** Turns started but not yet ended. */
  running = 0;
  mostRunning = 0;

  respond(
    turn: Turn,
    target: RecordingReplyTarget,
    extras?: { takeQueued?: () => Array<Pick<Turn, 'text' | 'safety'>> },
  ): Promise<TurnResult> {
    this.running++;
    this.mostRunning = Math.max(this.mostRunning, this.running);
    return new Promise<TurnResult>((resolve, reject) => {
      let ended = false;
      const settle = () => {
        if (ended) return false;
        ended = true;
        this.running--;
        return true;
      };
      this.calls.push({
        turn,
        target,
        takeQueued: () => (extras?.takeQueued?.() ?? []).map((queued) => queued.text),
        end: (result = { kind: 'answer', memoriesUsed: 0 }) => {
          if (settle()) resolve(result);
        },
        fail: (error) => {
          if (settle()) reject(error);
        },
      });
    });
  }

  texts(): string[] {
    return this.calls.map((call) => call.turn.text);
  }

  call(index: number): Call {
    const call = this.calls[index];
    if (call === undefined) throw new Error(`no turn ${index} was started`);
    return call;
  }
}

const alice = 'discord:111111111111111111' as MemoryUserId;
const bob = 'discord:222222222222222222' as MemoryUserId;

function turn(text: string, options: { userId?: MemoryUserId; placeId?: string } = {}): Turn {
  const placeId = options.placeId ?? 'dm-1';
  return {
    userId: options.userId ?? alice,
    text,
    placeId,
    origin: { kind: 'dm', channelId: placeId },
  };
}

/** Lets queued promise callbacks run without moving the fake clock. */
async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
}

describe('createTurnQueue', () => {
  let conversation: ControlledConversation;

  function queue(options: Partial<TurnQueueOptions> = {}) {
    return createTurnQueue({
      conversation,
      userTurnsPerMinute: 100,
      mergeWindowMs: 3_000,
      logger: silentLogger,
      ...options,
    });
  }

  beforeEach(() => {
    vi.useFakeTimers();
    conversation = new ControlledConversation();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs one turn of a person at a time, in the order the messages came', async () => {
    const turns = queue({ mergeWindowMs: 0 });

    const resolved: string[] = [];
    const answered = ['one', 'two', 'three'].map((text) => {
      const done = turns.submit(turn(text), new RecordingReplyTarget());
      void done.then(() => resolved.push(text));
      vi.advanceTimersByTime(10);
      return done;
    });
    await settle();
    expect(conversation.texts()).toEqual(['one']);
    conversation.call(0).end();
    await settle();
    // The next turn starts only once the one before has ended.
    expect(conversation.texts()).toEqual(['one', 'two']);
    expect(resolved).toEqual(['one']);
    conversation.call(1).end();
    await settle();
    expect(conversation.texts()).toEqual(['one', 'two', 'three']);
    expect(resolved).toEqual(['one', 'two']);
    conversation.call(2).end();
    await Promise.all(answered);

    expect(resolved).toEqual(['one', 'two', 'three']);
    expect(conversation.mostRunning).toBe(1);
  });

  it('lets messages sent while a turn waits for the model join that turn, answered once', async () => {
    const turns = queue({ mergeWindowMs: 3_000 });
    const firstDone = turns.submit(turn('I had a rough day'), new RecordingReplyTarget());
    await settle();
    vi.advanceTimersByTime(1_000);
    const secondDone = turns.submit(turn('my boss yelled at me'), new RecordingReplyTarget());
    vi.advanceTimersByTime(1_000);
    const elsewhere = turns.submit(
      turn('hi all', { placeId: 'guild-1' }),
      new RecordingReplyTarget(),
    );

    // The model becomes free: the conversation asks for what came meanwhile, in the same place.
    expect(conversation.call(0).takeQueued()).toEqual(['my boss yelled at me']);
    expect(conversation.call(0).takeQueued()).toEqual([]);
    conversation.call(0).end({ kind: 'answer', memoriesUsed: 2 });
    await expect(secondDone).resolves.toEqual({ kind: 'answer', memoriesUsed: 2 });
    await firstDone;
    await settle();

    // Only the message from another place is left for a turn of its own.
    expect(conversation.texts()).toEqual(['I had a rough day', 'hi all']);
    conversation.call(1).end();
    await elsewhere;
  });

  it('answers messages sent together while a turn runs as one turn, through the last message', async () => {
    const turns = queue({ mergeWindowMs: 3_000 });
    const [first, second, third] = [
      new RecordingReplyTarget(),
      new RecordingReplyTarget(),
      new RecordingReplyTarget(),
    ];

    const firstDone = turns.submit(turn('I had a rough day'), first);
    await settle();
    vi.advanceTimersByTime(1_000);
    const secondDone = turns.submit(turn('my boss yelled at me'), second);
    vi.advanceTimersByTime(2_000);
    const thirdDone = turns.submit(turn('and I missed the bus'), third);
    conversation.call(0).end();
    await settle();

    expect(conversation.texts()).toEqual([
      'I had a rough day',
      'my boss yelled at me\nand I missed the bus',
    ]);
    expect(conversation.call(1).target).toBe(third);
    conversation.call(1).end({ kind: 'answer', memoriesUsed: 2 });
    await expect(Promise.all([firstDone, secondDone, thirdDone])).resolves.toEqual([
      { kind: 'answer', memoriesUsed: 0 },
      { kind: 'answer', memoriesUsed: 2 },
      { kind: 'answer', memoriesUsed: 2 },
    ]);
  });

  it('does not merge messages that came further apart than the merge window', async () => {
    const turns = queue({ mergeWindowMs: 3_000 });

    void turns.submit(turn('first'), new RecordingReplyTarget());
    await settle();
    void turns.submit(turn('second'), new RecordingReplyTarget());
    vi.advanceTimersByTime(3_001);
    void turns.submit(turn('third'), new RecordingReplyTarget());
    conversation.call(0).end();
    await settle();
    conversation.call(1).end();
    await settle();

    expect(conversation.texts()).toEqual(['first', 'second', 'third']);
  });

  it('does not merge messages sent in different places', async () => {
    const turns = queue({ mergeWindowMs: 3_000 });

    void turns.submit(turn('first', { placeId: 'dm-1' }), new RecordingReplyTarget());
    await settle();
    void turns.submit(turn('in a DM', { placeId: 'dm-1' }), new RecordingReplyTarget());
    void turns.submit(turn('in a server', { placeId: 'channel-9' }), new RecordingReplyTarget());
    conversation.call(0).end();
    await settle();
    conversation.call(1).end();
    await settle();

    expect(conversation.calls.map((c) => [c.turn.placeId, c.turn.text])).toEqual([
      ['dm-1', 'first'],
      ['dm-1', 'in a DM'],
      ['channel-9', 'in a server'],
    ]);
  });

  it('answers at most maxMergedMessages messages together', async () => {
    const turns = queue({ maxMergedMessages: 2 });

    void turns.submit(turn('first'), new RecordingReplyTarget());
    await settle();
    for (const text of ['a', 'b', 'c']) void turns.submit(turn(text), new RecordingReplyTarget());
    conversation.call(0).end();
    await settle();
    conversation.call(1).end();
    await settle();

    expect(conversation.texts()).toEqual(['first', 'a\nb', 'c']);
  });

  it('runs different people’s turns at the same time', async () => {
    const turns = queue();

    const fromAlice = turns.submit(turn('hi', { userId: alice }), new RecordingReplyTarget());
    const fromBob = turns.submit(turn('hello', { userId: bob }), new RecordingReplyTarget());
    await settle();

    expect(conversation.running).toBe(2);
    expect(turns.activeUsers()).toBe(2);
    conversation.call(1).end();
    await expect(fromBob).resolves.toEqual({ kind: 'answer', memoriesUsed: 0 });
    expect(turns.activeUsers()).toBe(1);
    conversation.call(0).end();
    await fromAlice;
    expect(turns.activeUsers()).toBe(0);
  });

  it('holds a turn beyond the per-minute limit until the minute has passed', async () => {
    const turns = queue({ userTurnsPerMinute: 2, mergeWindowMs: 0 });

    for (const text of ['one', 'two']) {
      void turns.submit(turn(text), new RecordingReplyTarget());
      await settle();
      conversation.calls.at(-1)?.end();
      await settle();
      vi.advanceTimersByTime(1_000);
    }
    const third = turns.submit(turn('three'), new RecordingReplyTarget());
    await vi.advanceTimersByTimeAsync(57_999);
    expect(conversation.texts()).toEqual(['one', 'two']);
    await vi.advanceTimersByTimeAsync(1);
    expect(conversation.texts()).toEqual(['one', 'two', 'three']);
    conversation.call(2).end();
    await third;
  });

  it('tells a person who is over the limit to slow down exactly once', async () => {
    const turns = queue({ userTurnsPerMinute: 1, mergeWindowMs: 10_000 });
    const targets = [1, 2, 3, 4].map(() => new RecordingReplyTarget());

    for (const [index, target] of targets.entries()) {
      void turns.submit(turn(`message ${index}`), target);
      await settle();
      conversation.calls.at(-1)?.end();
      vi.advanceTimersByTime(5_000);
    }
    await vi.advanceTimersByTimeAsync(60_000);
    for (const call of conversation.calls) call.end();
    await vi.advanceTimersByTimeAsync(60_000);

    expect(conversation.texts()).toEqual(['message 0', 'message 1\nmessage 2\nmessage 3']);
    expect(targets.flatMap((target) => target.notices)).toEqual([slowDownNotice(55_000)]);
  });

  it('clears a slow-down notice left on a message that another message’s answer covers', async () => {
    const turns = queue({ userTurnsPerMinute: 1, mergeWindowMs: 10_000 });
    const targets = [1, 2, 3].map(() => new RecordingReplyTarget());
    for (const [index, target] of targets.entries()) {
      void turns.submit(turn(`message ${index}`), target);
      await settle();
      conversation.calls.at(-1)?.end();
      vi.advanceTimersByTime(3_000);
    }
    await vi.advanceTimersByTimeAsync(60_000);
    for (const call of conversation.calls) call.end();
    await vi.advanceTimersByTimeAsync(1_000);

    // The notice went to message 1; the answer to messages 1 and 2 went through message 2.
    expect(targets[1]?.notices).toHaveLength(1);
    expect(targets[1]?.sent).toEqual(['']);
    expect(conversation.call(1).target).toBe(targets[2]);
  });

  it('resolves the promise of every message and answers each message exactly once', async () => {
    const turns = queue({ userTurnsPerMinute: 3, mergeWindowMs: 2_000 });
    const resolutions = new Map<number, number>();
    const submitted: Array<Promise<TurnResult>> = [];
    const plan = [
      { userId: alice, placeId: 'dm-1', afterMs: 0 },
      { userId: alice, placeId: 'dm-1', afterMs: 500 },
      { userId: bob, placeId: 'dm-2', afterMs: 0 },
      { userId: alice, placeId: 'channel-9', afterMs: 100 },
      { userId: alice, placeId: 'channel-9', afterMs: 5_000 },
      { userId: bob, placeId: 'dm-2', afterMs: 1_000 },
      { userId: alice, placeId: 'dm-1', afterMs: 0 },
      { userId: alice, placeId: 'dm-1', afterMs: 0 },
    ];

    for (const [index, step] of plan.entries()) {
      vi.advanceTimersByTime(step.afterMs);
      const done = turns.submit(turn(`message ${index}`, step), new RecordingReplyTarget());
      submitted.push(done);
      void done.then(() => resolutions.set(index, (resolutions.get(index) ?? 0) + 1));
      await settle();
      for (const call of conversation.calls) call.end();
    }
    for (let round = 0; round < 10; round++) {
      await vi.advanceTimersByTimeAsync(10_000);
      for (const call of conversation.calls) call.end();
    }
    await Promise.all(submitted);

    expect([...resolutions.entries()].sort(([a], [b]) => a - b)).toEqual(
      plan.map((_, index) => [index, 1]),
    );
    expect(conversation.texts().join('\n').split('\n').sort()).toEqual(
      plan.map((_, index) => `message ${index}`).sort(),
    );
  });

  it('gives the person the unexpected-error notice when the conversation throws', async () => {
    const turns = queue();
    const target = new RecordingReplyTarget();

    const done = turns.submit(turn('hello'), target);
    await settle();
    conversation.call(0).fail(new Error('boom'));

    await expect(done).resolves.toEqual({ kind: 'notice', memoriesUsed: 0 });
    expect(target.sent).toEqual([notices.unexpected]);
  });

  it('stays with the crisis lines, not "try again", when a crisis turn throws', async () => {
    const turns = queue();
    const target = new RecordingReplyTarget();
    const safety: TurnSafety = {
      crisis: detectCrisis('i want to kill myself tonight'),
      minor: false,
      region: 'US',
      language: 'en',
      crisisLines: { text: 'LINES', region: 'US', delivered: Promise.resolve(true) },
    };

    const done = turns.submit({ ...turn('i want to kill myself tonight'), safety }, target);
    await settle();
    conversation.call(0).fail(new Error('boom'));

    await expect(done).resolves.toEqual({ kind: 'notice', memoriesUsed: 0 });
    expect(target.sent).toEqual([crisisFallback('en')]);
  });

  it('answers a batch in crisis mode when any of its messages is a crisis', async () => {
    const turns = queue();
    const crisis: TurnSafety = {
      crisis: detectCrisis('i want to kill myself tonight'),
      minor: false,
      region: 'US',
      language: 'en',
    };
    void turns.submit(turn('first'), new RecordingReplyTarget());
    await settle();
    void turns.submit(turn('hey'), new RecordingReplyTarget());
    void turns.submit(
      { ...turn('i want to kill myself tonight'), safety: crisis },
      new RecordingReplyTarget(),
    );
    conversation.call(0).end();
    await settle();

    expect(conversation.call(1).turn.safety).toBe(crisis);
  });

  it('merges messages beyond the waiting cap into the newest one, with one notice, losing none', async () => {
    // Far apart, so that only the cap merges them.
    const turns = queue({ mergeWindowMs: 0, maxWaitingMessages: 2 });
    const targets = [0, 1, 2, 3, 4, 5].map(() => new RecordingReplyTarget());
    const done: Array<Promise<TurnResult>> = [];
    for (const [index, target] of targets.entries()) {
      done.push(turns.submit(turn(`message ${index}`), target));
      await settle();
      vi.advanceTimersByTime(10);
    }
    for (let i = 0; i < 3; i++) {
      conversation.calls.at(-1)?.end();
      await settle();
    }

    await Promise.all(done);
    expect(conversation.texts()).toEqual([
      'message 0',
      'message 1',
      'message 2\nmessage 3\nmessage 4\nmessage 5',
    ]);
    // Told once, on the first message merged; answered through the newest, the notice cleared.
    expect(targets.map((target) => target.notices)).toEqual([
      [],
      [],
      [],
      [waitingCapNotice],
      [],
      [],
    ]);
    expect(conversation.call(2).target).toBe(targets[5]);
    expect(targets[3]?.sent).toEqual(['']);
  });

  it('never merges a message beyond the cap into one from another place', async () => {
    const turns = queue({ mergeWindowMs: 0, maxWaitingMessages: 1 });
    void turns.submit(turn('first', { placeId: 'dm-1' }), new RecordingReplyTarget());
    await settle();
    void turns.submit(turn('in a DM', { placeId: 'dm-1' }), new RecordingReplyTarget());
    vi.advanceTimersByTime(10);
    void turns.submit(turn('in a server', { placeId: 'channel-9' }), new RecordingReplyTarget());
    vi.advanceTimersByTime(10);
    void turns.submit(
      turn('in a server again', { placeId: 'channel-9' }),
      new RecordingReplyTarget(),
    );
    for (let i = 0; i < 3; i++) {
      conversation.calls.at(-1)?.end();
      await settle();
    }

    expect(conversation.texts()).toEqual(['first', 'in a DM', 'in a server\nin a server again']);
  });

  it('keeps answering a person after one of their turns failed', async () => {
    const turns = queue({ mergeWindowMs: 0 });

    void turns.submit(turn('first'), new RecordingReplyTarget());
    await settle();
    vi.advanceTimersByTime(10);
    const second = turns.submit(turn('second'), new RecordingReplyTarget());
    conversation.call(0).fail(new Error('boom'));
    await settle();
    conversation.call(1).end();

    await expect(second).resolves.toEqual({ kind: 'answer', memoriesUsed: 0 });
  });
});
