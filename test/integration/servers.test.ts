import { describe, expect, it } from 'vitest';
import { type Harness, useHarness, withoutGreeting } from '../helpers/harness.js';

const guildId = '400000000000000001';
const channelId = '400000000000000002';
const threadId = '400000000000000003';
const alice = '200000000000000001';
const bob = '200000000000000002';
const otherBot = '200000000000000099';

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

  /** Sends a server message and waits for the turn it may start to end. */
  async function say(h: Harness, input: Parameters<Harness['discord']['sendGuildMessage']>[0]) {
    const payload = h.discord.sendGuildMessage(input);
    // Give the gateway event time to arrive, then wait for any turn it started.
    await new Promise((r) => setTimeout(r, 100));
    await h.app.core.whenIdle(10_000);
    return payload;
  }

  it('answers when mentioned, as a reply to the message, without the mention in the prompt', async () => {
    const h = await start();
    const asked = await say(h, {
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
    await say(h, { guildId, channelId, userId: alice, content: 'just chatting with friends' });
    await say(h, { guildId, channelId, userId: alice, content: '@everyone meeting at five' });
    expect(h.discord.messages(channelId)).toEqual([]);
    expect(h.gemini.chatRequests()).toEqual([]);
  });

  it('ignores other bots, even when they mention it, and its own messages', async () => {
    const h = await start();
    await say(h, {
      guildId,
      channelId,
      userId: otherBot,
      bot: true,
      content: 'hello bot',
      mentionBot: true,
    });
    expect(h.gemini.chatRequests()).toEqual([]);
    // Its own answer comes back through the gateway (as on Discord) and is not answered again.
    await say(h, { guildId, channelId, userId: alice, content: 'hi there', mentionBot: true });
    expect(h.discord.messages(channelId)).toHaveLength(1);
    expect(h.gemini.chatRequests()).toHaveLength(1);
  });

  it('answers a reply to one of its messages, with that conversation as context', async () => {
    const h = await start();
    await say(h, {
      guildId,
      channelId,
      userId: alice,
      content: 'my sister is visiting next week',
      mentionBot: true,
    });
    const botReply = h.discord.messages(channelId)[0];
    // Someone else talks to the bot in the same channel meanwhile.
    await say(h, {
      guildId,
      channelId,
      userId: bob,
      content: 'I failed my driving test',
      mentionBot: true,
    });
    await say(h, {
      guildId,
      channelId,
      userId: alice,
      content: 'what could we do together?',
      referencedMessageId: botReply?.id,
    });

    const requests = h.gemini.chatRequests();
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
    await say(h, {
      guildId,
      channelId: threadId,
      userId: alice,
      content: 'can we talk here?',
      mentionBot: true,
    });
    await say(h, { guildId, channelId: threadId, userId: alice, content: 'thanks for listening' });
    await say(h, { guildId, channelId, userId: alice, content: 'not in the thread' });
    const inThread = h.discord.messages(threadId).map((m) => withoutGreeting(m.content));
    expect(inThread).toEqual([
      'I hear you: "can we talk here?"',
      'I hear you: "thanks for listening"',
    ]);
    expect(h.discord.messages(channelId)).toEqual([]);
  });

  it('answers in a followed thread only the people who addressed it there', async () => {
    const h = await start({ DISCORD_MESSAGE_CONTENT: 'true' });
    await say(h, {
      guildId,
      channelId: threadId,
      userId: alice,
      content: 'can we talk here?',
      mentionBot: true,
    });
    await say(h, { guildId, channelId: threadId, userId: bob, content: 'my private worries' });
    await say(h, { guildId, channelId: threadId, userId: alice, content: 'thanks for listening' });

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
    await new Promise((r) => setTimeout(r, 200));
    await h.app.core.whenIdle(5_000);

    // Discord lets no bot post in a group DM (discord.js has no send for one): it stays quiet,
    // and above all neither recalls the person's memories nor asks Gemini.
    expect(h.discord.messages(groupDm)).toEqual([]);
    expect(h.gemini.chatRequests()).toEqual([]);
    expect(h.mem0?.requests.filter((r) => r.path.includes('/search/'))).toEqual([]);
  });

  it('never recalls a DM memory in a server reply', async () => {
    const h = await start();
    h.mem0?.seed({ userId: `discord:${alice}`, text: 'I am struggling with panic attacks' });
    await say(h, {
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
