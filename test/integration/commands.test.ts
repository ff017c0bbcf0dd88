import { describe, expect, it } from 'vitest';
import {
  type Harness,
  type MemoryBackend,
  registerTestCommands,
  tellAndSettle,
  useHarness,
} from '../helpers/harness.js';
import { buttonIds } from '../helpers/commands.js';
import type { InteractionPayload, StoredMessage } from '../standins/discord.js';

const alice = '200000000000000001';
const bob = '200000000000000002';
const guildId = '400000000000000001';
const channelId = '400000000000000002';

const startHarness = useHarness();

async function start(
  backend: MemoryBackend,
  mem0Options?: { asyncDeleteDelayMs?: number },
  sleep?: (ms: number) => Promise<void>,
) {
  const h = await startHarness({
    backend,
    discord: { guilds: [{ id: guildId, channels: [{ id: channelId }] }] },
    ...(mem0Options ? { mem0: mem0Options } : {}),
    ...(sleep ? { sleep } : {}),
  });
  await registerTestCommands(h);
  return h;
}

/** The private reply of an interaction once it has been edited with a result. */
async function finalReply(h: Harness, interaction: InteractionPayload): Promise<StoredMessage> {
  return h.discord.waitFor(() => {
    const edits = h.discord
      .interactionResponses(interaction.id)
      .filter((r) => r.kind === 'original-edit');
    if (edits.length === 0) return undefined;
    return h.discord.messages().find((m) => m.interactionId === interaction.id);
  }, 15_000);
}

