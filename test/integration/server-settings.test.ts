// What a server's admins set with /settings, end to end against the stand-ins (the real
// discord.js, @google/genai and mem0 SDKs): each setting takes effect from the next message, a
// member without Manage Server is refused, and no admin path shows what a member said.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { finalEdit } from '../helpers/commands.js';
import { type Harness, useHarness } from '../helpers/harness.js';
import type { SlashOptionInput } from '../standins/discord/types.js';
import { defaultPermissions } from '../standins/discord/payloads.js';

const guildId = '400000000000000001';
const lounge = '400000000000000002';
const vent = '400000000000000003';
const announcements = '400000000000000004';
const loungeThread = '400000000000000005';
const admin = '200000000000000009';
const alice = '200000000000000001';
const bob = '200000000000000002';
const crisisText = 'i want to kill myself tonight';
const manageServer = (BigInt(defaultPermissions) | (1n << 5n)).toString();
const sendMessages = (1n << 11n).toString();

const guilds = [
  {
    id: guildId,
    channels: [
      { id: lounge, name: 'lounge' },
      { id: vent, name: 'vent' },
      { id: announcements, name: 'announcements', botDenied: sendMessages },
      { id: loungeThread, name: 'lounge chat', type: 11, parentId: lounge },
    ],
  },
];

const startHarness = useHarness();
const start = (extras: { now?: () => number } = {}) =>
  startHarness({ backend: 'platform', discord: { guilds }, ...extras });

/** Runs /settings as `userId` (an admin unless told otherwise); resolves with the private reply's text. */
async function settings(
  h: Harness,
  subcommand: string,
  options: SlashOptionInput[] = [],
  as: { userId?: string; permissions?: string } = {},
): Promise<string> {
  const slash = h.discord.sendSlash({
    userId: as.userId ?? admin,
    name: 'settings',
    subcommand,
    options,
    guildId,
    channelId: lounge,
    memberPermissions: as.permissions ?? manageServer,
  });
  const edit = await finalEdit(h, slash.id);
  const { content } = edit.body as { content?: unknown };
  return typeof content === 'string' ? content : '';
}

const text = (name: string, value: string): SlashOptionInput => ({ name, type: 3, value });

/** Mentions the bot; resolves once the bot posted in that channel (or `timeoutMs` passed). */
async function mention(h: Harness, channelId: string, content: string, userId = alice) {
  const before = h.discord.messages(channelId).length;
  const sent = h.discord.sendGuildMessage({
    guildId,
    channelId,
    userId,
    content,
    mentionBot: true,
  });
  await h.discord.waitFor(() => h.discord.messages(channelId).length > before, 10_000);
  // The answer's last edit (the reply is streamed).
  await idle(100);
  return sent;
}

/** Mentions the bot where it should not post; resolves once the bot had time to handle it. */
async function mentionUnanswered(h: Harness, channelId: string, content: string) {
  h.discord.sendGuildMessage({ guildId, channelId, userId: alice, content, mentionBot: true });
  await idle(300);
}

