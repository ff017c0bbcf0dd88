import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { pino } from 'pino';
import { createApp } from '../../src/app.js';
import { notices } from '../../src/conversation/notices.js';
import { silentLogger } from '../fakes/core-fakes.js';
import { createMessageInbox } from '../../src/discord/message-inbox.js';
import { startFakeMem0 } from '../standins/mem0-platform.js';
import {
  type Harness,
  tellAndSettle,
  testDiscordToken,
  useHarness,
  withoutGreeting,
} from '../helpers/harness.js';

const alice = '200000000000000001';

const startHarness = useHarness();

/** Waits until the channel shows the finished answer to that message. */
async function answerShown(h: Harness, channelId: string): Promise<void> {
  await h.discord.waitFor(
    () =>
      h.discord
        .messages(channelId)
        .find((m) => withoutGreeting(m.content) === 'I hear you: "are you still there?"'),
    10_000,
  );
}

/** Writes the inbox a run leaves when it died after receiving Alice's message, before answering. */
function leftUnanswered(dataDir: string, channelId: string, messageId: string): void {
  const inbox = createMessageInbox({ path: join(dataDir, 'inbox.db') });
  inbox.receive({
    id: messageId,
    channelId,
    guildId: undefined,
    authorId: alice,
    content: 'are you still there?',
    receivedAt: Date.now() - 5_000,
  });
  inbox.close();
}

describe('start-up', () => {
  it.each(['open-source', 'platform'] as const)(
    'builds the bot without touching a file or a service; start() opens them (%s)',
    async (backend) => {
      const h = await startHarness({ backend });
      await h.app.stop();
      const dataDir = join(mkdtempSync(join(tmpdir(), 'wellness0-start-')), 'data');
      // A Platform of its own: mem0's client pings once per key and host in a process.
      const mem0 =
        backend === 'platform' ? await startFakeMem0({ apiKey: 'm0-start-up' }) : undefined;
      const config = {
        ...h.config,
        dataDir,
        memory:
          h.config.memory.backend === 'open-source'
            ? { ...h.config.memory, dataDir }
            : { backend: 'platform' as const, apiKey: 'm0-start-up', host: mem0?.baseUrl },
      };
      // As main sets it: mem0 open source writes its id file there as soon as its Memory is built.
      const mem0Dir = process.env.MEM0_DIR;
      process.env.MEM0_DIR = join(dataDir, 'mem0');
      onTestFinished(() => {
        process.env.MEM0_DIR = mem0Dir;
      });
      const calls = () =>
        [h.discord.requests.length, h.gemini.requests.length, mem0?.requests.length ?? 0].join();
      const callsBefore = calls();

      const app = createApp(config, silentLogger);
      // Time for whatever a constructor sets going (mem0's client pings the Platform when built)
      // to reach a stand-in: the absence of an event has no event to wait for.
      await new Promise((resolve) => setTimeout(resolve, 200));

      expect(existsSync(dataDir)).toBe(false);
      expect(calls()).toBe(callsBefore);
      await app.start();
      try {
        expect(statSync(dataDir).mode & 0o777).toBe(0o700);
        expect(existsSync(join(dataDir, 'memory-writes.db'))).toBe(true);
        expect(existsSync(join(dataDir, 'inbox.db'))).toBe(true);
        const sent = h.discord.sendDm({ userId: alice, content: 'are you still there?' });
        await answerShown(h, sent.channel_id);
        expect(mem0?.violations ?? []).toEqual([]);
      } finally {
        await app.stop();
        await mem0?.close();
      }
    },
  );
});