describe.each<MemoryBackend>(['open-source', 'platform'])('commands with %s memory', (backend) => {
  it('/memories shows only the caller what is remembered, privately, with working delete buttons', async () => {
    const h = await start(backend);
    await tellAndSettle(h, alice, 'I adopted a cat named Miso');
    await tellAndSettle(h, alice, 'I work night shifts at the hospital');
    await tellAndSettle(h, bob, 'I play the violin in an orchestra');

    const slash = h.discord.sendSlash({ userId: alice, name: 'memories' });
    const reply = await finalReply(h, slash);
    const responses = h.discord.interactionResponses(slash.id);
    expect(responses.every((r) => r.ephemeral)).toBe(true);
    expect(responses[0]).toMatchObject({ kind: 'callback', type: 5 });
    expect(reply.content).toContain('Miso');
    expect(reply.content).toContain('night shifts');
    expect(reply.content).not.toContain('violin');
    expect(reply.content).toContain('in a DM');

    // Bob cannot use Alice's buttons.
    const deleteMiso = buttonIds(reply).find((id) => id.includes(':delete:'));
    expect(deleteMiso).toBeDefined();
    const stolen = h.discord.sendButton({
      userId: bob,
      customId: deleteMiso ?? '',
      messageId: reply.id,
    });
    await h.discord.waitFor(() => h.discord.interactionResponses(stolen.id)[0], 5_000);
    expect(h.discord.interactionResponses(stolen.id)[0]).toMatchObject({
      type: 4,
      ephemeral: true,
    });
    expect((await h.app.core.memory.list(`discord:${alice}` as never)).length).toBe(2);

    // Alice's own press deletes that memory and shows the updated list.
    const press = h.discord.sendButton({
      userId: alice,
      customId: deleteMiso ?? '',
      messageId: reply.id,
    });
    await h.discord.waitFor(
      () => h.discord.interactionResponses(press.id).find((r) => r.kind === 'original-edit'),
      10_000,
    );
    const remaining = await h.app.core.memory.list(`discord:${alice}` as never);
    expect(remaining.map((m) => m.text)).toHaveLength(1);
    expect(h.discord.interactionResponses(press.id).every((r) => r.ephemeral)).toBe(true);
  });

  it('/memories says plainly when nothing is remembered', async () => {
    const h = await start(backend);
    const slash = h.discord.sendSlash({ userId: alice, name: 'memories' });
    expect((await finalReply(h, slash)).content).toMatch(/don't remember anything about you yet/);
  });

  it('/forget everything, once confirmed, leaves nothing to list, search or recall', async () => {
    const h = await start(backend);
    await tellAndSettle(h, alice, 'My brother Tom is in hospital');
    await tellAndSettle(h, bob, 'My brother Sam plays football');

    const slash = h.discord.sendSlash({ userId: alice, name: 'forget', subcommand: 'everything' });
    const confirm = await finalReply(h, slash);
    expect(confirm.content).toMatch(/cannot be undone/);
    const yes = buttonIds(confirm).find((id) => id.includes(':everything:')) ?? '';
    const press = h.discord.sendButton({ userId: alice, customId: yes, messageId: confirm.id });
    const done = await h.discord.waitFor(
      () => h.discord.interactionResponses(press.id).find((r) => r.kind === 'original-edit'),
      15_000,
    );
    expect(JSON.stringify(done.body)).toMatch(/checked that/);

    const aliceId = `discord:${alice}` as never;
    expect(await h.app.core.memory.list(aliceId)).toEqual([]);
    expect(
      await h.app.core.memory.search(aliceId, 'brother Tom hospital', {
        limit: 5,
        origin: { kind: 'dm' },
      }),
    ).toEqual([]);
    // Bob's memories are untouched.
    expect((await h.app.core.memory.list(`discord:${bob}` as never)).length).toBe(1);

    // And the bot no longer recalls anything, nor the recent conversation.
    const before = h.gemini.chatRequests().length;
    await tellAndSettle(h, alice, 'how is my brother Tom doing?');
    const asked = JSON.stringify(h.gemini.chatRequests()[before]?.body.contents);
    expect(asked).not.toContain('<memories>');
    expect(asked).not.toContain('is in hospital');
  });

  it('/forget topic forgets only what matches, after confirmation', async () => {
    const h = await start(backend);
    await tellAndSettle(h, alice, 'I am anxious about my exams');
    await tellAndSettle(h, alice, 'I love baking sourdough bread');
    const slash = h.discord.sendSlash({
      userId: alice,
      name: 'forget',
      subcommand: 'topic',
      options: [{ name: 'about', type: 3, value: 'exams anxious' }],
    });
    const confirm = await finalReply(h, slash);
    expect(confirm.content).toContain('exams');
    const yes = buttonIds(confirm).find((id) => id.includes(':topic:')) ?? '';
    const press = h.discord.sendButton({ userId: alice, customId: yes, messageId: confirm.id });
    await h.discord.waitFor(
      () => h.discord.interactionResponses(press.id).find((r) => r.kind === 'original-edit'),
      15_000,
    );
    const left = (await h.app.core.memory.list(`discord:${alice}` as never)).map((m) => m.text);
    expect(left.join(' ')).toContain('sourdough');
    expect(left.join(' ')).not.toContain('exams');
  });

  it('/export sends the caller, privately, a file equal to the list', async () => {
    const h = await start(backend);
    await tellAndSettle(h, alice, 'I started running in the mornings');
    const slash = h.discord.sendSlash({ userId: alice, name: 'export', guildId, channelId });
    await finalReply(h, slash);
    const edit = h.discord.interactionResponses(slash.id).find((r) => r.kind === 'original-edit');
    expect(edit?.ephemeral).toBe(true);
    const upload = h.discord.requests.find(
      (r) => r.method === 'PATCH' && r.path.endsWith(`/${slash.token}/messages/@original`),
    );
    const files = (upload?.body as { files?: Array<{ text: string }> }).files ?? [];
    expect(files).toHaveLength(1);
    const exported = JSON.parse(files[0]?.text ?? '{}') as {
      memories: Array<{ id: string; text: string }>;
    };
    const listed = await h.app.core.memory.list(`discord:${alice}` as never);
    expect(exported.memories.map((m) => [m.id, m.text])).toEqual(listed.map((m) => [m.id, m.text]));
    // Nothing was posted publicly in the server channel.
    expect(h.discord.messages(channelId).filter((m) => !m.ephemeral)).toEqual([]);
  });
});

describe('confirmation buttons', () => {
  it('refuse a crafted press carrying someone else’s pending /forget topic, and keep it for them', async () => {
    const h = await start('platform');
    await tellAndSettle(h, alice, 'I am anxious about my exams');
    const slash = h.discord.sendSlash({
      userId: alice,
      name: 'forget',
      subcommand: 'topic',
      options: [{ name: 'about', type: 3, value: 'exams anxious' }],
    });
    const confirm = await finalReply(h, slash);
    const alicesYes = buttonIds(confirm).find((id) => id.includes(':topic:')) ?? '';
    // Bob rewrites the owner part of Alice's button id to his own, keeping her key, and sends it
    // from a message of his own (Discord only checks custom ids against the message pressed).
    const crafted = alicesYes.replace(`:${alice}:`, `:${bob}:`);
    const press = h.discord.sendButton({
      userId: bob,
      customId: crafted,
      messageId: '300000000000000999',
    });
    const bobSees = await h.discord.waitFor(
      () => h.discord.interactionResponses(press.id).find((r) => r.kind === 'original-edit'),
      15_000,
    );
    expect(JSON.stringify(bobSees.body)).toMatch(/expired/);
    expect(JSON.stringify(bobSees.body)).not.toMatch(/forgot|memor/i);

    // Alice's own press still works.
    const hers = h.discord.sendButton({
      userId: alice,
      customId: alicesYes,
      messageId: confirm.id,
    });
    const aliceSees = await h.discord.waitFor(
      () => h.discord.interactionResponses(hers.id).find((r) => r.kind === 'original-edit'),
      15_000,
    );
    expect(JSON.stringify(aliceSees.body)).toMatch(/checked that/);
  });
});

describe('commands when mem0 misbehaves', () => {
  it('acknowledges within Discord’s 3 seconds even when mem0 is slow', async () => {
    const h = await start('platform');
    h.mem0?.setLatency(3_500, /\/v3\/memories\/$/);
    const slash = h.discord.sendSlash({ userId: alice, name: 'memories' });
    const reply = await finalReply(h, slash);
    const callback = h.discord.interactionResponses(slash.id)[0];
    expect(callback).toMatchObject({ kind: 'callback', type: 5, ephemeral: true });
    expect(reply.content).toMatch(/don't remember anything/);
  });

  it('/forget says honestly when something is still stored', async () => {
    // The Platform deletes asynchronously; here it takes longer than /forget keeps checking
    // (its waits between checks pass at once here, and are recorded).
    const waits: number[] = [];
    const h = await start('platform', { asyncDeleteDelayMs: 60_000 }, async (ms) => {
      waits.push(ms);
    });
    await tellAndSettle(h, alice, 'I am moving to Lisbon next month');
    const slash = h.discord.sendSlash({ userId: alice, name: 'forget', subcommand: 'everything' });
    const confirm = await finalReply(h, slash);
    const yes = buttonIds(confirm).find((id) => id.includes(':everything:')) ?? '';
    const press = h.discord.sendButton({ userId: alice, customId: yes, messageId: confirm.id });
    const done = await h.discord.waitFor(
      () => h.discord.interactionResponses(press.id).find((r) => r.kind === 'original-edit'),
      20_000,
    );
    expect(JSON.stringify(done.body)).toMatch(/still stored/);
    expect(JSON.stringify(done.body)).toContain('Lisbon');
    expect(waits).toEqual([500, 1_500, 3_000]);
  }, 30_000);
});
