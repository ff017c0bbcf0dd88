// The crisis protocol end to end: the real bot against the stand-ins, as a person in crisis meets it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type MemoryUserId, memoryUserIdForDiscord } from '../../src/memory/user-id.js';
import { aiDisclosure, crisisFallback, minorBreakReminder } from '../../src/safety/crisis-texts.js';
import type { StoredMessage } from '../standins/discord.js';
import { buttonIds, finalEdit, forgetEverything } from '../helpers/commands.js';
import {
  type Harness,
  type MemoryBackend,
  registerTestCommands,
  startHarness as startUntrackedHarness,
  useHarness,
  withoutGreeting,
} from '../helpers/harness.js';

const alice = '200000000000000001';
const others = Array.from({ length: 6 }, (_, i) => `20000000000000010${i}`);
const crisisText = 'i want to kill myself tonight';
// What every set of crisis lines for an English speaker with no known region ends with.
const fallbackLine = 'findahelpline.com';
const secondMs = 1_000;

/** The bot's messages in `channelId` that carry crisis lines. */
function linesIn(h: Harness, channelId: string): StoredMessage[] {
  return h.discord.messages(channelId).filter((m) => m.content.includes(fallbackLine));
}

/** DMs `content` as `userId`; resolves with the DM channel and how long the crisis lines took. */
async function sendCrisis(h: Harness, userId: string, content = crisisText) {
  const started = performance.now();
  const dm = h.discord.sendDm({ userId, content });
  const lines = await h.discord.waitFor(() => linesIn(h, dm.channel_id)[0], 5_000);
  return { channelId: dm.channel_id, lines, linesAfterMs: performance.now() - started };
}

/** The final text of the reply that follows the crisis lines (the answer or the notice). */
async function answerAfterLines(h: Harness, channelId: string, timeoutMs = 20_000) {
  await h.app.core.whenIdle(timeoutMs);
  const [lines, answer, ...more] = h.discord.messages(channelId);
  expect(more).toEqual([]);
  expect(lines?.content).toContain(fallbackLine);
  if (answer === undefined) throw new Error('no reply after the crisis lines');
  return answer;
}

/** The private answer to a press of a button under a conversation message. */
async function privateAnswer(h: Harness, interactionId: string): Promise<string> {
  const followUp = await h.discord.waitFor(
    () => h.discord.interactionResponses(interactionId).find((r) => r.kind === 'followup'),
    10_000,
  );
  expect(followUp.ephemeral).toBe(true);
  return JSON.stringify(followUp.body);
}

/** How many requests asked mem0 (the Platform, or open source's extraction call) to remember `text`. */
function memoryWritesQuoting(h: Harness, text: string): number {
  const writes = h.mem0
    ? h.mem0.requests.filter((r) => r.method === 'POST' && r.path === '/v3/memories/add/')
    : h.gemini.requests.filter((r) => r.kind === 'memory-extraction');
  return writes.filter((r) => JSON.stringify(r.body).includes(text)).length;
}

/** How many memories `userId` has once `atLeast` are listed (mem0 may still be processing), or after 5 s. */
async function listedEventually(h: Harness, userId: MemoryUserId, atLeast: number) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const count = (await h.app.core.memory.list(userId)).length;
    if (count >= atLeast || Date.now() > deadline) return count;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// The first crisis in a test process takes 200 ms or more that later ones do not (code compiled
// on first use, in the bot and in the stand-ins' request validation): on a machine busy with
// other test files that alone can pass the second the tests below allow. One untimed crisis
// first, so that they time the bot's answer, not the process warming up.
beforeAll(async () => {
  const h = await startUntrackedHarness({ backend: 'open-source' });
  try {
    await sendCrisis(h, alice);
    await h.app.core.whenIdle(10_000);
    expect(h.violations()).toEqual([]);
  } finally {
    await h.close();
  }
}, 30_000);