const idle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('/settings', () => {
  it('refuses a member without Manage Server, and changes nothing', async () => {
    const h = await start();
    const member = defaultPermissions;
    const shown = await settings(h, 'show', [], { userId: bob, permissions: member });
    expect(shown).toMatch(/Only members who can manage this server/);
    const refused = await settings(h, 'memory', [text('state', 'off')], {
      userId: bob,
      permissions: member,
    });
    expect(refused).toMatch(/Only members who can manage this server/);
    expect(await settings(h, 'show')).toContain('- Memory: on');
  });

  it('keeps the bot to the listed channels: elsewhere no public answer, a private hint once, crisis lines privately', async () => {
    const h = await start();
    await settings(h, 'channel', [
      { name: 'channel', type: 7, value: lounge },
      text('list', 'add'),
    ]);
    expect(await settings(h, 'channels', [text('mode', 'only')])).toContain(`only in <#${lounge}>`);

    const before = h.gemini.chatRequests().length;
    await mentionUnanswered(h, vent, 'is anyone around');
    await mentionUnanswered(h, vent, 'hello?');
    await idle(300);
    expect(h.discord.messages(vent)).toEqual([]);
    expect(h.gemini.chatRequests()).toHaveLength(before);
    const dm = h.discord.dmChannelId(alice);
    const hints = h.discord.messages(dm).filter((m) => m.content.includes("can't talk in that"));
    expect(hints).toHaveLength(1);

    await mentionUnanswered(h, vent, crisisText);
    const lines = await h.discord.waitFor(
      () => h.discord.messages(dm).find((m) => /988|Samaritans|findahelpline/i.test(m.content)),
      10_000,
    );
    expect(lines).toBeDefined();
    expect(h.discord.messages(vent)).toEqual([]);

    // In the listed channel, and in a thread of it, it answers.
    await mention(h, lounge, 'hi there');
    expect(h.discord.messages(lounge).length).toBeGreaterThan(0);
    await mention(h, loungeThread, 'and in here?');
    expect(h.discord.messages(loungeThread).length).toBeGreaterThan(0);
  });

  it('adds the persona addition to the instruction, after the persona, below the safety rules', async () => {
    const h = await start();
    const reply = await settings(h, 'persona', [
      text('text', 'This is a server for night-shift nurses.'),
    ]);
    expect(reply).toContain('night-shift nurses');
    await mention(h, lounge, 'long shift today');
    const system = JSON.stringify(h.gemini.chatRequests().at(-1)?.body.systemInstruction);
    expect(system).toContain(
      '<server-wishes>This is a server for night-shift nurses.</server-wishes>',
    );
    expect(system).toMatch(/never changes that you are an AI/);
    await settings(h, 'persona');
    await mention(h, lounge, 'and now?');
    expect(JSON.stringify(h.gemini.chatRequests().at(-1)?.body.systemInstruction)).not.toContain(
      'night-shift',
    );
  });

  it('with memory off, neither recalls nor remembers what is said there, and says so once', async () => {
    const h = await start();
    await settings(h, 'memory', [text('state', 'off')]);
    const memoryCalls = () =>
      (h.mem0?.requests ?? []).filter((r) => /\/memories\/(add|search)\//.test(r.path)).length;
    const before = memoryCalls();
    await mention(h, lounge, 'my sister Ana moved to Lisbon');
    await mention(h, lounge, 'she likes it there');
    await idle(500);
    expect(memoryCalls()).toBe(before);
    const said = h.discord
      .messages(lounge)
      .filter((m) => m.content.includes('Memory is off in this server'));
    expect(said).toHaveLength(1);
    expect(h.mem0?.memories(`discord:${alice}`)).toEqual([]);
    // A crisis answered here offers no "remember" button: nothing here goes to memory.
    await mention(h, lounge, crisisText);
    await h.gemini.waitFor(
      () => h.gemini.chatRequests().some((r) => JSON.stringify(r.body).includes('kill myself')),
      10_000,
    );
    await idle(500);
    expect(JSON.stringify(h.discord.messages(lounge).map((m) => m.components))).not.toContain(
      ':remember:',
    );
  });

  it("lists the server's region and its own line with the crisis lines, and treats everyone as a minor in a minors' space", async () => {
    const h = await start();
    await settings(h, 'crisis-region', [text('region', 'de')]);
    await settings(h, 'crisis-line', [
      text('name', 'Our peer line'),
      text('contact', 'message @peer-support'),
    ]);
    await settings(h, 'minors', [text('state', 'on')]);
    await mention(h, lounge, crisisText);
    const lines = await h.discord.waitFor(
      () => h.discord.messages(lounge).find((m) => m.content.includes('0800 111 0 111')),
      10_000,
    );
    expect(lines.content).toContain('Our peer line');
    await mention(h, lounge, 'what should i do this weekend');
    const system = JSON.stringify(h.gemini.chatRequests().at(-1)?.body.systemInstruction);
    expect(system).toContain('The person you are talking with is under 18.');
  });

  it('keeps to the daily budget, says when it resets, answers a crisis anyway, and resets the next day', async () => {
    let clock = Date.parse('2026-12-03T10:00:00Z');
    const h = await start({ now: () => clock });
    await settings(h, 'budget', [{ name: 'answers', type: 4, value: 2 }]);
    await mention(h, lounge, 'one');
    await mention(h, lounge, 'two');
    await h.gemini.waitFor(() => h.gemini.chatRequests().length >= 2, 5_000);
    const asked = h.gemini.chatRequests().length;
    await mention(h, lounge, 'three');
    await h.discord.waitFor(
      () => h.discord.messages(lounge).at(-1)?.content.includes('today'),
      5_000,
    );
    const notice = h.discord.messages(lounge).at(-1);
    expect(notice?.content).toMatch(/all 2 answers this server has for today/);
    expect(notice?.content).toContain(`<t:${Date.parse('2026-12-04T00:00:00Z') / 1000}:R>`);
    expect(h.gemini.chatRequests()).toHaveLength(asked);
    // Told once a day each: a second mention past the budget adds nothing to the channel.
    const posted = h.discord.messages(lounge).length;
    await mentionUnanswered(h, lounge, 'four');
    expect(h.discord.messages(lounge)).toHaveLength(posted);
    // A crisis is answered whatever the budget.
    await mention(h, lounge, crisisText);
    await h.gemini.waitFor(() => h.gemini.chatRequests().length > asked, 10_000);
    // DMs never count against the server.
    const dm = h.discord.sendDm({ userId: alice, content: 'hello in private' });
    await h.discord.waitFor(() => h.discord.messages(dm.channel_id)[0], 10_000);
    clock = Date.parse('2026-12-04T00:00:01Z');
    const beforeNextDay = h.gemini.chatRequests().length;
    await mention(h, lounge, 'a new day');
    await h.gemini.waitFor(() => h.gemini.chatRequests().length > beforeNextDay, 10_000);
  });

  it('stays quiet where Discord does not let it post, with no retry and one log line', async () => {
    const h = await start();
    await mentionUnanswered(h, announcements, 'hello');
    await mentionUnanswered(h, announcements, 'hello again');
    await idle(500);
    // Nothing posted or attempted there (a post would be a 403 and a violation).
    expect(h.discord.requests.filter((r) => r.path.includes(announcements))).toEqual([]);
    expect(h.discord.messages(announcements)).toEqual([]);
  });

  it('shows admins settings and changes only, never what members said; deletes them when the bot leaves', async () => {
    const h = await start();
    await mention(h, lounge, 'my secret is that I am scared of the dark', alice);
    await settings(h, 'budget', [{ name: 'answers', type: 4, value: 50 }]);
    const shown = await settings(h, 'show');
    expect(shown).toContain('daily budget 50 answers');
    expect(shown).toContain(`by <@${admin}>`);
    expect(shown).not.toMatch(/scared|dark|secret/i);
    for (const response of h.discord.requests.filter((r) => r.path.includes('/webhooks/'))) {
      expect(JSON.stringify(response.body)).not.toMatch(/scared of the dark/);
    }

    const file = join(h.config.dataDir, 'server-settings.db');
    expect(existsSync(file)).toBe(true);
    const rows = () => {
      const db = new Database(file, { readonly: true });
      try {
        return (
          db
            .prepare('SELECT count(*) AS n FROM server_settings WHERE guild_id = ?')
            .get(guildId) as {
            n: number;
          }
        ).n;
      } finally {
        db.close();
      }
    };
    expect(rows()).toBe(1);
    h.discord.removeFromGuild(guildId);
    await h.discord.waitFor(() => rows() === 0, 5_000);
  });
});
