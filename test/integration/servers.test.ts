import { describe, expect, it } from 'vitest';
import { type Harness, useHarness, withoutGreeting } from '../helpers/harness.js';

const guildId = '400000000000000001';
const channelId = '400000000000000002';
const threadId = '400000000000000003';
const alice = '200000000000000001';
const bob = '200000000000000002';
const otherBot = '200000000000000099';
// Someone the tests DM only to see that everything sent before has been handled.
const barrierUser = '200000000000000050';
const barrierText = 'barrier: anyone home?';

const guilds = [
  {
    id: guildId,
    name: 'Support circle',
    channels: [
      { id: channelId, name: 'general' },
      { id: threadId, name: 'a thread', type: 11, parentId: channelId },
    ],
  },
];

describe('in a server', () => {
  const startHarness = useHarness();

  async function start(env: Record<string, string> = {}) {
    return startHarness({ backend: 'platform', discord: { guilds }, env });
  }

  type GuildMessage = Parameters<Harness['discord']['sendGuildMessage']>[0];

  /** Sends a server message the bot answers and waits for the answer, and its turn, to end. */
  async function ask(h: Harness, input: GuildMessage) {
    const before = h.discord.messages(input.channelId).length;
    const payload = h.discord.sendGuildMessage(input);
    await h.discord.waitFor(() => h.discord.messages(input.channelId)[before], 10_000);
    await h.app.core.whenIdle(10_000);
    return payload;
  }

  /** Sends a server message the bot must not answer, then waits until it would have been. */
  async function sayIgnored(h: Harness, input: GuildMessage) {
    const payload = h.discord.sendGuildMessage(input);
    await settle(h);
    return payload;
  }

  /**
   * Waits until everything sent so far was handled: gateway events are handled in order, so
   * once a DM sent now is answered, any turn an earlier message started is under way, and
   * whenIdle waits for it.
   */
  async function settle(h: Harness) {
    const dm = h.discord.sendDm({ userId: barrierUser, content: barrierText });
    const before = h.discord.messages(dm.channel_id).length;
    await h.discord.waitFor(() => h.discord.messages(dm.channel_id)[before], 10_000);
    await h.app.core.whenIdle(10_000);
  }

  /** Chat requests but those answering the barrier DMs. */
  function chats(h: Harness) {
    return h.gemini.chatRequests().filter((r) => !JSON.stringify(r.body).includes(barrierText));
  }

  it('answers when mentioned, as a reply to the message, without the mention in the prompt', async () => {
    const h = await start();
    const asked = await ask(h, {
      guildId,
      channelId,
      userId: alice,
      content: 'could you help me calm down?',
      mentionBot: true,
    });
    const replies = h.discord.messages(channelId);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.content).toMatch(/^\*Hi, I'm wellness0\b.*\/memories.*\/forget/s);
    expect(withoutGreeting(replies[0]?.content ?? '')).toBe(
      'I hear you: "could you help me calm down?"',
    );
    const created = h.discord.requests.find(
      (r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages`,
    );
    expect(created?.body).toMatchObject({ message_reference: { message_id: asked.id } });
    expect(JSON.stringify(h.gemini.chatRequests()[0]?.body)).not.toContain(`<@${h.botUserId}>`);
  });

  it('stays quiet when not mentioned, and for @everyone', async () => {
    const h = await start();
    await sayIgnored(h, {
      guildId,
      channelId,
      userId: alice,
      content: 'just chatting with friends',
    });
    await sayIgnored(h, {
      guildId,
      channelId,
      userId: alice,
      content: '@everyone meeting at five',
    });
    expect(h.discord.messages(channelId)).toEqual([]);
    expect(chats(h)).toEqual([]);
  });

  it('ignores other bots, even when they mention it, and its own messages', async () => {
    const h = await start();
    await sayIgnored(h, {
      guildId,
      channelId,
      userId: otherBot,
      bot: true,
      content: 'hello bot',
      mentionBot: true,
    });
    expect(h.discord.messages(channelId)).toEqual([]);
    expect(chats(h)).toEqual([]);
    // Its own answer comes back through the gateway (as on Discord) and is not answered again.
    await ask(h, { guildId, channelId, userId: alice, content: 'hi there', mentionBot: true });
    await settle(h);
    expect(h.discord.messages(channelId)).toHaveLength(1);
    expect(chats(h)).toHaveLength(1);
  });

  it('answers a reply to one of its messages, with that conversation as context', async () => {
    const h = await start();
    await ask(h, {
      guildId,
      channelId,
      userId: alice,
      content: 'my sister is visiting next week',
      mentionBot: true,
    });
    const botReply = h.discord.messages(channelId)[0];
    // Someone else talks to the bot in the same channel meanwhile.
    await ask(h, {
      guildId,
      channelId,
      userId: bob,
      content: 'I failed my driving test',
      mentionBot: true,
    });
    await ask(h, {
      guildId,
      channelId,
      userId: alice,
      content: 'what could we do together?',
      referencedMessageId: botReply?.id,
    });
    await settle(h);

    const requests = chats(h);
    expect(requests).toHaveLength(3);
    const contents = (requests[2]?.body as { contents: Array<{ role: string; parts: unknown }> })
      .contents;
    expect(contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
    const context = JSON.stringify(contents);
    expect(context).toContain('my sister is visiting next week');
    expect(context).toContain('what could we do together?');
    expect(context).not.toContain('driving test');
  });

  it('follows a thread it was mentioned in when it can read messages there', async () => {
    const h = await start({ DISCORD_MESSAGE_CONTENT: 'true' });
    await ask(h, {
      guildId,
      channelId: threadId,
      userId: alice,
      content: 'can we talk here?',
      mentionBot: true,
    });
    await ask(h, { guildId, channelId: threadId, userId: alice, content: 'thanks for listening' });
    await sayIgnored(h, { guildId, channelId, userId: alice, content: 'not in the thread' });
    const inThread = h.discord.messages(threadId).map((m) => withoutGreeting(m.content));
    expect(inThread).toEqual([
      'I hear you: "can we talk here?"',
      'I hear you: "thanks for listening"',
    ]);
    expect(h.discord.messages(channelId)).toEqual([]);
  });

  it('answers in a followed thread only the people who addressed it there', async () => {
    const h = await start({ DISCORD_MESSAGE_CONTENT: 'true' });
    await ask(h, {
      guildId,
      channelId: threadId,
      userId: alice,
      content: 'can we talk here?',
      mentionBot: true,
    });
    await sayIgnored(h, {
      guildId,
      channelId: threadId,
      userId: bob,
      content: 'my private worries',
    });
    await ask(h, { guildId, channelId: threadId, userId: alice, content: 'thanks for listening' });

    const inThread = h.discord.messages(threadId).map((m) => withoutGreeting(m.content));
    expect(inThread).toEqual([
      'I hear you: "can we talk here?"',
      'I hear you: "thanks for listening"',
    ]);
    expect(JSON.stringify(h.gemini.chatRequests().map((r) => r.body))).not.toContain(
      'my private worries',
    );
  });

  it('never answers a group DM as its DM would be answered', async () => {
    const h = await start();
    h.mem0?.seed({ userId: `discord:${alice}`, text: 'I am struggling with panic attacks' });
    const groupDm = '400000000000000077';
    h.discord.sendGroupDm({
      channelId: groupDm,
      userId: alice,
      content: 'any tips for panic attacks?',
      mentionBot: true,
    });
    await settle(h);

    // Discord lets no bot post in a group DM (discord.js has no send for one): it stays quiet,
    // and above all neither recalls the person's memories nor asks Gemini.
    expect(h.discord.messages(groupDm)).toEqual([]);
    expect(chats(h)).toEqual([]);
    expect(
      h.mem0?.requests.filter(
        (r) => r.path.includes('/search/') && !JSON.stringify(r.body).includes(barrierUser),
      ),
    ).toEqual([]);
  });

  it('never recalls a DM memory in a server reply', async () => {
    const h = await start();
    h.mem0?.seed({ userId: `discord:${alice}`, text: 'I am struggling with panic attacks' });
    await ask(h, {
      guildId,
      channelId,
      userId: alice,
      content: 'any tips for panic attacks?',
      mentionBot: true,
    });
    expect(JSON.stringify(h.gemini.chatRequests()[0]?.body)).not.toContain('struggling');
    const search = h.mem0?.requests.find((r) => r.path === '/v3/memories/search/');
    expect(search?.body).toMatchObject({
      filters: {
        AND: [{ user_id: `discord:${alice}` }, { run_id: `guild-${guildId}-channel-${channelId}` }],
      },
    });
  });
});
