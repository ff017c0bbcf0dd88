// The mappers are fed what the real @google/genai SDK makes of trimmed real Gemini responses
// (test/fixtures/gemini/*.json, each naming its source), served by a local HTTP server.
import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiError,
  type GenerateContentResponse,
  GoogleGenAI,
  type HttpOptions,
} from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatModelError, type ChatOutcome } from '../../src/llm/chat-model.js';
import {
  type GeminiResponseLike,
  mapGeminiError,
  mapGeminiResponse,
  mapGeminiUsage,
  mergeChunk,
} from '../../src/llm/gemini-mapping.js';
import { loadFixture, wireBody } from '../fixtures/gemini/load.js';

/** A path segment that makes the server hold the request without ever answering. */
const neverAnswers = 'never-answers';
let server: Server;
let origin: string;

beforeAll(async () => {
  // Answers a POST to /<fixture name>/<anything> with that fixture's status, headers and body.
  server = createServer((req, res) => {
    req.resume();
    const name = req.url?.split('/')[1] ?? '';
    if (req.method !== 'POST') return void res.writeHead(405).end();
    if (name === neverAnswers) return;
    try {
      const fixture = loadFixture(name);
      res.writeHead(fixture.status, fixture.headers ?? {}).end(wireBody(fixture));
    } catch (error) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A client built as src/llm/gemini.ts builds it (no retryOptions), aimed at one fixture. */
const clientFor = (fixture: string, httpOptions: HttpOptions = {}) =>
  new GoogleGenAI({
    apiKey: 'test',
    httpOptions: { baseUrl: `${origin}/${fixture}`, ...httpOptions },
  });

const request = { model: 'gemini-2.5-flash', contents: 'hello' };

async function streamChunks(client: GoogleGenAI): Promise<GenerateContentResponse[]> {
  const chunks: GenerateContentResponse[] = [];
  for await (const chunk of await client.models.generateContentStream(request)) chunks.push(chunk);
  return chunks;
}

async function thrownBy(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the SDK call to throw');
}

/** Folds streamed chunks together as src/llm/gemini.ts does before its final mapping. */
function merge(chunks: GeminiResponseLike[]): GeminiResponseLike {
  const merged: GeminiResponseLike = {};
  for (const chunk of chunks) mergeChunk(merged, chunk);
  return merged;
}

const answer = (text: string, truncated = false): ChatOutcome => ({
  kind: 'answer',
  text,
  truncated,
});
const refused = (
  reason: 'blocked-prompt' | 'safety' | 'recitation' | 'no-answer',
): ChatOutcome => ({
  kind: 'refused',
  reason,
});

describe('mapGeminiError, on what @google/genai throws for recorded Gemini errors', () => {
  const cases: { fixture: string; code: ChatModelError['code']; retryAfterMs?: number }[] = [
    { fixture: 'error-429-quota-retry-info', code: 'rate-limited', retryAfterMs: 37_000 },
    { fixture: 'error-429-retry-info-fractional', code: 'rate-limited', retryAfterMs: 34_400 },
    { fixture: 'error-429-no-retry-info', code: 'rate-limited' },
    { fixture: 'error-400-api-key-invalid', code: 'unauthorized' },
    { fixture: 'error-403-permission-denied', code: 'unauthorized' },
    { fixture: 'error-400-invalid-argument', code: 'rejected' },
    { fixture: 'error-500-internal', code: 'unavailable' },
    { fixture: 'error-503-unavailable', code: 'unavailable' },
    { fixture: 'error-504-deadline-exceeded', code: 'unavailable' },
    { fixture: 'error-502-proxy-html', code: 'unavailable' },
  ];

  it.each(cases)('$fixture is $code', async ({ fixture: name, code, retryAfterMs }) => {
    const fixture = loadFixture(name);
    // A non-JSON body reaches ApiError wrapped by the SDK, with the HTTP status text.
    const expectedBody =
      typeof fixture.body === 'string'
        ? {
            error: {
              message: fixture.body,
              code: fixture.status,
              status: STATUS_CODES[fixture.status],
            },
          }
        : fixture.body;
    const calls = {
      generateContent: () => clientFor(name).models.generateContent(request),
      generateContentStream: () => streamChunks(clientFor(name)),
    };
    for (const [method, call] of Object.entries(calls)) {
      const thrown = await thrownBy(call);
      expect(thrown, method).toBeInstanceOf(ApiError);
      expect((thrown as ApiError).status, method).toBe(fixture.status);
      expect(JSON.parse((thrown as ApiError).message), method).toEqual(expectedBody);
      const mapped = mapGeminiError(thrown);
      expect(mapped, method).toBeInstanceOf(ChatModelError);
      expect(mapped.code, method).toBe(code);
      expect(mapped.retryAfterMs, method).toBe(retryAfterMs);
      expect(mapped.cause, method).toBe(thrown);
    }
  });

  it.each([
    {
      how: 'httpOptions.timeout (as src/llm/gemini.ts sets it)',
      call: () => streamChunks(clientFor(neverAnswers, { timeout: 50 })),
    },
    {
      how: 'config.abortSignal',
      call: () =>
        clientFor(neverAnswers).models.generateContent({
          ...request,
          config: { abortSignal: AbortSignal.timeout(50) },
        }),
    },
  ])('treats a call the SDK aborted through $how as a timeout', async ({ call }) => {
    const thrown = await thrownBy(call);
    expect((thrown as Error).name).toBe('AbortError');
    const mapped = mapGeminiError(thrown);
    expect(mapped.code).toBe('timeout');
    expect(mapped.retryAfterMs).toBeUndefined();
  });
});

describe('mapGeminiResponse, on recorded Gemini responses', () => {
  // `outcome`: the whole stream merged; `last`: its last event on its own.
  const cases: { fixture: string; outcome: ChatOutcome; last?: ChatOutcome }[] = [
    {
      fixture: 'response-stream-answer',
      outcome: answer('There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y'),
      last: refused('no-answer'),
    },
    { fixture: 'response-stream-safety-stop', outcome: refused('safety'), last: refused('safety') },
    {
      fixture: 'response-stream-recitation-stop',
      outcome: refused('recitation'),
      last: refused('recitation'),
    },
    { fixture: 'response-prompt-blocked-safety', outcome: refused('blocked-prompt') },
    { fixture: 'response-prompt-blocked-prohibited', outcome: refused('blocked-prompt') },
    {
      fixture: 'response-max-tokens',
      outcome: answer('Take a slow breath with', true),
      last: answer(' breath with', true),
    },
    {
      fixture: 'response-thought-then-text',
      outcome: answer('There are 3 "r"s in strawberry.'),
      last: answer('There are 3 "r"s in strawberry.'),
    },
    { fixture: 'response-empty-candidate', outcome: refused('no-answer') },
  ];

  it.each(cases)('$fixture', async ({ fixture: name, outcome, last }) => {
    const events = loadFixture(name).body as GeminiResponseLike[];
    expect(mapGeminiResponse(merge(events))).toEqual(outcome);
    if (last) expect(mapGeminiResponse(events[events.length - 1] ?? {})).toEqual(last);
    // The same through the SDK's SSE parsing: the mapper reads what generateContentStream yields.
    const chunks = await streamChunks(clientFor(name));
    expect(chunks).toHaveLength(events.length);
    expect(mapGeminiResponse(merge(chunks))).toEqual(outcome);
    if (last) expect(mapGeminiResponse(chunks[chunks.length - 1] ?? {})).toEqual(last);
  });

  /** The safety-stop stream with its last event's finish reason replaced. */
  const safetyStopEndingWith = (finishReason: string): GeminiResponseLike[] => {
    const events = structuredClone(loadFixture('response-stream-safety-stop').body);
    const stop = (events as GeminiResponseLike[]).at(-1)?.candidates?.[0];
    if (stop) stop.finishReason = finishReason;
    return events as GeminiResponseLike[];
  };

  it.each(['BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY'])(
    'refuses for safety a streamed answer with text that ends with %s',
    (finishReason) => {
      const events = safetyStopEndingWith(finishReason);
      expect(mapGeminiResponse(merge(events))).toEqual(refused('safety'));
      expect(mapGeminiResponse(events[events.length - 1] ?? {})).toEqual(refused('safety'));
    },
  );

  it('keeps the text of an answer that ends for another reason', () => {
    expect(mapGeminiResponse(merge(safetyStopEndingWith('OTHER')))).toEqual(
      answer('Here is how you'),
    );
  });

  it('reports an error-only response as no answer', () => {
    expect(mapGeminiResponse({})).toEqual(refused('no-answer'));
  });
});

describe('mapGeminiUsage, on the usage of recorded Gemini streams', () => {
  it('reports the prompt, answer and thinking tokens of the whole stream', async () => {
    const events = loadFixture('response-thought-then-text').body as GeminiResponseLike[];
    const expected = { promptTokens: 9, cachedTokens: 0, outputTokens: 11, thoughtsTokens: 121 };
    expect(mapGeminiUsage(merge(events).usageMetadata)).toEqual(expected);
    // The same through the SDK's SSE parsing.
    const chunks = await streamChunks(clientFor('response-thought-then-text'));
    expect(mapGeminiUsage(merge(chunks).usageMetadata)).toEqual(expected);
  });

  it('reports the tokens served from the cache', () => {
    const events = structuredClone(
      loadFixture('response-stream-answer').body,
    ) as GeminiResponseLike[];
    const last = events.at(-1);
    if (last?.usageMetadata) last.usageMetadata.cachedContentTokenCount = 6;
    expect(mapGeminiUsage(merge(events).usageMetadata)).toEqual({
      promptTokens: 9,
      cachedTokens: 6,
      outputTokens: 23,
      thoughtsTokens: 185,
    });
  });

  it("takes the last event's usage, which counts the whole call", () => {
    const merged = merge([
      { usageMetadata: { promptTokenCount: 5 } },
      { usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 7 } },
    ]);
    expect(mapGeminiUsage(merged.usageMetadata)).toEqual({
      promptTokens: 5,
      cachedTokens: 0,
      outputTokens: 7,
      thoughtsTokens: 0,
    });
  });

  it('reports nothing for a response without usage', () => {
    expect(mapGeminiUsage(merge([{}]).usageMetadata)).toBeUndefined();
  });
});
