import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type ConversationOptions,
  type ConversationSafety,
  createConversation,
} from '../../src/conversation/conversation.js';
import { createConversationHistory } from '../../src/conversation/history.js';
import { createForgetGenerations } from '../../src/conversation/forget-generations.js';
import { notices, waitingNotice } from '../../src/conversation/notices.js';
import { ChatModelError } from '../../src/llm/chat-model.js';
import { memoryUserIdForDiscord } from '../../src/memory/user-id.js';
import { defaultCrisisResources } from '../../src/safety/builtin-crisis-lines.js';
import type { ReferralTrigger } from '../../src/safety/referral-counts.js';
import type { TurnSafety } from '../../src/conversation/conversation.js';
import { detectCrisis } from '../../src/safety/crisis-detection.js';
import { createDisclosureSchedule } from '../../src/safety/disclosure.js';
import { createHeldExchanges } from '../../src/safety/held-exchanges.js';
import {
  aiDisclosure,
  crisisFallback,
  crisisModePersona,
  minorBreakReminder,
} from '../../src/safety/crisis-texts.js';
import {
  RecordingMemoryStore,
  RecordingReplyTarget,
  ScriptedChatModel,
  silentLogger,
} from '../fakes/core-fakes.js';

const alice = memoryUserIdForDiscord('111111111111111111');
const bob = memoryUserIdForDiscord('222222222222222222');
const dm = { kind: 'dm' as const, channelId: '900000000000000001' };
const placeId = dm.channelId;

// Most tests here are about other things than the AI notice: it is never due unless a test says.
/** What the core's crisis screen would have found for `text`; the lines were delivered unless told. */
function safetyOf(
  text: string,
  region: string | undefined,
  extra: { minor?: boolean; delivered?: boolean } = {},
): TurnSafety {
  const crisis = detectCrisis(text);
  return {
    crisis,
    minor: extra.minor ?? false,
    region,
    language: 'en',
    ...(crisis.isCrisis
      ? {
          crisisLines: {
            text: 'LINES',
            region,
            delivered: Promise.resolve(extra.delivered ?? true),
          },
        }
      : {}),
  };
}

const neverDue: ConversationSafety['disclosure'] = { due: () => undefined, replied: () => {} };