describe.each<MemoryBackend>(['open-source', 'platform'])('the crisis protocol (%s)', (backend) => {
  const startHarness = useHarness();

  it('posts the crisis lines within a second while Gemini fails, then stays with them', async () => {
    const h = await startHarness({ backend });
    // Asking for no wait (RetryInfo 0s): every attempt fails at once, so the fallback comes
    // without the retries' backoff of 1.5 to 3 s, which is not what this test is about.
    h.gemini.failNext(10, 503, { appliesTo: 'chat', retryDelaySeconds: 0 });

    const { channelId, linesAfterMs } = await sendCrisis(h, alice);
    expect(linesAfterMs).toBeLessThan(secondMs);
    const answer = await answerAfterLines(h, channelId);
    expect(withoutGreeting(answer.content)).toBe(crisisFallback('en'));
    expect(answer.content).not.toMatch(/try again/i);
  });

  it('posts the crisis lines within a second while Gemini takes 10 s to answer', async () => {
    const h = await startHarness({ backend });
    h.gemini.setLatency({ timeToFirstTokenMs: 10_000 });

    const { channelId, linesAfterMs } = await sendCrisis(h, alice);
    expect(linesAfterMs).toBeLessThan(secondMs);
    // The answer is still being thought of: the lines did not wait for it.
    await h.gemini.waitFor(() => h.gemini.chatRequests()[0], 5_000);
    expect(h.discord.messages(channelId).map((m) => m.content)).toEqual([
      linesIn(h, channelId)[0]?.content,
    ]);
  });

  it('posts the crisis lines within a second when everyone else is waiting in line', async () => {
    const h = await startHarness({
      backend,
      env: {
        GEMINI_REQUESTS_PER_MINUTE: '1',
        GEMINI_MAX_CONCURRENT: '1',
        QUEUE_NOTICE_AFTER_MS: '1',
      },
      // The others wait a minute for their turn: no stop timeout would let them finish.
      stopTimeoutMs: 0,
    });
    for (const other of others) h.discord.sendDm({ userId: other, content: 'hello there' });
    await h.discord.waitFor(() => h.gemini.chatRequests().length >= 1, 5_000);

    const { channelId, linesAfterMs } = await sendCrisis(h, alice);
    expect(linesAfterMs).toBeLessThan(secondMs);
    // Its answer is still in line behind the others: the lines did not wait for it.
    expect(h.gemini.chatRequests().some((r) => JSON.stringify(r.body).includes(crisisText))).toBe(
      false,
    );
    expect(linesIn(h, channelId)).toHaveLength(1);
  });

  it('never makes the crisis lines wait for the per-person limit', async () => {
    // The crisis's answer waits a minute for the limit: no stop timeout would let it finish.
    const h = await startHarness({
      backend,
      env: { USER_TURNS_PER_MINUTE: '1' },
      stopTimeoutMs: 0,
    });
    const first = h.discord.sendDm({ userId: alice, content: 'hi, rough day' });
    await h.discord.waitFor(() => h.discord.messages(first.channel_id)[0], 5_000);
    await h.app.core.whenIdle(5_000);

    const { linesAfterMs } = await sendCrisis(h, alice);
    expect(linesAfterMs).toBeLessThan(secondMs);
  });

  it('posts the crisis lines for a message that comes while the bot is stopping', async () => {
    const h = await startHarness({ backend });
    // The answer in flight is held until released below.
    h.gemini.setLatency({ timeToFirstTokenMs: 60_000 });
    const other = h.discord.sendDm({ userId: others[0] ?? '', content: 'hello there' });
    await h.discord.waitFor(() => h.gemini.chatRequests().length >= 1, 5_000);
    // The stop waits for the answer in flight; meanwhile a crisis comes in.
    let stopped = false;
    const stopping = h.app.stop(10_000).then(() => (stopped = true));

    const { linesAfterMs } = await sendCrisis(h, alice);
    expect(linesAfterMs).toBeLessThan(secondMs);
    expect(stopped).toBe(false);
    // Then the answer in flight ends, on Discord, and with it the stop.
    h.gemini.releaseAll();
    await stopping;
    expect(h.discord.messages(other.channel_id).at(-1)?.content).toContain('hello there');
  });

  it('keeps a crisis out of long-term memory until the person presses the button', async () => {
    const h = await startHarness({ backend });
    const userId = memoryUserIdForDiscord(alice);
    const { channelId } = await sendCrisis(h, alice);
    const answer = await answerAfterLines(h, channelId);
    await h.app.core.whenIdle(10_000);
    expect(await h.app.core.memory.list(userId)).toEqual([]);
    expect(memoryWritesQuoting(h, crisisText)).toBe(0);

    const remember = buttonIds(answer).find((id) => id.startsWith(`w0:safety:remember:${alice}:`));
    expect(remember).toBeDefined();
    // Someone else's press (a crafted one: the button is only Alice's) keeps nothing.
    const crafted = h.discord.sendButton({
      userId: others[0] ?? '',
      customId: remember ?? '',
      messageId: answer.id,
    });
    await h.discord.waitFor(() => h.discord.interactionResponses(crafted.id)[0], 5_000);
    await h.app.core.whenIdle(5_000);
    expect(memoryWritesQuoting(h, crisisText)).toBe(0);

    const press = h.discord.sendButton({
      userId: alice,
      customId: remember ?? '',
      messageId: answer.id,
    });
    expect(await privateAnswer(h, press.id)).toContain("I'll remember");
    await h.app.core.whenIdle(10_000);
    expect(memoryWritesQuoting(h, crisisText)).toBe(1);
    expect(await listedEventually(h, userId, 1)).toBeGreaterThan(0);
    // The button is used up: taken off the answer, which reads as it did.
    const after = h.discord.messages(channelId).find((m) => m.id === answer.id);
    expect(after && buttonIds(after)).not.toContain(remember);
    expect(after?.content).toBe(answer.content);
  });

  it('sends no crisis lines for figures of speech, and remembers them as usual', async () => {
    const h = await startHarness({ backend });
    const userId = memoryUserIdForDiscord(alice);
    const sayings = ['this exam is killing me', "i'd kill for a pizza right now"];
    for (const content of sayings) {
      const dm = h.discord.sendDm({ userId: alice, content });
      await h.discord.waitFor(
        () => h.discord.messages(dm.channel_id).filter((m) => m.content.includes(content))[0],
        10_000,
      );
      await h.app.core.whenIdle(10_000);
    }
    const channelId = h.discord.messages().find((m) => m.content.includes('pizza'))?.channelId;
    expect(linesIn(h, channelId ?? '')).toEqual([]);
    expect(await listedEventually(h, userId, 2)).toBeGreaterThanOrEqual(2);
  });
});

