import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, GoogleGenAI, ThinkingLevel } from '@google/genai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cosine } from './embedding.js';
import {
  defaultGeminiResponder,
  extractUserStatements,
  type FakeGemini,
  implicitCacheMinTokens,
  implicitCacheWindow,
  sharedPromptPrefixChars,
  splitIntoChunks,
  startFakeGemini,
} from './gemini.js';

const model = 'gemini-2.5-flash';
let gemini: FakeGemini;
let ai: GoogleGenAI;

beforeAll(async () => {
  gemini = await startFakeGemini();
  ai = new GoogleGenAI({ apiKey: 'test-gemini-key', httpOptions: { baseUrl: gemini.baseUrl } });
});

afterAll(async () => {
  await gemini.close();
});

afterEach(() => {
  expect(gemini.violations).toEqual([]);
});

async function apiErrorOf(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

/** The `error` object of the Google error JSON that an ApiError carries as its message. */
function googleErrorOf(error: ApiError): Record<string, unknown> {
  const body: unknown = JSON.parse(error.message);
  const inner =
    typeof body === 'object' && body !== null && 'error' in body ? body.error : undefined;
  if (typeof inner !== 'object' || inner === null) {
    throw new Error(`ApiError message is not a Google error body: ${error.message}`);
  }
  return inner as Record<string, unknown>;
}

describe('the Gemini stand-in', () => {
  it('returns scripted text with plausible usage from generateContent', async () => {
    gemini.script({ kind: 'text', text: 'Take a slow breath with me.' });
    const response = await ai.models.generateContent({
      model,
      contents: 'I feel anxious today',
      config: { systemInstruction: 'You are wellness0, a kind companion.' },
    });
    expect(response.text).toBe('Take a slow breath with me.');
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    const usage = response.usageMetadata;
    expect(usage?.promptTokenCount).toBe(Math.ceil(56 / 4));
    expect(usage?.candidatesTokenCount).toBe(Math.ceil(27 / 4));
    expect(usage?.totalTokenCount).toBe(
      (usage?.promptTokenCount ?? 0) + (usage?.candidatesTokenCount ?? 0),
    );
    const recorded = gemini.chatRequests().at(-1);
    expect(recorded?.action).toBe('generateContent');
    expect(recorded?.headers['x-goog-api-key']).toBe('test-gemini-key');
    expect(recorded?.body.systemInstruction?.parts?.[0]?.text).toContain('wellness0');
  });

  it('quotes the last user message when nothing is scripted', async () => {
    const response = await ai.models.generateContent({
      model,
      contents: [
        { role: 'user', parts: [{ text: 'hello' }] },
        { role: 'model', parts: [{ text: 'hi!' }] },
        { role: 'user', parts: [{ text: 'I slept badly' }] },
      ],
    });
    expect(response.text).toBe('I hear you: "I slept badly"');
  });

  it('streams several chunks that join to the text and ends with STOP and full usage', async () => {
    const text = 'It sounds like a heavy week. I am here, and we can take it one step at a time.';
    gemini.script({ kind: 'text', text });
    const stream = await ai.models.generateContentStream({ model, contents: 'rough week' });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(chunks.map((c) => c.text).join('')).toBe(text);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(chunks.slice(0, -1).every((c) => c.candidates?.[0]?.finishReason === undefined)).toBe(
      true,
    );
    expect(chunks.at(-1)?.usageMetadata?.candidatesTokenCount).toBe(Math.ceil(text.length / 4));
    expect(gemini.chatRequests().at(-1)?.path).toContain(':streamGenerateContent?alt=sse');
  });

  it('reports a blocked prompt through promptFeedback with no text', async () => {
    gemini.script({ kind: 'blocked' });
    const response = await ai.models.generateContent({ model, contents: 'something awful' });
    expect(response.promptFeedback?.blockReason).toBe('SAFETY');
    expect(response.candidates).toBeUndefined();
    expect(response.text).toBeUndefined();
  });

  it('reports a SAFETY finish as a candidate without content', async () => {
    gemini.script({ kind: 'finish', finishReason: 'SAFETY' });
    const response = await ai.models.generateContent({ model, contents: 'borderline' });
    expect(response.candidates?.[0]?.finishReason).toBe('SAFETY');
    expect(response.text).toBeUndefined();
  });

  it('throws an ApiError 429 whose body carries RetryInfo', async () => {
    gemini.script({ kind: 'error', status: 429, retryDelaySeconds: 37 });
    const error = await apiErrorOf(ai.models.generateContent({ model, contents: 'hi' }));
    expect(error.status).toBe(429);
    const body = JSON.parse(error.message) as {
      error: { code: number; status: string; details: { '@type': string; retryDelay?: string }[] };
    };
    expect(body.error.code).toBe(429);
    expect(body.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(body.error.details).toContainEqual({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: '37s',
    });
  });

  it('fails the next chat calls with failNext and then answers the script', async () => {
    gemini.failNext(1, 503);
    gemini.script({ kind: 'text', text: 'back again' });
    const error = await apiErrorOf(ai.models.generateContent({ model, contents: 'one' }));
    expect(error.status).toBe(503);
    expect(googleErrorOf(error).status).toBe('UNAVAILABLE');
    const response = await ai.models.generateContent({ model, contents: 'two' });
    expect(response.text).toBe('back again');
  });

  it('rejects a wrong API key with Google’s 400 INVALID_ARGUMENT', async () => {
    const wrong = new GoogleGenAI({ apiKey: 'nope', httpOptions: { baseUrl: gemini.baseUrl } });
    const error = await apiErrorOf(wrong.models.generateContent({ model, contents: 'hi' }));
    expect(error.status).toBe(400);
    expect(googleErrorOf(error)).toMatchObject({
      code: 400,
      message: 'API key not valid. Please pass a valid API key.',
      status: 'INVALID_ARGUMENT',
    });
  });

  it('aborts a hanging call when the per-request timeout expires', async () => {
    gemini.script({ kind: 'hang' });
    const started = Date.now();
    const outcome = await ai.models
      .generateContent({ model, contents: 'hello?', config: { httpOptions: { timeout: 200 } } })
      .then(
        () => 'answered',
        (e: unknown) => (e as Error).name,
      );
    expect(outcome).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('yields an SSE error event as a chunk without candidates', async () => {
    gemini.script({ kind: 'stream-error-event', afterText: 'Let me think' });
    const stream = await ai.models.generateContentStream({ model, contents: 'hm' });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(
      chunks
        .slice(0, -1)
        .map((c) => c.text)
        .join(''),
    ).toBe('Let me think');
    expect(chunks.at(-1)?.candidates).toBeUndefined();
  });

  it('returns one embedding of the requested dimension per text, closer for shared words', async () => {
    const texts = ['I adopted a cat named Miso', 'my cat Miso', 'quarterly tax filing deadline'];
    const response = await ai.models.embedContent({
      model: 'gemini-embedding-001',
      contents: texts,
      config: { outputDimensionality: 256 },
    });
    const vectors = (response.embeddings ?? []).map((e) => e.values ?? []);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) expect(v).toHaveLength(256);
    const [adopted = [], cat = [], tax = []] = vectors;
    expect(cosine(adopted, cat)).toBeGreaterThan(cosine(adopted, tax) + 0.3);
    expect(gemini.requests.at(-1)?.kind).toBe('embedding');
  });

  it('uses the default dimension when the request names none', async () => {
    const response = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: 'x' });
    expect(response.embeddings?.[0]?.values).toHaveLength(768);
  });

  it('answers a mem0-shaped extraction request with the user statements, leaving the script alone', async () => {
    gemini.script({ kind: 'text', text: 'for the next chat call' });
    const response = await ai.models.generateContent({
      model,
      contents: [
        { role: 'model', parts: [{ text: 'You extract memories. Return JSON.' }] },
        {
          role: 'user',
          parts: [
            {
              text: '## Summary\n\n\n## New Messages\nuser: I adopted a cat named Miso\nassistant: How lovely!\n\n## Observation Date\n2026-01-01\n\n# Output:',
            },
          ],
        },
      ],
      config: { responseMimeType: 'application/json' },
    });
    expect(JSON.parse(response.text ?? '')).toEqual({
      memory: [{ id: '0', text: 'I adopted a cat named Miso', attributed_to: 'user' }],
    });
    expect(gemini.requests.at(-1)?.kind).toBe('memory-extraction');
    const next = await ai.models.generateContent({ model, contents: 'hi' });
    expect(next.text).toBe('for the next chat call');
  });

  it('parses multi-line user messages and skips empty ones when extracting', () => {
    const prompt =
      '## New Messages\nuser: first line\n# not a heading for us\nsecond line\nassistant: ok\nuser:   \nuser: I run on Sundays\n\n## Observation Date\n2026-01-01';
    expect(extractUserStatements(prompt)).toEqual([
      'first line\n# not a heading for us\nsecond line',
      'I run on Sundays',
    ]);
    expect(extractUserStatements('## New Messages\nassistant: hi\n\n## Observation Date')).toEqual(
      [],
    );
  });

  it('splits text into chunks that join back exactly', () => {
    const text = 'Small steps count 🌱 and so do you.';
    const pieces = splitIntoChunks(text, 4);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(text);
  });

  it('hands the responder the last user text and the system text', async () => {
    gemini.setResponder(({ lastUserText, systemText }) => ({
      kind: 'text',
      text: `${systemText.length > 0 ? 'with system' : 'bare'}: ${lastUserText}`,
    }));
    try {
      const response = await ai.models.generateContent({
        model,
        contents: 'remember me?',
        config: { systemInstruction: 'Known facts: likes cats' },
      });
      expect(response.text).toBe('with system: remember me?');
    } finally {
      gemini.setResponder(defaultGeminiResponder);
    }
  });

  it('keeps text on a MAX_TOKENS finish', async () => {
    gemini.script({ kind: 'finish', finishReason: 'MAX_TOKENS', text: 'truncated ans' });
    const response = await ai.models.generateContent({ model, contents: 'tell me everything' });
    expect(response.text).toBe('truncated ans');
    expect(response.candidates?.[0]?.finishReason).toBe('MAX_TOKENS');
  });

  it('delays the first chunk and spreads the rest over the total latency', async () => {
    gemini.setLatency({ timeToFirstTokenMs: 120, totalMs: 300 });
    try {
      gemini.script({ kind: 'text', text: 'one two three four five six seven eight', chunks: 4 });
      const started = Date.now();
      const stream = await ai.models.generateContentStream({ model, contents: 'slow please' });
      const arrivals: number[] = [];
      for await (const _chunk of stream) arrivals.push(Date.now() - started);
      expect(arrivals[0]).toBeGreaterThanOrEqual(110);
      expect(arrivals.at(-1)).toBeGreaterThanOrEqual(290);
    } finally {
      gemini.setLatency({ timeToFirstTokenMs: 0, totalMs: undefined });
    }
  });

  it('holds a paused stream after its first chunk until the streams are resumed', async () => {
    gemini.script({ kind: 'text', text: 'one two three four five six seven eight', chunks: 4 });
    gemini.pauseStreams();
    try {
      const stream = await ai.models.generateContentStream({ model, contents: 'hold on' });
      const texts: string[] = [];
      const read = (async () => {
        for await (const chunk of stream) texts.push(chunk.text ?? '');
      })();
      await gemini.waitFor(() => texts.length > 0);
      // A later chunk would arrive within a few milliseconds (no latency is set): a call answered
      // in the meantime, on another connection, shows the held one had its chance.
      const other = await ai.models.generateContent({ model, contents: 'meanwhile' });
      expect(other.text).toBe('I hear you: "meanwhile"');
      expect(texts).toHaveLength(1);
      gemini.resumeStreams();
      await read;
      expect(texts.join('')).toBe('one two three four five six seven eight');
      expect(texts.length).toBeGreaterThan(1);
    } finally {
      gemini.resumeStreams();
    }
  });

  it('answers the calls it is delaying at once on releaseAll, and keeps the latency for later ones', async () => {
    gemini.setLatency({ timeToFirstTokenMs: 60_000 });
    try {
      const before = gemini.chatRequests().length;
      const started = Date.now();
      const pending = ai.models.generateContent({ model, contents: 'are you there?' });
      const paused = ai.models.generateContentStream({ model, contents: 'and you?' });
      await gemini.waitFor(() => gemini.chatRequests().length >= before + 2);
      gemini.releaseAll();
      expect((await pending).text).toBe('I hear you: "are you there?"');
      const chunks: string[] = [];
      for await (const chunk of await paused) chunks.push(chunk.text ?? '');
      expect(chunks.join('')).toBe('I hear you: "and you?"');
      expect(Date.now() - started).toBeLessThan(10_000);
      // A call made after the release waits the latency again, until the next release.
      let laterAnswered = false;
      const later = ai.models.generateContent({ model, contents: 'later' }).then((response) => {
        laterAnswered = true;
        return response.text;
      });
      await gemini.waitFor(() => gemini.chatRequests().length >= before + 3);
      const check = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: 'x' });
      expect(check.embeddings).toHaveLength(1);
      expect(laterAnswered).toBe(false);
      gemini.releaseAll();
      expect(await later).toBe('I hear you: "later"');
    } finally {
      gemini.setLatency({ timeToFirstTokenMs: 0 });
    }
  });

  it('fails embeddings too when failNext applies to all calls', async () => {
    gemini.failNext(1, 500, { appliesTo: 'all' });
    const error = await apiErrorOf(
      ai.models.embedContent({ model: 'gemini-embedding-001', contents: 'x' }),
    );
    expect(error.status).toBe(500);
    expect(googleErrorOf(error).status).toBe('INTERNAL');
  });

  it('records a violation and answers 404 JSON for an unknown path', async () => {
    const response = await fetch(`${gemini.baseUrl}/v1beta/models/${model}:countTokens`, {
      method: 'POST',
      headers: { 'x-goog-api-key': 'test-gemini-key' },
      body: '{}',
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { status: string } }).error.status).toBe(
      'NOT_FOUND',
    );
    expect(gemini.violations).toHaveLength(1);
    gemini.violations.length = 0;
  });

  it('closes promptly while a call is still hanging', async () => {
    const local = await startFakeGemini();
    local.script({ kind: 'hang' });
    const client = new GoogleGenAI({
      apiKey: 'test-gemini-key',
      httpOptions: { baseUrl: local.baseUrl },
    });
    const pending = client.models
      .generateContent({ model, contents: 'anyone?' })
      .catch(() => 'failed');
    await local.waitFor(() => local.requests.length === 1);
    const started = Date.now();
    await local.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBe('failed');
  });
});

