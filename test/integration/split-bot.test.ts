// The bot split into a gateway and workers (npm run gateway / npm run worker), in this process,
// on a real redis-server, against the stand-ins: what a person sees is what one process gives.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { registerCommands } from '../../src/discord/register-commands.js';
import { memoryUserIdForDiscord } from '../../src/memory/user-id.js';
import { testDiscordToken, withoutGreeting } from '../helpers/harness.js';
import { type RedisServer, redisTestsEnabled, startRedis } from '../helpers/redis.js';
import { type SplitBot, startSplitBot } from '../helpers/split-bot.js';
import { defaultPermissions } from '../standins/discord/payloads.js';

const alice = '200000000000000001';
const bob = '200000000000000002';
const crisisText = 'i want to kill myself tonight';
const guildId = '400000000000000001';
const lounge = '400000000000000002';
const vent = '400000000000000003';
const guilds = [{ id: guildId, channels: [{ id: lounge }, { id: vent }] }];
const admin = '200000000000000009';
const manageServer = (BigInt(defaultPermissions) | (1n << 5n)).toString();

describe.runIf(redisTestsEnabled())('a bot split into a gateway and workers', () => {
  let redis: RedisServer;
  let bot: SplitBot | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    const violations = bot?.violations() ?? [];
    await bot?.close();
    bot = undefined;
    // Each test starts with an empty Redis: nothing of one is seen by the next.
    const { Redis } = await import('ioredis');
    const client = new Redis(redis.url);
    await client.flushall();
    client.disconnect();
    expect(violations).toEqual([]);
  });
  afterAll(async () => {
    await redis.stop();
  });

  /** Registers every command globally, as `npm run deploy-commands` does. */
  async function registerAll(b: SplitBot) {
    await registerCommands({
      token: testDiscordToken,
      applicationId: b.botUserId,
      guildId: undefined,
      apiUrl: b.discord.apiBase,
      commands,
    });
  }

  async function start(workers: number, env: Record<string, string> = {}) {
    bot = await startSplitBot({ redisUrl: redis.url, workers, env, guilds });
    return bot;
  }

  it('answers a DM once, and the next worker carries on the conversation where the last left it', async () => {
    const b = await start(1);
    const first = b.discord.sendDm({ userId: alice, content: 'my cat Miso is unwell' });
    const firstAnswer = await b.discord.waitFor(
      () => b.discord.messages(first.channel_id)[0],
      10_000,
    );
    await b.discord.waitFor(
      () => withoutGreeting(firstAnswer.content).length > 0 && b.gemini.chatRequests().length === 1,
      10_000,
    );
    // The worker that answered goes away; a new one (nothing in its memory) takes the next message.
    const [gone] = b.workers.splice(0, 1);
    await gone?.stop(5_000);
    await b.addWorker();
    const second = b.discord.sendDm({ userId: alice, content: 'she is eating again' });
    await b.discord.waitFor(() => b.gemini.chatRequests().length === 2, 10_000);
    const prompt = JSON.stringify(b.gemini.chatRequests()[1]?.body.contents);
    // The first exchange is in the second prompt's history: it came through Redis.
    expect(prompt).toContain('my cat Miso is unwell');
    await b.discord.waitFor(() => b.discord.messages(second.channel_id).length === 2, 10_000);
    // Each message answered once.
    const answers = b.discord.messages(first.channel_id);
    expect(answers).toHaveLength(2);
  });

  it('writes to memory what a worker queued after that worker is gone: the queue is in Redis, not its disk', async () => {
    const b = await start(1);
    // The first two adds fail (mem0 busy): the exchange waits in the queue for a retry.
    b.mem0.failNext({ method: 'POST', path: /^\/v3\/memories\/add\/$/, status: 503, count: 2 });
    const dm = b.discord.sendDm({ userId: alice, content: 'my sister Ana moved to Lisbon' });
    await b.discord.waitFor(() => b.discord.messages(dm.channel_id)[0], 10_000);
    await b.mem0.waitFor(
      () => b.mem0.requests.some((r) => r.method === 'POST' && r.status === 503) || undefined,
      10_000,
    );
    // Its worker is scaled away (its DATA_DIR with it) before the retry; another one is started.
    const [gone] = b.workers.splice(0, 1);
    await gone?.stop(2_000);
    await b.addWorker();
    await b.mem0.waitFor(
      () => b.mem0.memories().some((m) => m.user_id === `discord:${alice}`) || undefined,
      15_000,
    );
    expect(
      b.mem0.memories().filter((m) => m.user_id === `discord:${alice}`).length,
    ).toBeGreaterThan(0);
  });

  it('keeps a person’s state in Redis, not on a worker: nothing of theirs stays in the worker once served', async () => {
    const b = await start(1);
    await registerAll(b);
    const slash = b.discord.sendSlash({
      userId: alice,
      name: 'safety',
      subcommand: 'region',
      options: [{ name: 'country', type: 3, value: 'de' }],
    });
    await b.discord.waitFor(
      () => b.discord.interactionResponses(slash.id).find((r) => r.kind === 'original-edit'),
      10_000,
    );
    const worker = b.workers[0];
    const userId = memoryUserIdForDiscord(alice);
    // Saved to Redis, then let go of here: no copy in the worker's memory or DATA_DIR.
    await b.discord.waitFor(() => worker?.core.safety.get(userId).region === undefined, 5_000);
    expect(worker?.core.exportPerson(userId)).toMatchObject({ history: [], greeted: [] });
    expect(existsSync(join(b.dataDirs[1] ?? '', 'safety-settings.db'))).toBe(false);
    // And the next message, wherever it is answered, gets the region's lines.
    const dm = b.discord.sendDm({ userId: alice, content: crisisText });
    await b.discord.waitFor(
      () => b.discord.messages(dm.channel_id).find((m) => m.content.includes('0800 111 0 111')),
      10_000,
    );
  });

  it('applies at the gateway, at once, server settings an admin made through a worker', async () => {
    const b = await start(1);
    await registerAll(b);
    const settings = async (
      subcommand: string,
      options: Array<{ name: string; type: number; value: unknown }>,
    ) => {
      const slash = b.discord.sendSlash({
        userId: admin,
        name: 'settings',
        subcommand,
        options,
        guildId,
        channelId: lounge,
        memberPermissions: manageServer,
      });
      return b.discord.waitFor(
        () => b.discord.interactionResponses(slash.id).find((r) => r.kind === 'original-edit'),
        10_000,
      );
    };
    await settings('channel', [
      { name: 'channel', type: 7, value: lounge },
      { name: 'list', type: 3, value: 'add' },
    ]);
    const done = await settings('channels', [{ name: 'mode', type: 3, value: 'only' }]);
    expect(JSON.stringify(done.body)).toContain(`only in <#${lounge}>`);
    await settings('persona', [{ name: 'text', type: 3, value: 'We are a book club.' }]);

    b.discord.sendGuildMessage({
      guildId,
      channelId: vent,
      userId: alice,
      content: 'hi',
      mentionBot: true,
    });
    const dm = b.discord.dmChannelId(alice);
    await b.discord.waitFor(
      () => b.discord.messages(dm).find((m) => m.content.includes("can't talk in that")),
      10_000,
    );
    expect(b.discord.messages(vent)).toEqual([]);
    b.discord.sendGuildMessage({
      guildId,
      channelId: lounge,
      userId: alice,
      content: 'hello',
      mentionBot: true,
    });
    await b.discord.waitFor(() => b.discord.messages(lounge)[0], 10_000);
    await b.gemini.waitFor(() => b.gemini.chatRequests().length > 0, 10_000);
    expect(JSON.stringify(b.gemini.chatRequests().at(-1)?.body.systemInstruction)).toContain(
      'We are a book club.',
    );
  });

  it('acknowledges a slash command at the gateway and answers it privately from a worker', async () => {
    const b = await start(2);
    await registerAll(b);
    const slash = b.discord.sendSlash({ userId: bob, name: 'memories' });
    const edited = await b.discord.waitFor(
      () => b.discord.interactionResponses(slash.id).find((r) => r.kind === 'original-edit'),
      10_000,
    );
    const responses = b.discord.interactionResponses(slash.id);
    // Deferred privately by the gateway (type 5), then edited with the result by a worker.
    expect(responses[0]).toMatchObject({ kind: 'callback', type: 5, ephemeral: true });
    expect(edited).toBeDefined();
    const reply = b.discord.messages().find((m) => m.interactionId === slash.id);
    expect(reply?.content).toMatch(/remember/i);
    expect(responses.every((r) => r.ephemeral)).toBe(true);
  });

  it('posts the crisis lines from the gateway at once, with no worker running, and the answer later without posting them twice', async () => {
    const b = await start(0);
    const sent = b.discord.sendDm({ userId: alice, content: crisisText });
    const lines = await b.discord.waitFor(() => b.discord.messages(sent.channel_id)[0], 5_000);
    expect(lines.content).toMatch(/988|crisis|emergency/i);
    expect(b.gemini.chatRequests()).toHaveLength(0);
    await b.addWorker();
    await b.discord.waitFor(
      () => b.discord.messages(sent.channel_id).length >= 2 && b.gemini.chatRequests().length === 1,
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const mine = b.discord.messages(sent.channel_id);
    // The lines once, then the answer.
    expect(mine).toHaveLength(2);
    expect(mine.filter((m) => m.content === lines.content)).toHaveLength(1);
  });

  it('/forget everything through the gateway: a worker forgets the memories and the conversation, for every worker', async () => {
    const b = await start(2);
    await registerAll(b);
    const first = b.discord.sendDm({ userId: alice, content: 'my brother Tom is in hospital' });
    await b.discord.waitFor(() => b.discord.messages(first.channel_id)[0], 10_000);
    // Written and searchable (the Platform adds asynchronously), as tellAndSettle waits.
    await b.mem0.waitFor(
      () =>
        (b.mem0.memories().length > 0 &&
          b.mem0.memories().every((m) => m.searchableAt <= Date.now())) ||
        undefined,
      10_000,
    );

    const slash = b.discord.sendSlash({ userId: alice, name: 'forget', subcommand: 'everything' });
    await b.discord.waitFor(
      () => b.discord.interactionResponses(slash.id).find((r) => r.kind === 'original-edit'),
      10_000,
    );
    const confirm = b.discord.messages().find((m) => m.interactionId === slash.id);
    const yes =
      (confirm?.components as Array<{ components: Array<{ custom_id: string }> }>)
        .flatMap((row) => row.components.map((button) => button.custom_id))
        .find((id) => id.includes(':everything:')) ?? '';
    const press = b.discord.sendButton({
      userId: alice,
      customId: yes,
      messageId: confirm?.id ?? '',
    });
    const done = await b.discord.waitFor(
      () => b.discord.interactionResponses(press.id).find((r) => r.kind === 'original-edit'),
      15_000,
    );
    // Acknowledged by the gateway (a deferred update), finished by a worker.
    expect(b.discord.interactionResponses(press.id)[0]).toMatchObject({
      kind: 'callback',
      type: 6,
    });
    expect(JSON.stringify(done.body)).toMatch(/checked that/);
    expect(b.mem0.memories().filter((m) => m.user_id === `discord:${alice}`)).toEqual([]);

    const before = b.gemini.chatRequests().length;
    b.discord.sendDm({ userId: alice, content: 'how is my brother doing?' });
    await b.discord.waitFor(() => b.gemini.chatRequests().length > before || undefined, 10_000);
    // Whichever worker answers, the conversation before the /forget is gone.
    expect(JSON.stringify(b.gemini.chatRequests()[before]?.body.contents)).not.toContain(
      'is in hospital',
    );
  });
});
