import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';

const users = 40;
const messagesPerUser = 3;

/** The most requests seen in any one-second window. */
function peakPerSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= 1000) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

describe('many people DMing at once', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('answers every message exactly once, in the sender’s own DM, and remembers every exchange', async () => {
    const h = await startHarness({ backend: 'open-source' });
    harness = h;
    h.gemini.setLatency({ timeToFirstTokenMs: 50, totalMs: 100, embeddingMs: 5, extractionMs: 20 });

    const sent: Array<{ userId: string; channelId: string; text: string; at: number }> = [];
    for (let m = 0; m < messagesPerUser; m++) {
      for (let u = 0; u < users; u++) {
        const userId = String(300000000000000000n + BigInt(u));
        const text = `message ${m} from person${u} about their day`;
        const payload = h.discord.sendDm({ userId, content: text });
        sent.push({ userId, channelId: payload.channel_id, text, at: Date.now() });
      }
    }

    await h.discord.waitFor(
      () =>
        sent.every((m) =>
          h.discord.messages(m.channelId).some((r) => r.content.includes(m.text)),
        ) || undefined,
      60_000,
    );
    await h.app.core.whenIdle(60_000);

    // Messages a person sends while their previous turn runs may be answered together, so there
    // can be fewer replies than messages; each message is still answered exactly once.
    const replies = h.discord.messages();
    expect(replies.length).toBeLessThanOrEqual(sent.length);
    const waits: number[] = [];
    for (const message of sent) {
      const answers = replies.filter((r) => r.content.includes(message.text));
      expect(answers, message.text).toHaveLength(1);
      expect(answers[0]?.channelId).toBe(message.channelId);
      waits.push((answers[0]?.createdAt ?? 0) - message.at);
    }
    // Each exchange was written to mem0 exactly once.
    const extractions = h.gemini.requests.filter((r) => r.kind === 'memory-extraction');
    expect(extractions).toHaveLength(replies.length);
    expect(h.violations()).toEqual([]);

    const figures = {
      messages: sent.length,
      replies: replies.length,
      'wait p50 (ms)': percentile(waits, 50),
      'wait max (ms)': Math.max(...waits),
      'Discord peak req/s': peakPerSecond(h.discord.requests.map((r) => r.at)),
      'Gemini peak req/s': peakPerSecond(h.gemini.requests.map((r) => r.at)),
      'Gemini chat peak req/s': peakPerSecond(h.gemini.chatRequests().map((r) => r.at)),
    };
    console.log(
      `load: ${users} users × ${messagesPerUser} DMs, embedded mem0\n` +
        Object.entries(figures)
          .map(([name, value]) => `  ${name.padEnd(24)} ${value}`)
          .join('\n'),
    );
  }, 120_000);
});