describe('thinking config at the Gemini stand-in', () => {
  /** The 400 an ApiError carries, after the stand-in recorded it as a violation (cleared here). */
  async function rejection(call: Promise<unknown>): Promise<Record<string, unknown>> {
    const error = await apiErrorOf(call);
    expect(error.status).toBe(400);
    expect(gemini.violations).toHaveLength(1);
    gemini.violations.length = 0;
    const body = googleErrorOf(error);
    expect(body.status).toBe('INVALID_ARGUMENT');
    return body;
  }

  it('records the thinking level and the budget each generate request asked for', async () => {
    await ai.models.generateContent({
      model: 'gemini-3.8-flash',
      contents: 'hi',
      config: { thinkingConfig: { thinkingLevel: ThinkingLevel.LOW } },
    });
    expect(gemini.requests.at(-1)?.thinkingConfig).toEqual({ thinkingLevel: 'LOW' });
    for await (const _ of await ai.models.generateContentStream({
      model,
      contents: 'hi',
      config: { thinkingConfig: { thinkingBudget: 0 } },
    }));
    expect(gemini.requests.at(-1)?.thinkingConfig).toEqual({ thinkingBudget: 0 });
    await ai.models.generateContent({ model, contents: 'hi' });
    expect(gemini.requests.at(-1)?.thinkingConfig).toBeUndefined();
  });

  it('rejects a thinking level the API does not know', async () => {
    const body = await rejection(
      ai.models.generateContent({
        model: 'gemini-3.8-flash',
        contents: 'hi',
        config: { thinkingConfig: { thinkingLevel: 'EXTREME' as ThinkingLevel } },
      }),
    );
    expect(body.message).toContain("'generation_config.thinking_config.thinking_level'");
  });

  it('rejects a thinking level and a thinking budget in the same request', async () => {
    const body = await rejection(
      ai.models.generateContent({
        model: 'gemini-3.8-flash',
        contents: 'hi',
        config: { thinkingConfig: { thinkingLevel: ThinkingLevel.LOW, thinkingBudget: 1024 } },
      }),
    );
    expect(body.message).toBe('You can only set only one of thinking budget and thinking level.');
  });

  it('rejects a thinking level sent to a Gemini 2.5 model', async () => {
    const body = await rejection(
      ai.models.generateContent({
        model,
        contents: 'hi',
        config: { thinkingConfig: { thinkingLevel: ThinkingLevel.LOW } },
      }),
    );
    expect(body.message).toBe('Thinking level is not supported for this model.');
  });

  it('rejects MINIMAL on Gemini 3.8 Flash and takes it on 3.5 Flash', async () => {
    const minimal = { thinkingConfig: { thinkingLevel: ThinkingLevel.MINIMAL } };
    const body = await rejection(
      ai.models.generateContent({ model: 'gemini-3.8-flash', contents: 'hi', config: minimal }),
    );
    expect(body.message).toContain('Thinking level MINIMAL is not supported for this model.');
    const response = await ai.models.generateContent({
      model: 'gemini-3.5-flash',
      contents: 'hi',
      config: minimal,
    });
    expect(response.text).toBe('I hear you: "hi"');
  });

  it("rejects a budget outside a Gemini 2.5 model's range", async () => {
    const body = await rejection(
      ai.models.generateContent({
        model: 'gemini-2.5-pro',
        contents: 'hi',
        config: { thinkingConfig: { thinkingBudget: 0 } },
      }),
    );
    expect(body.message).toBe('The thinking budget (0) is invalid.');
  });
});

