import { describe, expect, it } from 'vitest';
import {
  type Harness,
  type MemoryBackend,
  registerTestCommands,
  tellAndSettle,
  useHarness,
} from '../helpers/harness.js';
import { forgetEverything } from '../helpers/commands.js';

const alice = '200000000000000001';
const bob = '200000000000000002';
const startHarness = useHarness();

/**
 * Runs `/forget everything` and confirms it while Alice's answer is held (streams paused), then
 * lets the answer go on; resolves with the time the result of /forget was shown.
 */
async function forgetWhileAnswering(h: Harness): Promise<number> {
  const callbacksBefore = pressDeferrals(h);
  const forgetting = forgetEverything(h, alice, 40_000).then(() => Date.now());
  // The press is acknowledged (deferred) before /forget starts its work, which begins by
  // marking everything of Alice's in flight as forgotten, with no I/O in between; the answer,
  // once let go, still has its last chunks to read and its final edit to post on Discord.
  await h.discord.waitFor(() => pressDeferrals(h) > callbacksBefore, 10_000);
  expect(h.discord.messages().some((m) => m.content.includes('Done: I forgot'))).toBe(false);
  h.gemini.resumeStreams();
  return forgetting;
}

/** How many button presses the bot has acknowledged with a deferred update. */
function pressDeferrals(h: Harness): number {
  return h.discord.requests.filter(
    (r) =>
      r.method === 'POST' &&
      r.path.endsWith('/callback') &&
      (r.body as { type?: unknown } | undefined)?.type === 6,
  ).length;
}

/** A DM the bot answers, sent to show that everything sent before it was handled. */
async function barrier(h: Harness, userId: string) {
  const dm = h.discord.sendDm({ userId, content: 'is this thing on?' });
  await h.discord.waitFor(() => h.discord.messages(dm.channel_id)[0], 10_000);
}

describe.each<MemoryBackend>(['open-source', 'platform'])(
  '/forget with %s memory, while an answer is being written',
  (backend) => {
    it('leaves nothing of that message in memory, in history or in a later prompt', async () => {
      const h = await startHarness({
        backend,
        // A real batch window: the write would otherwise land before /forget could matter.
        env: { MEMORY_BATCH_WINDOW_MS: '1000' },
      });
      await registerTestCommands(h);
      // The answer is written until /forget is confirmed: its first words shown, the rest held.
      h.gemini.pauseStreams();
      const dm = h.discord.sendDm({ userId: alice, content: 'my secret plan is glimmerfox' });
      // The answer has started streaming when /forget is confirmed.
      await h.discord.waitFor(() => h.discord.messages(dm.channel_id)[0], 10_000);
      expect(h.discord.messages(dm.channel_id)[0]?.content).not.toContain('glimmerfox');
      const forgotAt = await forgetWhileAnswering(h);

      // /forget answered only once the turn in flight was over.
      const answer = h.discord.messages(dm.channel_id)[0];
      expect(answer?.content).toContain('glimmerfox');
      expect(answer?.editedAt ?? answer?.createdAt ?? Infinity).toBeLessThanOrEqual(forgotAt);

      // With every write flushed (whenIdle ends the batch window at once): nothing of it was
      // remembered.
      await h.app.core.whenIdle(10_000);
      const aliceId = `discord:${alice}` as never;
      expect(JSON.stringify(await h.app.core.memory.list(aliceId))).not.toContain('glimmerfox');
      expect(JSON.stringify(h.mem0?.memories() ?? [])).not.toContain('glimmerfox');

      const before = h.gemini.chatRequests().length;
      await tellAndSettle(h, alice, 'what was my secret plan?');
      const later = JSON.stringify(h.gemini.chatRequests()[before]?.body);
      expect(later).not.toContain('glimmerfox');
    }, 60_000);

    it('answers a message waiting in line behind it without recalling or remembering anything', async () => {
      const h = await startHarness({
        backend,
        // The second message waits for its own turn instead of joining the first.
        env: { MEMORY_BATCH_WINDOW_MS: '1000', USER_MERGE_WINDOW_MS: '0' },
      });
      await registerTestCommands(h);
      await tellAndSettle(h, alice, 'my cat is called Marmalade');
      h.gemini.pauseStreams();
      const dm = h.discord.sendDm({ userId: alice, content: 'my secret plan is glimmerfox' });
      const firstAnswer = h.discord.messages(dm.channel_id).length;
      await h.discord.waitFor(() => h.discord.messages(dm.channel_id)[firstAnswer], 10_000);
      const chatsBefore = h.gemini.chatRequests().length;
      h.discord.sendDm({ userId: alice, content: 'and my cat Marmalade knows about moonquill' });
      // Gateway events are handled in order: once Bob is answered, Alice's second message is
      // waiting in line behind her answer in flight.
      await barrier(h, bob);
      const waitingFor = () =>
        h.gemini
          .chatRequests()
          .slice(chatsBefore)
          .find((r) => JSON.stringify(r.body).includes('moonquill'));
      expect(waitingFor()).toBeUndefined();
      await forgetWhileAnswering(h);
      const waitedRequest = await h.gemini.waitFor(waitingFor, 10_000);
      await h.app.core.whenIdle(10_000);

      // The waiting message was answered, from nothing remembered and no earlier turn.
      const waited = JSON.stringify(waitedRequest.body.contents);
      expect(waited).toContain('moonquill');
      expect(waited).not.toContain('<memories>');
      expect(waited).not.toContain('glimmerfox');
      expect(waited).not.toContain('called Marmalade');
      // And neither message was written to memory.
      const stored = JSON.stringify([
        await h.app.core.memory.list(`discord:${alice}` as never),
        h.mem0?.memories() ?? [],
      ]);
      expect(stored).not.toContain('glimmerfox');
      expect(stored).not.toContain('moonquill');
    }, 60_000);
  },
);
