// The real Gemini adapter (createGeminiChatModel, over the real @google/genai SDK and real
// sockets) against the Gemini stand-in: what it asks for as thinking, and the usage it reports.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatOutcome, ThinkingLevel } from '../../src/llm/chat-model.js';
import { createGeminiChatModel } from '../../src/llm/gemini.js';
import { type FakeGemini, implicitCacheMinTokens, startFakeGemini } from '../standins/gemini.js';

let gemini: FakeGemini;

beforeAll(async () => {
  gemini = await startFakeGemini();
});

afterAll(async () => {
  await gemini.close();
});

afterEach(() => {
  expect(gemini.violations).toEqual([]);
});

function modelOf(model: string, thinkingLevel?: ThinkingLevel) {
  return createGeminiChatModel({
    apiKey: 'test-gemini-key',
    model,
    baseUrl: gemini.baseUrl,
    requestTimeoutMs: 5_000,
    ...(thinkingLevel === undefined ? {} : { thinkingLevel }),
  });
}

const ask = (model: ReturnType<typeof modelOf>, text: string, systemInstruction = 'Be kind.') =>
  model.stream({ systemInstruction, messages: [{ role: 'user', text }] });

/** The thinking config the stand-in recorded for the last chat request. */
const lastThinkingConfig = () => gemini.chatRequests().at(-1)?.thinkingConfig;

function answerOf(outcome: ChatOutcome) {
  if (outcome.kind !== 'answer') throw new Error(`expected an answer, got ${outcome.reason}`);
  return outcome;
}

describe('the Gemini adapter asks for the configured thinking', () => {
  it('sends a Gemini 3 model its thinking level on every answer request', async () => {
    const model = modelOf('gemini-3.8-flash', 'low');
    for (const text of ['hello', 'how are you?']) {
      answerOf(await ask(model, text));
      expect(lastThinkingConfig()).toEqual({ thinkingLevel: 'LOW' });
    }
  });

  it('sends Gemini 3.8 Flash LOW for minimal, which it would refuse as MINIMAL', async () => {
    answerOf(await ask(modelOf('gemini-3.8-flash', 'minimal'), 'hello'));
    expect(lastThinkingConfig()).toEqual({ thinkingLevel: 'LOW' });
  });

  it('sends a Gemini 2.5 model a thinking budget instead of a level', async () => {
    answerOf(await ask(modelOf('gemini-2.5-flash', 'minimal'), 'hello'));
    expect(lastThinkingConfig()).toEqual({ thinkingBudget: 0 });
    answerOf(await ask(modelOf('gemini-2.5-flash', 'medium'), 'hello'));
    expect(lastThinkingConfig()).toEqual({ thinkingBudget: 8_192 });
  });

  it('sends no thinking config when no level is set', async () => {
    answerOf(await ask(modelOf('gemini-3.8-flash'), 'hello'));
    expect(lastThinkingConfig()).toBeUndefined();
  });
});

describe('the Gemini adapter reports the tokens an answer used', () => {
  it('reports prompt and answer tokens as Gemini counted them', async () => {
    gemini.script({ kind: 'text', text: 'I am here with you.' });
    const outcome = answerOf(await ask(modelOf('gemini-3.8-flash', 'low'), 'hello', 'Be kind.'));
    expect(outcome.usage).toEqual({
      // The stand-in counts 4 characters a token: "Be kind." and "hello", then the answer.
      promptTokens: Math.ceil(('Be kind.'.length + 'hello'.length) / 4),
      cachedTokens: 0,
      outputTokens: Math.ceil('I am here with you.'.length / 4),
      thoughtsTokens: 0,
    });
  });

  it('reports the cached tokens of a second request with the same long prefix', async () => {
    const model = modelOf('gemini-3.8-flash', 'low');
    // A persona long enough for Gemini 3.8 Flash's implicit cache (4,096 tokens at least).
    const persona = 'You are a warm, steady companion. '.repeat(600);
    const personaTokens = Math.ceil(persona.length / 4);
    expect(personaTokens).toBeGreaterThanOrEqual(implicitCacheMinTokens('gemini-3.8-flash'));

    const first = answerOf(await ask(model, 'I slept badly', persona));
    expect(first.usage?.cachedTokens).toBe(0);
    const second = answerOf(await ask(model, 'work was hard today', persona));
    // The persona is shared; the two messages differ from their first letter.
    expect(second.usage?.cachedTokens).toBe(personaTokens);
    expect(second.usage?.promptTokens).toBe(
      Math.ceil((persona.length + 'work was hard today'.length) / 4),
    );
    expect(gemini.chatRequests().at(-1)?.sharedPrefix?.chars).toBe(persona.length);
  });
});
