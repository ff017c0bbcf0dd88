import { describe, expect, it } from 'vitest';
import { type Harness, useHarness } from '../helpers/harness.js';
import { extractUserStatements, type GeminiRecordedRequest } from '../standins/gemini.js';

const alice = '200000000000000011';
const windowMs = 1_500;

function partsText(parts: Array<{ text?: string }> | undefined): string {
  return (parts ?? []).map((part) => part.text ?? '').join('');
}

/** What a recorded Gemini request asked as the user (mem0 sends its own prompt as a model turn). */
function userText(request: GeminiRecordedRequest): string {
  return (request.body.contents ?? [])
    .filter((content) => content.role === undefined || content.role === 'user')
    .map((content) => partsText(content.parts))
    .join('\n');
}

/** mem0's memory-extraction calls so far (one per mem0 add). */
function extractions(h: Harness): GeminiRecordedRequest[] {
  return h.gemini.requests.filter(
    (r) => r.kind === 'memory-extraction' && r.action === 'generateContent',
  );
}

/** DMs the bot and waits for the whole answer (the stand-in quotes the message back). */
async function tell(h: Harness, content: string): Promise<number> {
  const sent = h.discord.sendDm({ userId: alice, content });
  await h.discord.waitFor(
    () => h.discord.messages(sent.channel_id).some((m) => m.content.endsWith(`"${content}"`)),
    10_000,
  );
  return Date.now();
}

describe('memory write batching, with the embedded mem0 backend', () => {
  const startHarness = useHarness();

  it('writes three quick DMs of one person with one extraction call, a window later, then recalls them', async () => {
    const h = await startHarness({
      backend: 'open-source',
      env: { MEMORY_BATCH_WINDOW_MS: String(windowMs) },
    });
    const said = [
      'My sister Hana is moving to Lisbon next month',
      'I am worried the garden will die while I visit Hana',
      'The tomatoes in my garden finally turned red',
    ];

    const firstAnsweredAt = await tell(h, said[0] ?? '');
    for (const text of said.slice(1)) await tell(h, text);
    // Not `whenIdle`: it flushes waiting writes, as at shutdown, and this waits for the window.
    const extraction = await h.gemini.waitFor(() => extractions(h)[0], 10_000);

    // Written when the first exchange was a window old, not as it was answered.
    expect(extraction.at - firstAnsweredAt).toBeGreaterThanOrEqual(windowMs - 100);
    expect(extractUserStatements(userText(extraction))).toEqual(said);
    expect(await h.app.core.whenIdle(10_000)).toBe(0);
    expect(extractions(h)).toHaveLength(1);

    // A later DM recalls them from long-term memory: quoted in the prompt's <memories>.
    await tell(h, 'How do I keep my garden alive while I visit my sister?');
    const chat = h.gemini.chatRequests().at(-1);
    expect(chat).toBeDefined();
    const asked = (chat?.body.contents ?? []).map((content) => partsText(content.parts)).join('\n');
    const memories = /<memories>([\s\S]*)<\/memories>/.exec(asked);
    expect(memories?.[1]).toContain('I am worried the garden will die while I visit Hana');
    expect(memories?.[1]).toContain('The tomatoes in my garden finally turned red');
  });
});
