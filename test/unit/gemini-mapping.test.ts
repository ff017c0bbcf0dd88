import { describe, expect, it } from 'vitest';
import { mapGeminiError, mapGeminiResponse } from '../../src/llm/gemini-mapping.js';

describe('mapGeminiResponse', () => {
  it('returns the text of a normal answer', () => {
    expect(
      mapGeminiResponse({
        candidates: [
          { content: { parts: [{ text: 'Hel' }, { text: 'lo' }] }, finishReason: 'STOP' },
        ],
      }),
    ).toEqual({ kind: 'answer', text: 'Hello', truncated: false });
  });

  it('skips thought parts', () => {
    const outcome = mapGeminiResponse({
      candidates: [{ content: { parts: [{ text: 'hmm', thought: true }, { text: 'Hi' }] } }],
    });
    expect(outcome).toEqual({ kind: 'answer', text: 'Hi', truncated: false });
  });

  it('marks an answer cut at the output limit as truncated', () => {
    const outcome = mapGeminiResponse({
      candidates: [{ content: { parts: [{ text: 'partial' }] }, finishReason: 'MAX_TOKENS' }],
    });
    expect(outcome).toEqual({ kind: 'answer', text: 'partial', truncated: true });
  });

  it('reports a blocked prompt', () => {
    expect(mapGeminiResponse({ promptFeedback: { blockReason: 'SAFETY' } })).toEqual({
      kind: 'refused',
      reason: 'blocked-prompt',
    });
  });

  it('reports a safety finish with no text', () => {
    expect(mapGeminiResponse({ candidates: [{ finishReason: 'SAFETY' }] })).toEqual({
      kind: 'refused',
      reason: 'safety',
    });
  });

  it('reports a recitation finish with no text', () => {
    expect(mapGeminiResponse({ candidates: [{ finishReason: 'RECITATION' }] })).toEqual({
      kind: 'refused',
      reason: 'recitation',
    });
  });

  it('refuses for safety an answer that Gemini stopped for safety after some text', () => {
    // The last chunk of a stream cut for safety, merged with the text before it.
    expect(
      mapGeminiResponse({
        candidates: [
          {
            content: { parts: [{ text: 'Here is how you' }, { text: ' could do it' }] },
            finishReason: 'SAFETY',
          },
        ],
      }),
    ).toEqual({ kind: 'refused', reason: 'safety' });
  });

  it.each(['BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY'])(
    'refuses for safety an answer with text that ends with %s',
    (finishReason) => {
      expect(
        mapGeminiResponse({
          candidates: [{ content: { parts: [{ text: 'Sure, ' }] }, finishReason }],
        }),
      ).toEqual({ kind: 'refused', reason: 'safety' });
    },
  );

  it('refuses as recitation an answer with text that Gemini stopped for recitation', () => {
    expect(
      mapGeminiResponse({
        candidates: [
          { content: { parts: [{ text: 'The lyrics go: ' }] }, finishReason: 'RECITATION' },
        ],
      }),
    ).toEqual({ kind: 'refused', reason: 'recitation' });
  });

  it('keeps the text of an answer that ends for another reason', () => {
    expect(
      mapGeminiResponse({
        candidates: [{ content: { parts: [{ text: 'Hello' }] }, finishReason: 'OTHER' }],
      }),
    ).toEqual({ kind: 'answer', text: 'Hello', truncated: false });
  });

  it('reports an error-only response as no answer', () => {
    expect(mapGeminiResponse({})).toEqual({ kind: 'refused', reason: 'no-answer' });
  });
});

describe('mapGeminiError', () => {
  const apiError = (status: number, body: unknown) =>
    Object.assign(new Error(JSON.stringify(body)), { name: 'ApiError', status });

  it('reads the retry delay Google gives with a 429', () => {
    const error = mapGeminiError(
      apiError(429, {
        error: {
          code: 429,
          status: 'RESOURCE_EXHAUSTED',
          details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }],
        },
      }),
    );
    expect(error.code).toBe('rate-limited');
    expect(error.retryAfterMs).toBe(37_000);
  });

  it('treats 5xx as unavailable and an abort as a timeout', () => {
    expect(mapGeminiError(apiError(503, {})).code).toBe('unavailable');
    expect(mapGeminiError(Object.assign(new Error('aborted'), { name: 'AbortError' })).code).toBe(
      'timeout',
    );
  });

  it('recognises an invalid API key', () => {
    const error = apiError(400, {
      error: { message: 'API key not valid. Please pass a valid API key.' },
    });
    expect(mapGeminiError(error).code).toBe('unauthorized');
  });
});
