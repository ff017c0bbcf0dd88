import { describe, expect, it } from 'vitest';
import { splitMessage } from '../../src/discord/split-message.js';
import { firstContactNote } from '../../src/conversation/notices.js';
import { maxInWindow, useHarness, withoutGreeting } from '../helpers/harness.js';
import type { RecordedRequest } from '../standins/discord.js';

const startHarness = useHarness();

/** Gaps between consecutive requests, in ms. */
function gaps(times: readonly number[]): number[] {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.slice(1).map((t, i) => t - (sorted[i] ?? t));
}

/** Sends and edits of messages in one channel, as Discord received them. */
function writesIn(requests: readonly RecordedRequest[], channelId: string): RecordedRequest[] {
  return requests.filter(
    (r) =>
      (r.method === 'POST' && r.path === `/channels/${channelId}/messages`) ||
      (r.method === 'PATCH' && r.path.startsWith(`/channels/${channelId}/messages/`)),
  );
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

describe('streaming', () => {
  it('shows the answer as it is written, at the configured pace, ending with the exact text', async () => {
    // The pace, the stream and the window counted in are all 2.5 times shorter than they once
    // were (250 ms, 2 s, 2.5 s), keeping their ratios: as strict, 1.8 s sooner.
    const editIntervalMs = 100;
    const windowMs = 1_000;
    const h = await startHarness({
      backend: 'platform',
      env: { REPLY_EDIT_INTERVAL_MS: String(editIntervalMs) },
    });
    const paragraphs = Array.from(
      { length: 12 },
      (_, i) => `Paragraph ${i}: ${'breathing slowly helps the body settle. '.repeat(10)}`,
    );
    const text = paragraphs.join('\n\n');
    h.gemini.script({ kind: 'text', text, chunks: 40 });
    h.gemini.setLatency({ timeToFirstTokenMs: 40, totalMs: 800 });

    const dm = h.discord.sendDm({
      userId: '200000000000000001',
      content: 'tell me about breathing',
    });
    await h.discord.waitFor(() => h.discord.messages(dm.channel_id)[0], 10_000);
    await h.app.core.whenIdle(20_000);

    const shown = h.discord.messages(dm.channel_id).map((m) => m.content);
    // Someone new first reads the one-time note on what is remembered, then the answer.
    expect(shown).toEqual(
      splitMessage(
        `${firstContactNote({ memoryBackend: h.config.memory.backend, safetyPolicyUrl: h.config.crisis.policyUrl })}\n\n${text}`,
      ),
    );
    const writes = writesIn(h.discord.requests, dm.channel_id);
    expect(writes.some((w) => w.method === 'PATCH')).toBe(true);
    // Never more writes in a window than the pace allows (a sliding window, as Discord counts):
    // one per interval, plus a burst of two so that the finished text need not wait.
    expect(
      maxInWindow(
        writes.map((w) => w.at),
        windowMs,
      ),
    ).toBeLessThanOrEqual(windowMs / editIntervalMs + 2);
    // Typing shows until the first words.
    const typing = h.discord.requests.findIndex((r) => r.path.endsWith('/typing'));
    expect(typing).toBeLessThan(h.discord.requests.indexOf(writes[0] as RecordedRequest));
  });
});

describe('rate limits', () => {
  it('tells people waiting in line their place, then replaces the notice with the answer', async () => {
    const h = await startHarness({
      backend: 'platform',
      env: {
        GEMINI_REQUESTS_PER_MINUTE: '120',
        GEMINI_MAX_CONCURRENT: '1',
        QUEUE_NOTICE_AFTER_MS: '200',
      },
    });
    const users = ['200000000000000011', '200000000000000012', '200000000000000013'];
    const dms = users.map((userId) =>
      h.discord.sendDm({ userId, content: `hello from ${userId}` }),
    );
    await h.discord.waitFor(
      () => dms.every((dm) => h.discord.messages(dm.channel_id)[0]) || undefined,
      10_000,
    );
    await h.app.core.whenIdle(10_000);

    const last = dms[2];
    const created = h.discord.requests.find(
      (r) => r.method === 'POST' && r.path === `/channels/${last?.channel_id}/messages`,
    );
    // Behind one other person's answer, or next and waiting only for the pace.
    expect(JSON.stringify(created?.body)).toMatch(/number 2 in line|a few answers a minute/);
    const messages = h.discord.messages(last?.channel_id);
    expect(messages).toHaveLength(1);
    expect(withoutGreeting(messages[0]?.content ?? '')).toBe(
      `I hear you: "hello from ${users[2]}"`,
    );
  });

  it('answers a burst from one person and messages from twenty more, in order, within every rate', async () => {
    const geminiRequestsPerMinute = 600;
    const replyEditIntervalMs = 100;
    const h = await startHarness({
      backend: 'platform',
      env: {
        GEMINI_REQUESTS_PER_MINUTE: String(geminiRequestsPerMinute),
        GEMINI_MAX_CONCURRENT: '4',
        REPLY_EDIT_INTERVAL_MS: String(replyEditIntervalMs),
        QUEUE_NOTICE_AFTER_MS: '600000',
      },
    });
    h.gemini.setLatency({ timeToFirstTokenMs: 50, totalMs: 150 });

    const burstUser = '200000000000000100';
    const sent: Array<{ userId: string; channelId: string; text: string; at: number }> = [];
    const send = (userId: string, text: string) => {
      const dm = h.discord.sendDm({ userId, content: text });
      sent.push({ userId, channelId: dm.channel_id, text, at: Date.now() });
    };
    for (let i = 0; i < 50; i++) {
      send(burstUser, `burst message ${String(i).padStart(2, '0')} end`);
      if (i % 10 === 0) {
        for (let u = 0; u < 2; u++) {
          send(String(200000000000000200n + BigInt(i * 2 + u)), `hello from person ${i * 2 + u}`);
        }
      }
    }
    for (let u = 0; u < 10; u++) send(String(200000000000000300n + BigInt(u)), `hi, I am ${u}`);

    const answeredAt = new Map<string, number>();
    await h.discord.waitFor(() => {
      for (const m of sent) {
        if (answeredAt.has(m.text)) continue;
        const reply = h.discord
          .messages(m.channelId)
          .find((r) => r.content.includes(m.text) && r.content.endsWith('"'));
        if (reply) answeredAt.set(m.text, Date.now());
      }
      return answeredAt.size === sent.length || undefined;
    }, 60_000);
    await h.app.core.whenIdle(10_000);

    // Every message is answered exactly once, in its sender's DM.
    for (const m of sent) {
      const covering = h.discord.messages().filter((r) => r.content.includes(m.text));
      expect(covering, m.text).toHaveLength(1);
      expect(covering[0]?.channelId).toBe(m.channelId);
    }
    // The burst is answered in order: each reply covers later messages than the one before.
    const burstChannel = sent[0]?.channelId ?? '';
    const order = h.discord
      .messages(burstChannel)
      .flatMap((r) => [...r.content.matchAll(/burst message (\d\d)/g)].map((x) => Number(x[1])));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(new Set(order).size).toBe(50);

    // The stand-ins never saw more than the configured rates.
    const chatStarts = h.gemini.chatRequests().map((r) => r.at);
    // Counted over sliding windows, as the services count: never more than the configured rate.
    const geminiPeakPerSecond = maxInWindow(chatStarts, 1_000);
    expect(geminiPeakPerSecond).toBeLessThanOrEqual(geminiRequestsPerMinute / 60 + 1);
    let discordPeakPerChannel = 0;
    let minChannelGap = Infinity;
    for (const channelId of new Set(sent.map((m) => m.channelId))) {
      const times = writesIn(h.discord.requests, channelId).map((w) => w.at);
      discordPeakPerChannel = Math.max(discordPeakPerChannel, maxInWindow(times, 1_000));
      minChannelGap = Math.min(minChannelGap, ...gaps(times));
    }
    expect(discordPeakPerChannel).toBeLessThanOrEqual(1_000 / replyEditIntervalMs + 2);

    const waits = sent.map((m) => (answeredAt.get(m.text) ?? 0) - m.at);
    const figures = {
      messages: sent.length,
      'replies (turns)': h.gemini.chatRequests().length,
      'wait p50 (ms)': percentile(waits, 50),
      'wait max (ms)': Math.max(...waits),
      'Gemini chat req/min limit': geminiRequestsPerMinute,
      'Gemini peak starts in 1 s': geminiPeakPerSecond,
      'Gemini min gap (ms)': Math.min(...gaps(chatStarts)),
      'Discord peak writes/s/channel': discordPeakPerChannel,
      'Discord min gap/channel (ms)': minChannelGap,
    };
    console.log(
      'load: 50-message burst from one person + 30 others\n' +
        Object.entries(figures)
          .map(([name, value]) => `  ${name.padEnd(30)} ${value}`)
          .join('\n'),
    );
  }, 90_000);
});
