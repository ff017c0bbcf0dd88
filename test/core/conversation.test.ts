import { describe, expect, it } from 'vitest';
import { createConversation } from '../../src/conversation/conversation.js';
import { createConversationHistory } from '../../src/conversation/history.js';
import { createForgetGenerations } from '../../src/conversation/forget-generations.js';
import { notices } from '../../src/conversation/notices.js';
import { ChatModelError } from '../../src/llm/chat-model.js';
import { memoryUserIdForDiscord } from '../../src/memory/user-id.js';
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

function setup(extra: { maxAnswerChars?: number } = {}) {
  const memory = new RecordingMemoryStore();
  const model = new ScriptedChatModel();
  const generations = createForgetGenerations();
  const conversation = createConversation({
    ...extra,
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
    remember: (job) => void memory.add(job.userId, job.messages, job.origin),
    logger: silentLogger,
  });
  return { memory, model, conversation, generations, target: new RecordingReplyTarget() };
}

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
    model.answer({ kind: 'answer', text: 'Noted.', truncated: false });
    await conversation.respond(
      { userId: alice, text: 'I love hiking', origin: dm, placeId },
      target,
    );
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
        takeQueued: () => ['but my knee hurts', '\u200b'],
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
    const { memory, model, conversation, target } = setup();
    let release: () => void = () => {};
    memory.add = () => new Promise<void>((resolve) => (release = resolve));
    model.answer({ kind: 'answer', text: 'Hi!', truncated: false });
    await conversation.respond({ userId: alice, text: 'hello', origin: dm, placeId }, target);
    expect(target.sent).toEqual(['Hi!']);
    release();
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
    const { memory, model, conversation, target } = setup();
    memory.stored.set(alice, ['hello memory']);
    memory.searchDelayMs = 1000;
    model.answer({ kind: 'answer', text: 'Hi.', truncated: false });
    const result = await conversation.respond(
      { userId: alice, text: 'hello', origin: dm, placeId },
      target,
    );
    expect(result.memoriesUsed).toBe(0);
    expect(target.sent).toEqual(['Hi.']);
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

  it('gives a kind notice when the model refuses for safety', async () => {
    const { model, conversation, target } = setup();
    model.answer({ kind: 'refused', reason: 'safety' });
    await conversation.respond({ userId: alice, text: 'hello', origin: dm, placeId }, target);
    expect(target.sent).toEqual([notices.refusedSafety]);
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

  it('shows typing while working and stops it before replying', async () => {
    const { model, conversation, target } = setup();
    model.answer({ kind: 'answer', text: 'Hi.', truncated: false });
    await conversation.respond({ userId: alice, text: 'hello', origin: dm, placeId }, target);
    expect(target.typingStarted).toBe(1);
    expect(target.typingStopped).toBe(1);
  });
});
