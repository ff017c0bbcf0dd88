import { describe, expect, it } from 'vitest';
import { type Harness, type MemoryBackend, useHarness } from '../helpers/harness.js';

const guildId = '400000000000000001';
const staffRoom = '400000000000000002';
const lobby = '400000000000000003';
const publicThread = '400000000000000004';
const privateThread = '400000000000000005';
const alice = '200000000000000001';

const guilds = [
  {
    id: guildId,
    channels: [
      { id: staffRoom, name: 'staff-room' },
      { id: lobby, name: 'lobby' },
      { id: publicThread, name: 'shift swaps', type: 11, parentId: staffRoom },
      { id: privateThread, name: 'just us', type: 12, parentId: staffRoom },
    ],
  },
];

const startHarness = useHarness();

/** Mentions the bot in a server channel and waits until the turn is answered and remembered. */
async function mention(h: Harness, channelId: string, content: string) {
  const before = h.gemini.chatRequests().length;
  h.discord.sendGuildMessage({ guildId, channelId, userId: alice, content, mentionBot: true });
  await h.gemini.waitFor(() => h.gemini.chatRequests().length > before, 10_000);
  await h.discord.waitFor(() => h.discord.messages(channelId).length > 0, 10_000);
  await h.app.core.whenIdle(10_000);
  const mem0 = h.mem0;
  if (mem0) {
    await mem0.waitFor(() => mem0.memories().every((m) => m.searchableAt <= Date.now()), 5_000);
  }
  return JSON.stringify(h.gemini.chatRequests()[before]?.body);
}

describe.each<MemoryBackend>(['open-source', 'platform'])(
  'server memories with %s memory',
  (backend) => {
    it('are recalled only in the channel where they were said, and in its public threads', async () => {
      const h = await startHarness({ backend, discord: { guilds } });
      await mention(h, staffRoom, 'my staff room word is zorblax');

      expect(await mention(h, lobby, 'what is my staff room word?')).not.toContain('zorblax');
      expect(await mention(h, privateThread, 'what is my staff room word?')).not.toContain(
        'zorblax',
      );
      expect(await mention(h, publicThread, 'what is my staff room word?')).toContain('zorblax');
      expect(h.discord.messages(lobby).some((m) => m.content.includes('zorblax'))).toBe(false);
    }, 60_000);

    it('keep what is said in a private thread to that thread', async () => {
      const h = await startHarness({ backend, discord: { guilds } });
      await mention(h, privateThread, 'my thread word is quuxle');

      expect(await mention(h, staffRoom, 'what is my thread word?')).not.toContain('quuxle');
      expect(await mention(h, publicThread, 'what is my thread word?')).not.toContain('quuxle');
      expect(await mention(h, privateThread, 'what is my thread word?')).toContain('quuxle');
    }, 60_000);
  },
);

describe('server memories kept before channels had their own', () => {
  it('are not recalled in any channel of that server', async () => {
    const h = await startHarness({ backend: 'platform', discord: { guilds } });
    h.mem0?.seed({
      userId: `discord:${alice}`,
      text: 'old server word is frobnitz',
      runId: `guild-${guildId}`,
      metadata: { origin: 'guild', guild_id: guildId },
    });

    expect(await mention(h, staffRoom, 'what is my old server word?')).not.toContain('frobnitz');
  });
});

describe('the first-contact note in a server', () => {
  it('is shown to someone new to that channel, even if they talk with the bot in private', async () => {
    const h = await startHarness({ backend: 'platform', discord: { guilds } });
    const dm = h.discord.sendDm({ userId: alice, content: 'hello from my DMs' });
    await h.discord.waitFor(() => h.discord.messages(dm.channel_id)[0], 10_000);
    await h.app.core.whenIdle(10_000);
    const mem0 = h.mem0;
    await mem0?.waitFor(() => mem0.memories().length > 0, 5_000);

    await mention(h, lobby, 'hi everyone, hi bot');

    expect(h.discord.messages(lobby)[0]?.content).toMatch(/^\*Hi, I'm wellness0\b/);
  });
});