describe('the crisis protocol: regions, counts and the AI notice', () => {
  const startHarness = useHarness();

  it('drops held crisis exchanges and safety settings with /forget everything', async () => {
    const h = await startHarness({ backend: 'platform' });
    await registerTestCommands(h);
    h.app.core.safety.update(memoryUserIdForDiscord(alice), { region: 'GB' });
    const { channelId } = await sendCrisis(h, alice);
    const answer = await answerAfterLines(h, channelId);
    const remember = buttonIds(answer).find((id) => id.startsWith(`w0:safety:remember:${alice}:`));

    expect(await forgetEverything(h, alice)).toContain('settings (country, age) are cleared');
    const press = h.discord.sendButton({
      userId: alice,
      customId: remember ?? '',
      messageId: answer.id,
    });
    expect(await privateAnswer(h, press.id)).toContain('nothing was saved');
    await h.app.core.whenIdle(5_000);
    expect(memoryWritesQuoting(h, crisisText)).toBe(0);
    expect(h.app.core.safety.get(memoryUserIdForDiscord(alice)).region).toBeUndefined();
  });

  it("uses the server's preferred locale for a mention in a server", async () => {
    const h = await startHarness({
      backend: 'platform',
      discord: {
        guilds: [
          {
            id: '400000000000000001',
            preferredLocale: 'en-GB',
            channels: [{ id: '500000000000000001' }],
          },
        ],
      },
    });
    h.discord.sendGuildMessage({
      guildId: '400000000000000001',
      channelId: '500000000000000001',
      userId: alice,
      content: crisisText,
      mentionBot: true,
    });
    const lines = await h.discord.waitFor(
      () => h.discord.messages('500000000000000001').find((m) => m.content.includes('116 123')),
      5_000,
    );
    expect(lines.content).not.toContain('988');
  });

  it("uses the region a person chose with /safety region, over their Discord client's", async () => {
    const h = await startHarness({ backend: 'platform' });
    const slash = h.discord.sendSlash({
      userId: alice,
      name: 'safety',
      subcommand: 'region',
      options: [{ name: 'country', type: 3, value: 'de' }],
      locale: 'pt-BR',
    });
    expect(JSON.stringify((await finalEdit(h, slash.id)).body)).toContain('0800 111 0 111');

    const dm = h.discord.sendDm({ userId: alice, content: crisisText });
    const lines = await h.discord.waitFor(
      () => h.discord.messages(dm.channel_id).find((m) => m.content.includes('0800 111 0 111')),
      5_000,
    );
    expect(lines.content).not.toContain('188');
  });

  it("uses the locale of a person's own commands when they chose no region", async () => {
    const h = await startHarness({ backend: 'platform' });
    const slash = h.discord.sendSlash({
      userId: alice,
      name: 'safety',
      subcommand: 'lines',
      locale: 'pt-BR',
    });
    expect(JSON.stringify((await finalEdit(h, slash.id)).body)).toContain('188');

    const dm = h.discord.sendDm({ userId: alice, content: 'eu quero me matar hoje' });
    const lines = await h.discord.waitFor(
      () => h.discord.messages(dm.channel_id).find((m) => m.content.includes('188')),
      5_000,
    );
    expect(lines.content).not.toContain('988');
  });

  it('writes the lines in the language of the message', async () => {
    const h = await startHarness({ backend: 'platform' });
    const dm = h.discord.sendDm({ userId: alice, content: 'quiero suicidarme esta noche' });
    const lines = await h.discord.waitFor(
      () => h.discord.messages(dm.channel_id).find((m) => m.content.includes('024')),
      5_000,
    );
    expect(lines.content).toMatch(/España/);
  });

  it('counts each crisis answered with lines, by day and region, and nothing else', async () => {
    const h = await startHarness({ backend: 'platform', env: { CRISIS_DEFAULT_REGION: 'IE' } });
    const { channelId } = await sendCrisis(h, alice);
    await answerAfterLines(h, channelId);
    const file = JSON.parse(
      readFileSync(join(h.config.dataDir, 'crisis-referrals.json'), 'utf8'),
    ) as unknown;
    const today = new Date().toISOString().slice(0, 10);
    expect(file).toEqual({ version: 1, days: { [today]: { IE: { detected: 1 } } } });
  });

  it('says it is an AI on first contact, after an idle hour, and after 3 hours of conversation', async () => {
    let offsetMs = 0;
    const h = await startHarness({ backend: 'platform', now: () => Date.now() + offsetMs });
    const replies: string[] = [];
    async function say(content: string) {
      const dm = h.discord.sendDm({ userId: alice, content });
      const before = replies.length;
      await h.discord.waitFor(() => h.discord.messages(dm.channel_id)[before], 10_000);
      await h.app.core.whenIdle(10_000);
      replies.push(h.discord.messages(dm.channel_id)[before]?.content ?? '');
      return replies.at(-1) ?? '';
    }
    expect(await say('hello')).toMatch(/^\*Hi, I'm wellness0, an AI companion: not a person/);
    expect(await say('how are you')).toBe('I hear you: "how are you"');
    offsetMs += 61 * 60_000;
    expect(await say('back again')).toBe(`${aiDisclosure('en')}\n\nI hear you: "back again"`);
    const later: string[] = [];
    for (let i = 0; i < 6; i++) {
      offsetMs += 30 * 60_000;
      later.push(await say(`message ${i}`));
    }
    expect(later.slice(0, 5).every((text) => !text.startsWith('*'))).toBe(true);
    expect(later[5]).toBe(`${aiDisclosure('en')}\n\nI hear you: "message 5"`);
  });

  it('reminds someone under 18 to take a break, and asks Gemini for its strictest sexual threshold', async () => {
    let offsetMs = 0;
    const h = await startHarness({ backend: 'platform', now: () => Date.now() + offsetMs });
    const first = h.discord.sendDm({ userId: alice, content: 'hello' });
    const greeting = await h.discord.waitFor(() => h.discord.messages(first.channel_id)[0], 10_000);
    await h.app.core.whenIdle(10_000);
    const under18 = buttonIds(
      h.discord.messages(first.channel_id).find((m) => m.id === greeting.id) ?? greeting,
    ).find((id) => id === `w0:safety:under-18:${alice}:`);
    expect(under18).toBeDefined();
    const press = h.discord.sendButton({
      userId: alice,
      customId: under18 ?? '',
      messageId: greeting.id,
    });
    expect(await privateAnswer(h, press.id)).toContain('take a break');

    const texts: string[] = [];
    for (let i = 0; i < 7; i++) {
      offsetMs += 30 * 60_000;
      const before = h.discord.messages(first.channel_id).length;
      h.discord.sendDm({ userId: alice, content: `message ${i}` });
      await h.discord.waitFor(() => h.discord.messages(first.channel_id)[before], 10_000);
      await h.app.core.whenIdle(10_000);
      texts.push(h.discord.messages(first.channel_id)[before]?.content ?? '');
    }
    // Three hours after the greeting (which said it is an AI), in the middle of the conversation.
    expect(texts[5]).toBe(`${minorBreakReminder('en')}\n\nI hear you: "message 5"`);
    expect(texts.filter((text) => text.startsWith('*'))).toHaveLength(1);
    const sexual = h.gemini
      .chatRequests()
      .at(-1)
      ?.body.safetySettings?.find((s) => s.category === 'HARM_CATEGORY_SEXUALLY_EXPLICIT');
    expect(sexual?.threshold).toBe('BLOCK_LOW_AND_ABOVE');
    const firstRequest = h.gemini.chatRequests()[0]?.body.safetySettings;
    expect(
      firstRequest?.find((s) => s.category === 'HARM_CATEGORY_SEXUALLY_EXPLICIT')?.threshold,
    ).toBe('BLOCK_ONLY_HIGH');
  });
});