describe('implicit caching at the Gemini stand-in', () => {
  let local: FakeGemini;
  let client: GoogleGenAI;
  beforeEach(async () => {
    local = await startFakeGemini();
    client = new GoogleGenAI({
      apiKey: 'test-gemini-key',
      httpOptions: { baseUrl: local.baseUrl },
    });
  });
  afterEach(async () => {
    expect(local.violations).toEqual([]);
    await local.close();
  });

  /** A system instruction of `tokens` estimated tokens (4 characters each). */
  const instructionOf = (tokens: number, letter = 'a') => letter.repeat(tokens * 4);
  const ask = (systemInstruction: string, text: string, askModel = 'gemini-3.8-flash') =>
    client.models.generateContent({
      model: askModel,
      contents: [{ role: 'user', parts: [{ text }] }],
      config: { systemInstruction },
    });

  it('reports a repeated prefix of the minimum size as cached tokens', async () => {
    const instruction = instructionOf(implicitCacheMinTokens('gemini-3.8-flash'));
    const first = await ask(instruction, 'first question');
    expect(first.usageMetadata?.cachedContentTokenCount).toBeUndefined();
    const second = await ask(instruction, 'second question');
    // "first question" and "second question" differ from their first letter: exactly the
    // instruction is shared.
    expect(second.usageMetadata?.cachedContentTokenCount).toBe(4_096);
    expect(local.requests.map((r) => r.sharedPrefix)).toEqual([
      { chars: 0, tokens: 0 },
      { chars: instruction.length, tokens: 4_096 },
    ]);
    expect(local.requests.map((r) => r.cachedTokens)).toEqual([0, 4_096]);
  });

  it("reports no cached tokens for a shared prefix below the model's minimum", async () => {
    const instruction = instructionOf(implicitCacheMinTokens('gemini-3.8-flash') - 1);
    await ask(instruction, 'first question');
    const second = await ask(instruction, 'second question');
    expect(second.usageMetadata?.cachedContentTokenCount).toBeUndefined();
    expect(local.requests.at(-1)?.sharedPrefix).toEqual({
      chars: instruction.length,
      tokens: 4_095,
    });
    expect(local.requests.at(-1)?.cachedTokens).toBe(0);
  });

  it('uses the lower minimum of Gemini 2.5 models', async () => {
    expect(implicitCacheMinTokens('gemini-2.5-flash')).toBe(2_048);
    const instruction = instructionOf(2_048);
    await ask(instruction, 'first question', 'gemini-2.5-flash');
    const second = await ask(instruction, 'second question', 'gemini-2.5-flash');
    expect(second.usageMetadata?.cachedContentTokenCount).toBe(2_048);
  });

  it('shares no cache between models', async () => {
    const instruction = instructionOf(5_000);
    await ask(instruction, 'first question', 'gemini-3.8-flash');
    const other = await ask(instruction, 'second question', 'gemini-3.7-flash');
    expect(other.usageMetadata?.cachedContentTokenCount).toBeUndefined();
    expect(local.requests.at(-1)?.sharedPrefix).toEqual({ chars: 0, tokens: 0 });
  });

  it('finds the longest prefix among earlier requests, not only the last one', async () => {
    const long = instructionOf(5_000);
    await ask(long, 'first question');
    await ask('something else entirely', 'x');
    await ask(long, 'second question');
    expect(local.requests.at(-1)?.sharedPrefix?.chars).toBe(long.length);
  });

  it('streams the cached token count with the usage', async () => {
    const instruction = instructionOf(5_000);
    await ask(instruction, 'first question');
    const stream = await client.models.generateContentStream({
      model: 'gemini-3.8-flash',
      contents: 'second question',
      config: { systemInstruction: instruction },
    });
    let cached: number | undefined;
    for await (const chunk of stream) cached = chunk.usageMetadata?.cachedContentTokenCount;
    expect(cached).toBe(5_000);
  });

  it('forgets prompts older than the last 1,000 generate requests, or as many as it is told', async () => {
    expect(implicitCacheWindow).toBe(1_000);
    const small = await startFakeGemini({ implicitCacheWindow: 3 });
    const smallClient = new GoogleGenAI({
      apiKey: 'test-gemini-key',
      httpOptions: { baseUrl: small.baseUrl },
    });
    const instruction = instructionOf(5_000);
    const send = (systemInstruction: string, text: string) =>
      smallClient.models.generateContent({
        model: 'gemini-3.8-flash',
        contents: text,
        config: { systemInstruction },
      });
    try {
      await send(instruction, 'first question');
      await send('other', 'a');
      await send('other', 'b');
      // The first prompt is the oldest of the last 3: still found.
      await send(instruction, 'second question');
      expect(small.requests.at(-1)?.sharedPrefix?.chars).toBe(instruction.length);
      for (const text of ['c', 'd', 'e']) await send('other', text);
      await send(instruction, 'third question');
      expect(small.requests.at(-1)?.sharedPrefix?.chars).toBe(0);
      // Seen again, it is remembered again.
      await send(instruction, 'fourth question');
      expect(small.requests.at(-1)?.sharedPrefix?.chars).toBe(instruction.length);
    } finally {
      await small.close();
    }
  });
});