function setup(
  extra: {
    maxAnswerChars?: number;
    disclosure?: ConversationSafety['disclosure'];
    firstContactNote?: string;
    /** Where the core's memory writes go; straight to the fake store unless given. */
    remember?: ConversationOptions['remember'];
  } = {},
) {
  const memory = new RecordingMemoryStore();
  const model = new ScriptedChatModel();
  const generations = createForgetGenerations();
  const held = createHeldExchanges({ sessionIdleMs: 60 * 60_000 });
  const referrals: Array<{ region: string | undefined; trigger: ReferralTrigger }> = [];
  const { disclosure = neverDue, remember, ...rest } = extra;
  const conversation = createConversation({
    ...rest,
    safety: {
      resources: defaultCrisisResources,
      disclosure,
      held,
      referrals: { count: (region, trigger) => void referrals.push({ region, trigger }) },
    },
    generations,
    history: createConversationHistory({
      maxTurns: 6,
      maxChars: 4000,
      idleExpiryMs: 60_000,
      maxConversations: 100,
    }),
    memory,
    model,
    persona: 'You are kind.',
    maxMemoriesPerPrompt: 5,
    memorySearchTimeoutMs: 200,
    // The core queues writes; here they go straight to the fake store.
    remember: remember ?? ((job) => void memory.add(job.userId, job.messages, job.origin)),
    logger: silentLogger,
  });
  return {
    memory,
    model,
    conversation,
    generations,
    held,
    referrals,
    target: new RecordingReplyTarget(),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('conversation', () => {
  it('answers with the model text, recalling only the author’s memories', async () => {
    const { memory, model, conversation, target } = setup();
    memory.stored.set(alice, ['Alice has a cat named Miso']);
    memory.stored.set(bob, ['Bob has a cat named Rex']);
    model.answer({ kind: 'answer', text: 'How is Miso?', truncated: false });

    const result = await conversation.respond(
      { userId: alice, text: 'my cat is sick', origin: dm, placeId },
      target,
    );

    expect(result).toEqual({ kind: 'answer', memoriesUsed: 1 });
    expect(target.sent).toEqual(['How is Miso?']);
    expect(memory.searches).toEqual([{ userId: alice, query: 'my cat is sick', origin: dm }]);
    expect(JSON.stringify(model.requests[0]?.messages)).toContain('Alice has a cat named Miso');
    expect(JSON.stringify(model.requests[0])).not.toContain('Rex');
  });

  it('writes the exchange to the author’s memory after replying', async () => {
    const { memory, model, conversation, target } = setup();
    // What the person had been shown when each write was asked for.
    const shownAtWrite: string[][] = [];
    const add = memory.add.bind(memory);
    memory.add = (...args) => {
      shownAtWrite.push([...target.sent]);
      return add(...args);
    };
    model.answer({ kind: 'answer', text: 'Noted.', truncated: false });
    await conversation.respond(
      { userId: alice, text: 'I love hiking', origin: dm, placeId },
      target,
    );
    expect(shownAtWrite).toEqual([['Noted.']]);
    expect(memory.adds).toEqual([
      {
        userId: alice,
        messages: [
          { role: 'user', content: 'I love hiking' },
          { role: 'assistant', content: 'Noted.' },
        ],
        origin: dm,
      },
    ]);
  });

  it('neither records nor remembers an exchange whose person asked to be forgotten while it was written', async () => {
    const { memory, model, conversation, generations } = setup();
    // The person confirms /forget while the answer streams in.
    const target = new (class extends RecordingReplyTarget {
      override update(text: string) {
        super.update(text);
        generations.advance(alice);
      }
    })();
    model.answer(
      { kind: 'answer', text: 'I will keep that in mind.', truncated: false },
      { kind: 'answer', text: 'Hello again.', truncated: false },
    );
    const turn = { userId: alice, origin: dm, placeId };
    await conversation.respond(
      { ...turn, text: 'my secret is X', generation: generations.current(alice) },
      target,
    );

    expect(target.sent).toEqual(['I will keep that in mind.']);
    expect(memory.adds).toEqual([]);
    await conversation.respond(
      { ...turn, text: 'hi', generation: generations.current(alice) },
      new RecordingReplyTarget(),
    );
    expect(JSON.stringify(model.requests[1]?.messages)).not.toContain('my secret is X');
  });

  it('does not remember a turn that was waiting in line when its person asked to be forgotten', async () => {
    const { memory, model, conversation, generations, target } = setup();
    const generation = generations.current(alice);
    generations.advance(alice);
    model.answer({ kind: 'answer', text: 'Okay.', truncated: false });

    await conversation.respond(
      { userId: alice, text: 'remember this', origin: dm, placeId, generation },
      target,
    );

    expect(target.sent).toEqual(['Okay.']);
    expect(memory.adds).toEqual([]);
  });

  it('remembers the turns that come after /forget', async () => {
    const { memory, model, conversation, generations, target } = setup();
    generations.advance(alice);
    model.answer({ kind: 'answer', text: 'Noted.', truncated: false });

    await conversation.respond(
      {
        userId: alice,
        text: 'a fresh start',
        origin: dm,
        placeId,
        generation: generations.current(alice),
      },
      target,
    );

    expect(memory.adds).toHaveLength(1);
  });

  it('cuts an answer longer than a few messages at a word, and says so', async () => {
    const { model, conversation, target } = setup({ maxAnswerChars: 100 });
    model.answer({ kind: 'answer', text: 'word '.repeat(200), truncated: false });

    await conversation.respond({ userId: alice, text: 'talk a lot', origin: dm, placeId }, target);

    const [sent] = target.sent;
    expect(sent?.endsWith(notices.truncatedSuffix)).toBe(true);
    expect(sent?.slice(0, -notices.truncatedSuffix.length)).toBe('word '.repeat(20).trimEnd());
    expect(target.updates.every((update) => update.length <= 100)).toBe(true);
  });

  it('answers and remembers messages that arrived while it waited for the model, with the first', async () => {
    const { memory, model, conversation, target } = setup();
    model.answer({ kind: 'answer', text: 'That is a lot at once.', truncated: false });

    await conversation.respond(
      { userId: alice, text: 'I love hiking', origin: dm, placeId },
      target,
      {
        takeQueued: () => [{ text: 'but my knee hurts' }, { text: '\u200b' }],
      },
    );

    const asked = model.requests[0]?.messages.at(-1)?.text;
    expect(asked).toBe('I love hiking\nbut my knee hurts');
    expect(memory.adds[0]?.messages[0]).toEqual({
      role: 'user',
      content: 'I love hiking\nbut my knee hurts',
    });
  });

  it('does not make the reply wait for the memory write', async () => {
    // A write that never lands, handed back to the core whichever way it writes: through
    // `remember` (which returns the write's promise here, so that awaiting it would wait) or
    // through the store itself.
    let writeStarted = () => {};
    const started = new Promise<void>((resolve) => (writeStarted = resolve));
    const never = new Promise<void>(() => {});
    const { memory, model, conversation, target } = setup({
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the point: a core that awaited it would wait forever
      remember: (job) => memory.add(job.userId, job.messages, job.origin),
    });
    memory.add = async (userId, messages, origin) => {
      memory.adds.push({ userId, messages: [...messages], origin });
      writeStarted();
      return never;
    };
    model.answer({ kind: 'answer', text: 'Hi!', truncated: false });

    const responding = conversation.respond(
      { userId: alice, text: 'hello', origin: dm, placeId },
      target,
    );
    // Once the write has begun, a turn that does not wait for it ends within the same tick; one
    // turn of the event loop later, it has either ended or is waiting for the write.
    const outcome = await Promise.race([
      responding.then(() => 'replied'),
      started.then(() => new Promise((resolve) => setImmediate(resolve, 'waiting for the write'))),
    ]);

    expect(outcome).toBe('replied');
    expect(target.sent).toEqual(['Hi!']);
    expect(memory.adds.map((add) => add.messages.map((m) => m.content))).toEqual([
      ['hello', 'Hi!'],
    ]);
  });

  it('answers without memories when the memory search fails', async () => {
    const { memory, model, conversation, target } = setup();
    memory.searchFailure = new Error('mem0 down');
    model.answer({ kind: 'answer', text: 'Tell me more.', truncated: false });
    const result = await conversation.respond(
      { userId: alice, text: 'hello', origin: dm, placeId },
      target,
    );
    expect(result).toEqual({ kind: 'answer', memoriesUsed: 0 });
    expect(JSON.stringify(model.requests[0]?.messages)).not.toContain('<memories>');
  });

  it('answers without memories when the memory search is too slow', async () => {
    vi.useFakeTimers();
    const { memory, model, conversation, target } = setup();
    memory.stored.set(alice, ['hello memory']);
    memory.searchDelayMs = 1000;
    model.answer({ kind: 'answer', text: 'Hi.', truncated: false });
    const responding = conversation.respond(
      { userId: alice, text: 'hello', origin: dm, placeId },
      target,
    );
    // The search's timeout (200 ms) passes, long before the search would answer.
    await vi.advanceTimersByTimeAsync(200);
    expect(target.sent).toEqual(['Hi.']);
    expect((await responding).memoriesUsed).toBe(0);
    expect(JSON.stringify(model.requests[0]?.messages)).not.toContain('hello memory');
  });

  it('tells the person when to try again when the model is rate limited, and remembers nothing', async () => {
    const { memory, model, conversation, target } = setup();
    model.answer(new ChatModelError('rate-limited', 20_000));
    const result = await conversation.respond(
      { userId: alice, text: 'hello', origin: dm, placeId },
      target,
    );
    expect(result.kind).toBe('notice');
    expect(target.sent).toHaveLength(1);
    expect(target.sent[0]).toMatch(/try again in about 20 seconds/);
    expect(memory.adds).toEqual([]);
  });

  it('gives a kind notice with crisis lines when the model refuses for safety, and counts it', async () => {
    const { model, conversation, target, referrals } = setup();
    model.answer({ kind: 'refused', reason: 'safety' });
    await conversation.respond(
      { userId: alice, text: 'hello', origin: dm, placeId, safety: safetyOf('hello', 'US') },
      target,
    );
    expect(target.sent[0]?.startsWith(notices.refusedSafety)).toBe(true);
    expect(target.sent[0]).toContain('988');
    expect(referrals).toEqual([{ region: 'US', trigger: 'safety-block' }]);
  });

  it('gives a notice, not silence, for an unexpected model failure', async () => {
    const { model, conversation, target } = setup();
    model.answer(new TypeError('boom'));
    await conversation.respond({ userId: alice, text: 'hello', origin: dm, placeId }, target);
    expect(target.sent).toHaveLength(1);
    expect(target.sent[0]).not.toMatch(/boom|TypeError/);
  });

  it('asks for text when the message is blank, without calling the model', async () => {
    const { model, conversation, target } = setup();
    await conversation.respond({ userId: alice, text: ' \n ', origin: dm, placeId }, target);
    expect(target.sent).toEqual([notices.invalidInput]);
    expect(model.requests).toEqual([]);
  });

  it('tells the person who waits only for the answer limit about the limit, then answers in its place', async () => {
    const { model, conversation, target } = setup();
    const wait = { reason: 'answer-limit', placeInLine: 1, waitMs: 18_000 } as const;
    model.waitFirst(wait).answer({ kind: 'answer', text: 'Hi.', truncated: false });

    await conversation.respond({ userId: alice, text: 'hello', origin: dm, placeId }, target);

    expect(target.notices).toEqual([waitingNotice(wait)]);
    expect(target.notices[0]).toContain('about 20 seconds');
    expect(target.notices[0]).not.toMatch(/people/i);
    // The notice stopped the typing; the answer came after it.
    expect(target.typingStopped).toBe(1);
    expect(target.sent).toEqual(['Hi.']);
  });

  it('tells the person waiting behind other people their place', async () => {
    const { model, conversation, target } = setup();
    const wait = { reason: 'people-ahead', placeInLine: 3, waitMs: 30_000 } as const;
    model.waitFirst(wait).answer({ kind: 'answer', text: 'Hi.', truncated: false });

    await conversation.respond({ userId: alice, text: 'hello', origin: dm, placeId }, target);

    expect(target.notices).toEqual([waitingNotice(wait)]);
    expect(target.notices[0]).toContain('number 3 in line');
  });

  it('shows typing while working and stops it before replying', async () => {
    const { model, conversation } = setup();
    const events: string[] = [];
    const target = new (class extends RecordingReplyTarget {
      override startTyping() {
        events.push('typing started');
        const stop = super.startTyping();
        return () => {
          const before = this.typingStopped;
          stop();
          if (this.typingStopped > before) events.push('typing stopped');
        };
      }
      override async complete(...args: Parameters<RecordingReplyTarget['complete']>) {
        events.push('replied');
        return super.complete(...args);
      }
    })();
    const stream = model.stream.bind(model);
    model.stream = (source, options) => {
      events.push('model asked');
      return stream(source, options);
    };
    model.answer({ kind: 'answer', text: 'Hi.', truncated: false });
    await conversation.respond({ userId: alice, text: 'hello', origin: dm, placeId }, target);
    expect(events).toEqual(['typing started', 'model asked', 'typing stopped', 'replied']);
    expect(target.typingStarted).toBe(1);
    expect(target.typingStopped).toBe(1);
  });

  describe('safety', () => {
    const crisisText = 'i want to kill myself tonight';
    /** Alice's crisis message in her DM, as the core's crisis screen leaves it (region US). */
    const crisisTurn = () => ({
      userId: alice,
      text: crisisText,
      origin: dm,
      placeId,
      safety: safetyOf(crisisText, 'US'),
    });

    it('answers a crisis in crisis mode and keeps it out of long-term memory until asked', async () => {
      vi.useFakeTimers();
      const { memory, model, conversation, target, held } = setup();
      model.answer({ kind: 'answer', text: 'I am here with you.', truncated: false });
      const result = await conversation.respond(crisisTurn(), target);
      // Whatever the turn left for later has run: nothing can still write after this.
      await vi.runOnlyPendingTimersAsync();

      expect(result).toEqual({ kind: 'answer', memoriesUsed: 0, crisis: true });
      expect(model.requests[0]?.systemInstruction).toContain(crisisModePersona('en'));
      expect(memory.adds).toEqual([]);
      const [offer] = target.offers[0] ?? [];
      expect(offer?.kind).toBe('remember-crisis');
      const job = held.release(alice, offer?.kind === 'remember-crisis' ? offer.key : '');
      expect(job?.messages.map((m) => m.content)).toEqual([crisisText, 'I am here with you.']);
    });

    it('holds back the rest of a crisis session too, under the same button', async () => {
      vi.useFakeTimers();
      const { memory, model, conversation, target, held } = setup();
      model.answer(
        { kind: 'answer', text: 'I am here with you.', truncated: false },
        { kind: 'answer', text: 'That sounds so heavy.', truncated: false },
      );
      await conversation.respond(crisisTurn(), target);
      await conversation.respond(
        { userId: alice, text: 'nobody would even notice', origin: dm, placeId },
        target,
      );
      // Whatever the turns left for later has run: nothing can still write after this.
      await vi.runOnlyPendingTimersAsync();

      expect(memory.adds).toEqual([]);
      expect(target.offers[1]).toEqual(target.offers[0]);
      const [offer] = target.offers[1] ?? [];
      const job = held.release(alice, offer?.kind === 'remember-crisis' ? offer.key : '');
      expect(job?.messages.map((m) => m.content)).toEqual([
        crisisText,
        'I am here with you.',
        'nobody would even notice',
        'That sounds so heavy.',
      ]);
    });

    it('counts the crisis lines it had to put in the answer', async () => {
      const { model, conversation, target, referrals } = setup();
      model.answer({ kind: 'answer', text: 'I am here with you.', truncated: false });
      await conversation.respond(
        {
          userId: alice,
          text: crisisText,
          origin: dm,
          placeId,
          safety: safetyOf(crisisText, 'US', { delivered: false }),
        },
        target,
      );
      expect(referrals).toEqual([{ region: 'US', trigger: 'detected' }]);
    });

    it('keeps a crisis in the conversation history for the next answer', async () => {
      const { model, conversation, target } = setup();
      model.answer(
        { kind: 'answer', text: 'I am here with you.', truncated: false },
        { kind: 'answer', text: 'Thank you for staying.', truncated: false },
      );
      await conversation.respond(crisisTurn(), target);
      await conversation.respond({ userId: alice, text: 'ok', origin: dm, placeId }, target);
      expect(JSON.stringify(model.requests[1]?.messages)).toContain(crisisText);
    });

    it('stays with the crisis lines, not "try again later", when the model fails after them', async () => {
      const { model, conversation, target } = setup();
      model.answer(new ChatModelError('unavailable', undefined));
      await conversation.respond(crisisTurn(), target);
      expect(target.sent).toEqual([crisisFallback('en')]);
      expect(target.sent[0]).not.toMatch(/try again/i);
    });

    it('puts the crisis lines in the answer when they could not be posted on arrival', async () => {
      const { model, conversation, target } = setup();
      model.answer({ kind: 'answer', text: 'I am here with you.', truncated: false });
      await conversation.respond(
        {
          userId: alice,
          text: crisisText,
          origin: dm,
          placeId,
          safety: safetyOf(crisisText, 'US', { delivered: false }),
        },
        target,
      );
      expect(target.sent[0]).toBe('LINES\n\nI am here with you.');
    });

    it('answers in crisis mode when a crisis message joins the turn while it waits', async () => {
      const { memory, model, conversation, target } = setup();
      model.answer({ kind: 'answer', text: 'I am here with you.', truncated: false });
      const result = await conversation.respond(
        { userId: alice, text: 'hey', origin: dm, placeId, safety: safetyOf('hey', 'US') },
        target,
        { takeQueued: () => [{ text: crisisText, safety: safetyOf(crisisText, 'US') }] },
      );
      expect(result.crisis).toBe(true);
      expect(model.requests[0]?.systemInstruction).toContain(crisisModePersona('en'));
      expect(memory.adds).toEqual([]);
    });

    it('asks the model for its strictest sexual-content threshold for someone under 18', async () => {
      const { model, conversation, target } = setup();
      model.answer({ kind: 'answer', text: 'Hi!', truncated: false });
      await conversation.respond(
        {
          userId: alice,
          text: 'hi',
          origin: dm,
          placeId,
          safety: safetyOf('hi', 'US', { minor: true }),
        },
        target,
      );
      expect(model.requests[0]?.forMinor).toBe(true);
      expect(model.requests[0]?.systemInstruction).toMatch(/under 18/);
    });

    it('says it is an AI at the start of a session, after a quiet hour, and every 3 hours', async () => {
      let now = 0;
      const disclosure = createDisclosureSchedule({ idleMs: 60 * 60_000, now: () => now });
      const { model, conversation, target } = setup({ disclosure });
      const say = async (text: string) => {
        model.answer({ kind: 'answer', text: 'Mm.', truncated: false });
        await conversation.respond({ userId: alice, text, origin: dm, placeId }, target);
        return target.sent.at(-1);
      };
      const notice = `${aiDisclosure('en')}\n\nMm.`;
      expect(await say('hi')).toBe(notice);
      now += 10 * 60_000;
      expect(await say('still here')).toBe('Mm.');
      now += 61 * 60_000;
      expect(await say('back again')).toBe(notice);
      // Then a message every 30 minutes: the 3-hour mark comes in the middle of the conversation.
      const later: Array<string | undefined> = [];
      for (let i = 0; i < 6; i++) {
        now += 30 * 60_000;
        later.push(await say(`message ${i}`));
      }
      expect(later).toEqual(['Mm.', 'Mm.', 'Mm.', 'Mm.', 'Mm.', notice]);
    });

    it('reminds someone under 18 to take a break every 3 hours', async () => {
      let now = 0;
      const disclosure = createDisclosureSchedule({ idleMs: 60 * 60_000, now: () => now });
      const { model, conversation, target } = setup({ disclosure });
      const minor = safetyOf('hi', 'US', { minor: true });
      const sent: Array<string | undefined> = [];
      for (let i = 0; i < 7; i++) {
        model.answer({ kind: 'answer', text: 'Mm.', truncated: false });
        await conversation.respond(
          { userId: alice, text: 'hi', origin: dm, placeId, safety: minor },
          target,
        );
        sent.push(target.sent.at(-1));
        now += 30 * 60_000;
      }
      expect(sent[0]).toBe(`${aiDisclosure('en')}\n\nMm.`);
      expect(sent[6]).toBe(`${minorBreakReminder('en')}\n\nMm.`);
      expect(sent.slice(1, 6)).toEqual(['Mm.', 'Mm.', 'Mm.', 'Mm.', 'Mm.']);
    });

    it('opens the streamed text with the AI line too, so that what is shown only grows', async () => {
      const disclosure = createDisclosureSchedule({ idleMs: 60 * 60_000 });
      const { model, conversation, target } = setup({ disclosure });
      model.answer({ kind: 'answer', text: 'Mm, tell me more.', truncated: false });
      await conversation.respond({ userId: alice, text: 'hi', origin: dm, placeId }, target);
      expect(target.updates.length).toBeGreaterThan(0);
      for (const update of target.updates) expect(update.startsWith(aiDisclosure('en'))).toBe(true);
    });

    it('does not repeat the AI line under crisis lines, which say it already', async () => {
      const disclosure = createDisclosureSchedule({ idleMs: 60 * 60_000 });
      const { model, conversation, target } = setup({ disclosure });
      model.answer(
        { kind: 'answer', text: 'I am here with you.', truncated: false },
        { kind: 'answer', text: 'Mm.', truncated: false },
      );
      await conversation.respond(crisisTurn(), target);
      await conversation.respond({ userId: alice, text: 'ok', origin: dm, placeId }, target);
      expect(target.sent).toEqual(['I am here with you.', 'Mm.']);
    });

    it('does not let crisis lines put off a minor’s break reminder', async () => {
      let now = 0;
      const disclosure = createDisclosureSchedule({ idleMs: 60 * 60_000, now: () => now });
      const { model, conversation, target } = setup({ disclosure });
      const say = async (text: string) => {
        model.answer({ kind: 'answer', text: 'Mm.', truncated: false });
        await conversation.respond(
          {
            userId: alice,
            text,
            origin: dm,
            placeId,
            safety: safetyOf(text, 'US', { minor: true }),
          },
          target,
        );
        return target.sent.at(-1);
      };
      await say('hi');
      for (const minutes of [35, 70, 105, 140]) {
        now = minutes * 60_000;
        await say('ok');
      }
      now = 175 * 60_000;
      await say(crisisText);
      now = 185 * 60_000;
      expect(await say('ok')).toBe(`${minorBreakReminder('en')}\n\nMm.`);
    });

    it('greets someone new on their next message when the memory store was too slow to tell', async () => {
      vi.useFakeTimers();
      const { memory, model, conversation, target } = setup({ firstContactNote: '*Hi, an AI.*' });
      model.answer(
        { kind: 'answer', text: 'Mm.', truncated: false },
        { kind: 'answer', text: 'Mm.', truncated: false },
      );
      const list = memory.list.bind(memory);
      memory.list = async (userId) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return list(userId);
      };
      const first = conversation.respond(
        { userId: alice, text: 'hi', origin: dm, placeId },
        target,
      );
      // The lookup's timeout (200 ms) passes before the store answers (300 ms).
      await vi.advanceTimersByTimeAsync(200);
      await first;
      memory.list = list;
      await conversation.respond({ userId: alice, text: 'hi', origin: dm, placeId }, target);
      expect(target.sent).toEqual(['Mm.', '*Hi, an AI.*\n\nMm.']);
    });

    it('lets the first-contact note say it is an AI, and offers the under-18 button with it', async () => {
      const disclosure = createDisclosureSchedule({ idleMs: 60 * 60_000 });
      const { model, conversation, target } = setup({
        disclosure,
        firstContactNote: '*Hi, an AI.*',
      });
      model.answer({ kind: 'answer', text: 'Mm.', truncated: false });
      await conversation.respond({ userId: alice, text: 'hi', origin: dm, placeId }, target);
      expect(target.sent).toEqual(['*Hi, an AI.*\n\nMm.']);
      expect(target.offers[0]).toEqual([{ kind: 'under-18' }]);
    });
  });
});
