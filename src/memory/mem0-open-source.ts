import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Memory } from 'mem0ai/oss';
import { type MemoryStore, newestFirst, originMetadata, toStoredMemory } from './memory-store.js';
import { memorySession, recallSession } from './scope.js';
import { requireMemoryUserId } from './user-id.js';

/** Options for the embedded mem0 open-source backend. */
export interface Mem0OpenSourceOptions {
  /** Folder for the SQLite files; created if missing. */
  dataDir: string;
  geminiApiKey: string;
  /** Gemini model that extracts memories from each exchange. */
  llmModel: string;
  embeddingModel: string;
  embeddingDimensions: number;
}

/**
 * Long-term memory kept in-process by mem0 open source (`mem0ai/oss`), with Gemini as its LLM and
 * embedder and SQLite files under `dataDir`. Its Gemini calls honour the SDK-wide base URL.
 */
export function createMem0OpenSourceStore(options: Mem0OpenSourceOptions): MemoryStore {
  mkdirSync(options.dataDir, { recursive: true });
  const memory = new Memory({
    version: 'v1.1',
    embedder: {
      provider: 'gemini',
      config: {
        apiKey: options.geminiApiKey,
        model: options.embeddingModel,
        embeddingDims: options.embeddingDimensions,
      },
    },
    // The API key is passed explicitly: mem0 would otherwise fill it from OPENAI_API_KEY.
    llm: { provider: 'gemini', config: { apiKey: options.geminiApiKey, model: options.llmModel } },
    vectorStore: {
      provider: 'memory',
      config: {
        collectionName: 'memories',
        dimension: options.embeddingDimensions,
        dbPath: join(options.dataDir, 'vector_store.db'),
      },
    },
    // mem0's history keeps the text of deleted memories and raw recent messages; without it,
    // /forget leaves nothing behind and no exchange can be read back from another place.
    disableHistory: true,
  });
  return {
    async search(userId, query, { limit, origin }) {
      const session = recallSession(origin);
      const { results } = await memory.search(query, {
        filters: {
          user_id: requireMemoryUserId(userId),
          ...(session === undefined ? {} : { run_id: session }),
        },
        topK: limit,
      });
      return results.map(toStoredMemory);
    },
    async add(userId, messages, origin) {
      await memory.add([...messages], {
        userId: requireMemoryUserId(userId),
        runId: memorySession(origin),
        metadata: originMetadata(origin),
      });
    },
    async list(userId) {
      const { results } = await memory.getAll({
        filters: { user_id: requireMemoryUserId(userId) },
        // getAll returns only 20 unless told otherwise.
        topK: 100_000,
      });
      return newestFirst(results.map(toStoredMemory));
    },
    async delete(userId, memoryId) {
      const owner = requireMemoryUserId(userId);
      const found = (await memory.get(memoryId)) as { user_id?: string } | null;
      // Never delete on someone else's behalf, whatever id a button carried.
      if (found?.user_id !== owner) return false;
      await memory.delete(memoryId);
      return true;
    },
    async deleteAll(userId) {
      await memory.deleteAll({ userId: requireMemoryUserId(userId) });
    },
    async close() {},
  };
}