describe('sharedPromptPrefixChars', () => {
  const body = (system: string, ...turns: Array<[string, string]>) => ({
    systemInstruction: { parts: [{ text: system }] },
    contents: turns.map(([role, text]) => ({ role, parts: [{ text }] })),
  });

  it('counts the instruction and the turns both prompts share, then the common start of the first part that differs', () => {
    expect(
      sharedPromptPrefixChars(
        body('sys', ['user', 'hello'], ['model', 'hi there'], ['user', 'how are you']),
        body('sys', ['user', 'hello'], ['model', 'hi there'], ['user', 'how old are you']),
      ),
    ).toBe('sys'.length + 'hello'.length + 'hi there'.length + 'how '.length);
  });

  it('stops where the same text is in a turn of another role', () => {
    expect(sharedPromptPrefixChars(body('sys', ['user', 'hi']), body('sys', ['model', 'hi']))).toBe(
      3,
    );
  });

  it('shares nothing when the instructions differ from the first character', () => {
    expect(sharedPromptPrefixChars(body('abc', ['user', 'hi']), body('xbc', ['user', 'hi']))).toBe(
      0,
    );
  });
});

describe('mem0 open source against the Gemini stand-in', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wellness0-gemini-mem0-'));
  const previousBaseUrl = process.env.GOOGLE_GEMINI_BASE_URL;
  afterAll(() => {
    if (previousBaseUrl === undefined) delete process.env.GOOGLE_GEMINI_BASE_URL;
    else process.env.GOOGLE_GEMINI_BASE_URL = previousBaseUrl;
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores an extracted memory on add and finds it only for the same user', async () => {
    process.env.GOOGLE_GEMINI_BASE_URL = gemini.baseUrl;
    const { Memory } = await import('mem0ai/oss');
    const memory = new Memory({
      version: 'v1.1',
      embedder: {
        provider: 'gemini',
        config: { apiKey: 'test-gemini-key', model: 'gemini-embedding-001', embeddingDims: 768 },
      },
      llm: { provider: 'gemini', config: { apiKey: 'test-gemini-key', model } },
      vectorStore: {
        provider: 'memory',
        config: { collectionName: 'memories', dimension: 768, dbPath: join(dir, 'vectors.db') },
      },
      historyStore: { provider: 'sqlite', config: { historyDbPath: join(dir, 'history.db') } },
    });
    const chatCallsBefore = gemini.chatRequests().length;

    const added = await memory.add(
      [
        { role: 'user', content: 'I adopted a cat named Miso' },
        { role: 'assistant', content: 'Lovely!' },
      ],
      { userId: 'discord:1' },
    );
    expect(added.results.map((r) => r.memory)).toEqual(['I adopted a cat named Miso']);
    expect(gemini.requests.some((r) => r.kind === 'memory-extraction')).toBe(true);
    expect(gemini.chatRequests()).toHaveLength(chatCallsBefore);

    const found = await memory.search('my cat', { filters: { user_id: 'discord:1' } });
    expect(found.results.map((r) => r.memory)).toContain('I adopted a cat named Miso');
    const other = await memory.search('my cat', { filters: { user_id: 'discord:2' } });
    expect(other.results).toEqual([]);
  });
});
