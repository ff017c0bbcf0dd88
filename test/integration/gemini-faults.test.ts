import { describe, expect, it } from 'vitest';
import { notices } from '../../src/conversation/notices.js';
import { useHarness, withoutGreeting } from '../helpers/harness.js';

const alice = '200000000000000001';

describe('when Gemini misbehaves, the person still gets one clear message', () => {
  const startHarness = useHarness();

  async function ask(
    script: Parameters<Awaited<ReturnType<typeof startHarness>>['gemini']['script']>,
    env: Record<string, string> = {},
  ) {
    const h = await startHarness({
      backend: 'platform',
      env: { GEMINI_TIMEOUT_MS: '1000', ...env },
    });
    h.gemini.script(...script);
    const dm = h.discord.sendDm({ userId: alice, content: 'how are you today?' });
    await h.discord.waitFor(() => h.discord.messages(dm.channel_id)[0], 15_000);
    await h.app.core.whenIdle(15_000);
    const shown = h.discord.messages(dm.channel_id).map((m) => withoutGreeting(m.content));
    expect(shown).toHaveLength(1);
    return { h, text: shown[0] ?? '' };
  }

  it('keeps what was shown when the stream breaks midway, and says it was cut off', async () => {
    const { text } = await ask([{ kind: 'stream-error-event', afterText: 'I am glad you asked' }]);
    expect(text).toContain('I am glad you asked');
    expect(text).toContain('cut off');
  });

  it('retries a 429 after the delay Google asks for, then answers', async () => {
    const { h, text } = await ask([
      { kind: 'error', status: 429, retryDelaySeconds: 0.2 },
      { kind: 'text', text: 'Doing well, thanks for asking.' },
    ]);
    expect(text).toBe('Doing well, thanks for asking.');
    const [first, second] = h.gemini.chatRequests();
    const gapMs = (second?.at ?? 0) - (first?.at ?? 0);
    expect(gapMs).toBeGreaterThanOrEqual(190);
    // Shorter than the backoff would have waited (500 ms at least): Google's delay was used.
    expect(gapMs).toBeLessThan(500);
  });

  it('says when to try again when Google asks for a long wait', async () => {
    const { h, text } = await ask([{ kind: 'error', status: 429, retryDelaySeconds: 90 }]);
    expect(text).toMatch(/try again in about 90 seconds/);
    expect(h.gemini.chatRequests()).toHaveLength(1);
  });

  it('gives a kind refusal with crisis lines for a blocked prompt', async () => {
    const { text } = await ask([{ kind: 'blocked', blockReason: 'SAFETY' }]);
    expect(text.startsWith(notices.refusedSafety)).toBe(true);
    // The stand-in's DMs carry no locale: the lines of the language, and findahelpline.com.
    expect(text).toContain('988');
    expect(text).toContain('findahelpline.com');
  });

  it('replaces a half-written answer that Gemini stopped for safety with the kind notice and crisis lines, and remembers nothing', async () => {
    const { h, text } = await ask([
      { kind: 'text', text: 'Here is exactly how you could', finishReason: 'SAFETY', chunks: 3 },
    ]);
    expect(text.startsWith(notices.refusedSafety)).toBe(true);
    expect(text).not.toContain('exactly how');
    expect(text).toContain('988');
    expect(text).toContain('findahelpline.com');
    // Nothing of the exchange was sent to mem0 to be remembered.
    const adds = h.mem0?.requests.filter(
      (r) => r.method === 'POST' && r.path === '/v3/memories/add/',
    );
    expect(adds).toEqual([]);
  });

  it('says an answer cut at the length limit was cut', async () => {
    const { text } = await ask([
      { kind: 'finish', finishReason: 'MAX_TOKENS', text: 'Here is a long' },
    ]);
    expect(text).toBe(`Here is a long${notices.truncatedSuffix}`);
  });

  it('tells the person it took too long when every attempt times out', async () => {
    // A short timeout: three of them, and the backoff between (1.5 to 3 s), are all waited out.
    const { h, text } = await ask([{ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' }], {
      GEMINI_TIMEOUT_MS: '200',
    });
    expect(text).toMatch(/took too long/);
    expect(h.gemini.chatRequests()).toHaveLength(3);
  }, 30_000);
});