describe('delivery', () => {
  it('never answers the same message twice when Discord replays the event', async () => {
    const h = await startHarness({ backend: 'platform' });
    const first = h.discord.sendDm({
      userId: alice,
      content: 'hello once',
      messageId: '500000000000000001',
    });
    await h.discord.waitFor(() => h.discord.messages(first.channel_id)[0], 10_000);
    h.discord.dispatch('MESSAGE_CREATE', first);
    // The person's next message comes after the replay, and a person's turns are answered in
    // order: once it is answered, a replay that was taken in would have been answered too.
    h.discord.sendDm({ userId: alice, content: 'hello twice' });
    await h.discord.waitFor(
      () => h.discord.messages(first.channel_id).find((m) => m.content.includes('hello twice')),
      10_000,
    );
    await h.app.core.whenIdle(10_000);

    expect(h.discord.messages(first.channel_id).map((m) => withoutGreeting(m.content))).toEqual([
      'I hear you: "hello once"',
      'I hear you: "hello twice"',
    ]);
    expect(h.gemini.chatRequests()).toHaveLength(2);
  });

  it('never answers a replayed message that a restarted run no longer has in its cache', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wellness0-recovery-'));
    const h = await startHarness({ backend: 'platform', env: { DATA_DIR: dataDir } });
    const { sent: first } = await tellAndSettle(h, alice, 'hello once');
    await h.app.stop();
    // A new run knows the message only from its inbox, not from discord.js's message cache
    // (which drops replays of messages it still holds).
    const restarted = createApp(h.config, silentLogger);
    await restarted.start();
    try {
      h.discord.dispatch('MESSAGE_CREATE', first);
      // Answered in order after the replay, as in the test above.
      h.discord.sendDm({ userId: alice, content: 'hello twice' });
      await h.discord.waitFor(
        () => h.discord.messages(first.channel_id).find((m) => m.content.includes('hello twice')),
        10_000,
      );
      await restarted.core.whenIdle(10_000);

      expect(h.discord.messages(first.channel_id).map((m) => withoutGreeting(m.content))).toEqual([
        'I hear you: "hello once"',
        'I hear you: "hello twice"',
      ]);
      expect(h.gemini.chatRequests()).toHaveLength(2);
    } finally {
      await restarted.stop();
    }
  });

  it('posts one answer when Discord created it but the response was lost on the way back', async () => {
    const h = await startHarness({ backend: 'platform' });
    // The first send of the answer takes effect, then fails as if the connection dropped; the
    // client sends it again, and Discord must not show the answer twice.
    h.discord.failNext({
      method: 'POST',
      path: /^\/channels\/\d+\/messages$/,
      status: 502,
      afterProcessing: true,
    });
    const dm = h.discord.sendDm({ userId: alice, content: 'did you get this?' });
    await h.discord.waitFor(() => h.discord.messages(dm.channel_id)[0], 10_000);
    await h.app.core.whenIdle(10_000);

    const posts = h.discord.requests.filter(
      (r) => r.method === 'POST' && r.path === `/channels/${dm.channel_id}/messages`,
    );
    expect(posts.map((r) => r.status)).toEqual([502, 200]);
    expect(h.discord.messages(dm.channel_id)).toHaveLength(1);
    expect(withoutGreeting(h.discord.messages(dm.channel_id)[0]?.content ?? '')).toContain(
      'did you get this?',
    );
  });

  it('answers, after a restart, a message a run that died had received but not answered', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wellness0-recovery-'));
    // A first run received the message and died before answering (as after kill -9).
    const h0 = await startHarness({ backend: 'platform' });
    const channelId = h0.discord.sendDm({ userId: alice, content: 'warm-up' }).channel_id;
    await h0.close();
    leftUnanswered(dataDir, channelId, '500000000000000002');

    const h = await startHarness({
      backend: 'platform',
      env: { DATA_DIR: dataDir },
      discord: { users: [{ id: alice }] },
    });
    await answerShown(h, channelId);
    await h.app.core.whenIdle(10_000);

    // One answer, to that message, in the person's DM.
    expect(h.discord.messages(channelId).map((m) => withoutGreeting(m.content))).toEqual([
      'I hear you: "are you still there?"',
    ]);
    expect(h.gemini.chatRequests()).toHaveLength(1);
  });

  it('finishes, after a restart, the answer a run that died had begun, in the same message', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wellness0-recovery-'));
    const h = await startHarness({ backend: 'platform', env: { DATA_DIR: dataDir } });
    // Remembered, so that the new run greets no one and its first send is its whole answer.
    const { sent } = await tellAndSettle(h, alice, 'warm-up');
    const channelId = sent.channel_id;
    await h.app.stop();
    // The run that died had received the message and posted the answer's first words, but had
    // not recorded that message's id.
    const messageId = '500000000000000003';
    leftUnanswered(dataDir, channelId, messageId);
    const posted = await fetch(`${h.discord.apiBase}/v10/channels/${channelId}/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bot ${testDiscordToken}`,
        'content-type': 'application/json',
        'user-agent': 'DiscordBot (https://example.invalid, 1.0)',
      },
      body: JSON.stringify({
        content: 'I hear you: "are yo',
        nonce: messageId,
        enforce_nonce: true,
      }),
    });
    expect(posted.status).toBe(200);

    // In one piece, so that the new run's first send already carries the whole answer.
    h.gemini.script({ kind: 'text', text: 'I hear you: "are you still there?"', chunks: 1 });
    const restarted = createApp(h.config, pino({ level: 'silent' }));
    await restarted.start();
    try {
      await answerShown(h, channelId);
      await restarted.core.whenIdle(10_000);
      // The warm-up's answer, then this one: no second message for it.
      expect(h.discord.messages(channelId)).toHaveLength(2);
    } finally {
      await restarted.stop();
    }
  });

  it('survives Discord refusing a reply (closed DMs, missing permission) and answers the next message', async () => {
    const h = await startHarness({ backend: 'platform' });
    h.discord.failNext({
      method: 'POST',
      path: /\/messages$/,
      status: 403,
      count: 2,
      body: { message: 'Cannot send messages to this user', code: 50007 },
    });
    const first = h.discord.sendDm({ userId: alice, content: 'are you there?' });
    const posts = () =>
      h.discord.requests.filter(
        (r) => r.method === 'POST' && r.path === `/channels/${first.channel_id}/messages`,
      );
    // Both refusals have come back, and the turn is over.
    await h.discord.waitFor(() => posts().filter((r) => r.status === 403).length === 2, 10_000);
    await h.app.core.whenIdle(10_000);
    // Refused sends were logged, not thrown: the bot is still up and answers the next message.
    h.discord.sendDm({ userId: alice, content: 'hello again' });
    await h.discord.waitFor(
      () =>
        h.discord
          .messages(first.channel_id)
          .find((m) => withoutGreeting(m.content) === 'I hear you: "hello again"'),
      10_000,
    );
    await h.app.core.whenIdle(10_000);

    // Of the first answer, only the notice that it failed got through (Discord let the third
    // send pass); then the next message's answer. Nothing half-sent, nothing twice.
    expect(h.discord.messages(first.channel_id).map((m) => withoutGreeting(m.content))).toEqual([
      notices.unexpected,
      'I hear you: "hello again"',
    ]);
    expect(posts().map((r) => r.status)).toEqual([403, 403, 200, 200]);
  });
});
