// mem0 open source's own Gemini calls (memory extraction) carry the bot's thinking config: a
// real mem0 `Memory`, built as the bot builds it, against the Gemini stand-in over real sockets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ThinkingLevel } from '../../src/llm/chat-model.js';
import { geminiThinkingConfig, useGeminiBaseUrl } from '../../src/llm/gemini.js';
import { sendThinkingConfigWithMem0Calls } from '../../src/memory/mem0-llm-thinking.js';
import {
  createIndexedMem0Memory,
  type IndexedMem0Memory,
} from '../../src/memory/mem0-open-source.js';
import { type FakeGemini, startFakeGemini } from '../standins/gemini.js';

let gemini: FakeGemini;
const dirs: string[] = [];
const opened: IndexedMem0Memory[] = [];

beforeAll(async () => {
  gemini = await startFakeGemini();
  // As the bot does at start: every @google/genai client, mem0's included, goes to the stand-in.
  useGeminiBaseUrl(gemini.baseUrl);
});

afterEach(async () => {
  expect(gemini.violations).toEqual([]);
  for (const memory of opened.splice(0)) await memory.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

afterAll(async () => {
  await gemini.close();
});

/** A mem0 `Memory` of the bot's open-source store, using `llmModel` to extract memories. */
async function memoryFor(llmModel: string) {
  const dir = mkdtempSync(join(tmpdir(), 'wellness0-mem0-thinking-'));
  dirs.push(dir);
  const indexed = createIndexedMem0Memory({
    dataDir: dir,
    geminiApiKey: 'test-gemini-key',
    llmModel,
    embeddingModel: 'gemini-embedding-001',
    embeddingDimensions: 768,
  });
  opened.push(indexed);
  return (await indexed.ready()).memory;
}

/** Adds one exchange for a person and returns the extraction request mem0 sent for it. */
async function extractionFor(memory: Awaited<ReturnType<typeof memoryFor>>, userId: string) {
  const before = gemini.requests.length;
  const added = await memory.add(
    [
      { role: 'user', content: 'My dog Biscuit is afraid of thunder' },
      { role: 'assistant', content: 'Poor Biscuit.' },
    ],
    { userId },
  );
  expect(added.results.map((r) => r.memory)).toEqual(['My dog Biscuit is afraid of thunder']);
  const extractions = gemini.requests.slice(before).filter((r) => r.kind === 'memory-extraction');
  expect(extractions).toHaveLength(1);
  return extractions[0];
}

describe("mem0's memory extraction carries the bot's thinking config", () => {
  it.each([
    ['gemini-3.8-flash', 'minimal', { thinkingLevel: 'LOW' }],
    ['gemini-3.5-flash', 'minimal', { thinkingLevel: 'MINIMAL' }],
    ['gemini-2.5-flash', 'minimal', { thinkingBudget: 0 }],
  ] as const)('for %s at %s, sends %o', async (model, level: ThinkingLevel, expected) => {
    const memory = await memoryFor(model);
    const config = geminiThinkingConfig(model, level);
    if (config === undefined) throw new Error(`${model} takes no thinking config`);
    await sendThinkingConfigWithMem0Calls(memory, config);
    const extraction = await extractionFor(memory, 'discord:300000000000000001');
    expect(extraction?.model).toBe(model);
    expect(extraction?.thinkingConfig).toEqual(expected);
    // mem0's own config still goes through: it asks for JSON.
    expect(extraction?.body.generationConfig?.responseMimeType).toBe('application/json');
  });

  it('sends no thinking config without it, as mem0 does by itself', async () => {
    const memory = await memoryFor('gemini-3.8-flash');
    const extraction = await extractionFor(memory, 'discord:300000000000000002');
    expect(extraction?.thinkingConfig).toBeUndefined();
  });
});

describe('sendThinkingConfigWithMem0Calls, when mem0 has changed', () => {
  const seamChanged: unknown = expect.objectContaining({ code: 'MEM0_SEAM_CHANGED' });

  it('throws MEM0_SEAM_CHANGED for a Memory without an llm that builds its client', async () => {
    await expect(sendThinkingConfigWithMem0Calls({}, { thinkingLevel: 'LOW' })).rejects.toEqual(
      seamChanged,
    );
    await expect(
      sendThinkingConfigWithMem0Calls({ llm: { generateResponse() {} } }, { thinkingLevel: 'LOW' }),
    ).rejects.toEqual(seamChanged);
  });

  it('throws MEM0_SEAM_CHANGED when the client has no models.generateContent', async () => {
    const llm = {
      google: undefined as unknown,
      async ensureClient() {
        this.google = { models: {} };
      },
    };
    await expect(
      sendThinkingConfigWithMem0Calls({ llm }, { thinkingLevel: 'LOW' }),
    ).rejects.toEqual(seamChanged);
  });
});
