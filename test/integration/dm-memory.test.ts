import { describe, expect, it } from 'vitest';
import {
  type MemoryBackend,
  tellAndSettle,
  useHarness,
  withoutGreeting,
} from '../helpers/harness.js';

const alice = '200000000000000001';
const bob = '200000000000000002';

describe.each<MemoryBackend>(['open-source', 'platform'])(
  'a DM with the %s memory backend',
  (backend) => {
    const startHarness = useHarness();

    it('answers using a memory stored from an earlier DM of the same user, and only that user', async () => {
      const h = await startHarness({ backend });

      await tellAndSettle(h, alice, 'I adopted a cat named Miso last week');
      await tellAndSettle(h, bob, 'I adopted a dog named Rex last week');

      const requestsBefore = {
        gemini: h.gemini.requests.length,
        mem0: h.mem0?.requests.length ?? 0,
      };
      const discordBefore = h.discord.requests.length;
      const { sent, reply } = await tellAndSettle(
        h,
        alice,
        'Miso the cat keeps hiding under the bed',
      );

      // The Gemini request for this turn carried Alice's memory, and nothing of Bob's.
      const chat = h.gemini.requests.slice(requestsBefore.gemini).filter((r) => r.kind === 'chat');
      expect(chat).toHaveLength(1);
      const chatBody = JSON.stringify(chat[0]?.body);
      expect(chatBody).toContain('I adopted a cat named Miso last week');
      expect(chatBody).toContain('Miso the cat keeps hiding under the bed');
      expect(chatBody).not.toContain('Rex');

      // The reply reached Alice's DM channel, after a typing indicator.
      expect(reply.channelId).toBe(sent.channel_id);
      expect(reply.content).toContain('Miso the cat keeps hiding under the bed');
      const discordCalls = h.discord.requests
        .slice(discordBefore)
        .map((r) => `${r.method} ${r.path.replace(/messages\/\d+$/, 'messages/:id')}`);
      expect(discordCalls.slice(0, 2)).toEqual([
        `POST /channels/${sent.channel_id}/typing`,
        `POST /channels/${sent.channel_id}/messages`,
      ]);
      // Anything after the first message only edits it as the answer streams in.
      for (const call of discordCalls.slice(2)) {
        expect(call).toBe(`PATCH /channels/${sent.channel_id}/messages/:id`);
      }

      if (h.mem0) {
        const calls = h.mem0.requests.slice(requestsBefore.mem0);
        // The memory search was scoped to Alice only.
        const searches = calls.filter((r) => r.path === '/v3/memories/search/');
        expect(searches).toHaveLength(1);
        const search = searches[0]?.body as { filters: Record<string, unknown> } | undefined;
        expect(search?.filters).toEqual({ user_id: `discord:${alice}` });
        // The exchange was written for Alice: her message and the bot's reply.
        const adds = calls.filter((r) => r.path === '/v3/memories/add/');
        expect(adds).toHaveLength(1);
        expect(adds[0]?.body).toMatchObject({
          user_id: `discord:${alice}`,
          messages: [
            { role: 'user', content: 'Miso the cat keeps hiding under the bed' },
            { role: 'assistant', content: reply.content },
          ],
          metadata: { origin: 'dm', channel_id: sent.channel_id },
        });
        expect(h.mem0.memories(`discord:${alice}`).map((m) => m.memory)).toContain(
          'Miso the cat keeps hiding under the bed',
        );
      } else {
        // mem0 open source extracted memories from exactly this exchange, for Alice.
        const extraction = h.gemini.requests
          .slice(requestsBefore.gemini)
          .filter((r) => r.kind === 'memory-extraction');
        expect(extraction).toHaveLength(1);
        const prompt = JSON.stringify(extraction[0]?.body);
        expect(prompt).toContain('user: Miso the cat keeps hiding under the bed');
        expect(prompt).not.toContain('Rex');
        // Recall is per user: Alice's new memory is hers, and Bob's search never sees it.
        const mine = await h.app.core.memory.search(
          `discord:${alice}` as never,
          'Miso hiding bed',
          {
            limit: 5,
            origin: { kind: 'dm' },
          },
        );
        expect(mine.map((m) => m.text)).toContain('Miso the cat keeps hiding under the bed');
        const bobs = await h.app.core.memory.search(`discord:${bob}` as never, 'Miso hiding bed', {
          limit: 5,
          origin: { kind: 'dm' },
        });
        expect(bobs.map((m) => m.text).join(' ')).not.toContain('Miso');
      }
    });

    it('still answers, without claiming to remember, when the memory store is unreachable', async () => {
      const h = await startHarness({ backend, env: { MEMORY_SEARCH_TIMEOUT_MS: '500' } });
      if (h.mem0) h.mem0.setUnreachable(true);
      else h.gemini.failNext(1, 503, { appliesTo: 'all' }); // the local store's query embedding fails
      const sent = h.discord.sendDm({ userId: alice, content: 'hello, is anyone there?' });
      // The whole answer is shown. (Not whenIdle: its write cannot land while mem0 is down, and
      // whenIdle would wait out its timeout.)
      await h.discord.waitFor(
        () =>
          withoutGreeting(h.discord.messages(sent.channel_id)[0]?.content ?? '') ===
          'I hear you: "hello, is anyone there?"',
        10_000,
      );
      const chat = h.gemini.chatRequests();
      expect(chat).toHaveLength(1);
      expect(JSON.stringify(chat.at(-1)?.body.contents)).not.toContain('<memories>');
      // Once mem0 is back, the exchange is remembered all the same.
      if (h.mem0) h.mem0.setUnreachable(false);
      expect(await h.app.core.whenIdle(5_000)).toBe(0);
      expect(h.discord.messages(sent.channel_id)).toHaveLength(1);
    });
  },
);
