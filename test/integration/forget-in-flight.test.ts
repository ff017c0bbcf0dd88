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
const startHarness = useHarness();

/** Runs `/forget everything` and confirms it; resolves with the time its result was shown. */
async function forgetEverythingAt(h: Harness): Promise<number> {
  await forgetEverything(h, alice, 40_000);
  return Date.now();
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
      h.gemini.setLatency({ timeToFirstTokenMs: 50, totalMs: 2_500 });
      const dm = h.discord.sendDm({ userId: alice, content: 'my secret plan is glimmerfox' });
      // The answer has started streaming when /forget is confirmed.
      await h.discord.waitFor(() => h.discord.messages(dm.channel_id)[0], 10_000);
      const forgotAt = await forgetEverythingAt(h);

      // /forget answered only once the turn in flight was over.
      const answer = h.discord.messages(dm.channel_id)[0];
      expect(answer?.content).toContain('glimmerfox');
      expect(answer?.editedAt ?? answer?.createdAt ?? Infinity).toBeLessThanOrEqual(forgotAt);

      // Past the batch window, with every write flushed: nothing of it was remembered.
      h.gemini.setLatency({ timeToFirstTokenMs: 0, totalMs: 0 });
      await new Promise((r) => setTimeout(r, 1_200));
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
      h.gemini.setLatency({ timeToFirstTokenMs: 50, totalMs: 2_500 });
      const dm = h.discord.sendDm({ userId: alice, content: 'my secret plan is glimmerfox' });
      const firstAnswer = h.discord.messages(dm.channel_id).length;
      await h.discord.waitFor(() => h.discord.messages(dm.channel_id)[firstAnswer], 10_000);
      const chatsBefore = h.gemini.chatRequests().length;
      h.discord.sendDm({ userId: alice, content: 'and my cat Marmalade knows about moonquill' });
      await new Promise((r) => setTimeout(r, 100));
      await forgetEverythingAt(h);
      h.gemini.setLatency({ timeToFirstTokenMs: 0, totalMs: 0 });
      await h.gemini.waitFor(() => h.gemini.chatRequests().length > chatsBefore, 10_000);
      await new Promise((r) => setTimeout(r, 1_200));
      await h.app.core.whenIdle(10_000);

      // The waiting message was answered, from nothing remembered and no earlier turn.
      const waited = JSON.stringify(h.gemini.chatRequests()[chatsBefore]?.body.contents);
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
