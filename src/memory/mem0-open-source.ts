import { join } from 'node:path';
import { Memory, type VectorStore } from 'mem0ai/oss';
import { openIndexedVectorStores } from './indexed-vector-store.js';
import type { Payload } from './mem0-filters.js';
import { type Mem0ThinkingConfig, sendThinkingConfigWithMem0Calls } from './mem0-llm-thinking.js';
import { prefetchSearchEmbeddings, type SearchPrefetch } from './mem0-search-prefetch.js';
import { type MemoryStore, newestFirst, originMetadata, toStoredMemory } from './memory-store.js';
import { openPgvectorStores } from './pgvector-stores.js';
import { memorySession, recallSession } from './scope.js';
import { requireMemoryUserId } from './user-id.js';
import { makePrivateDir } from '../storage/private-files.js';

/** Options for the embedded mem0 open-source backend. */
export interface Mem0OpenSourceOptions {
  /** Folder for the SQLite files; created if missing. Unused with `databaseUrl`. */
  dataDir: string;
  /**
   * PostgreSQL with pgvector (`postgresql://...`), shared by every worker, instead of
   * `dataDir/memories.db`: memories and entities go through mem0's own pgvector provider.
   */
  databaseUrl?: string | undefined;
  geminiApiKey: string;
  /** Gemini model that extracts memories from each exchange. */
  llmModel: string;
  embeddingModel: string;
  embeddingDimensions: number;
  /**
   * Runs each of mem0's own calls to `llmModel` (memory extraction), so that they can share the
   * bot's limit for that model; mem0 calls it directly when absent.
   */
  scheduleModelCall?: <T>(call: () => Promise<T>) => Promise<T>;
  /**
   * `generationConfig.thinkingConfig` of mem0's calls to `llmModel` (see geminiThinkingConfig):
   * extraction needs little thought, and nobody waits for it; the model's default when absent.
   */
  llmThinkingConfig?: Mem0ThinkingConfig;
}

/**
 * The private members of mem0's `Memory` (mem0ai 3.3.1) that {@link useIndexedVectorStores}
 * relies on. mem0 builds its vector stores itself through `VectorStoreFactory`, a closed switch
 * with no way to register a provider, so replacing them after construction is the only seam.
 */
interface MemoryStoreSeam {
  /** Awaits the constructor's initialisation, which creates `vectorStore`. */
  _ensureInitialized(): Promise<void>;
  /** The store of memories, read by search, add, getAll, get, update, delete and deleteAll. */
  vectorStore: VectorStore | undefined;
  /** Returns `_entityStore`, creating a stock one on first use when it is unset. */
  getEntityStore(): Promise<VectorStore>;
  /** The store of entities (names, places) linked to memories, used to boost search results. */
  _entityStore: VectorStore | undefined;
}

function seamError(missing: string): Error {
  const error = new Error(
    `mem0ai's Memory no longer has ${missing}, which the bot uses to plug in its indexed vector ` +
      'store (mem0ai was probably upgraded). Check useIndexedVectorStores in ' +
      'src/memory/mem0-open-source.ts against the new version.',
  );
  // Logs keep codes, not messages: this one names the cause in a log line.
  return Object.assign(error, { code: 'MEM0_SEAM_CHANGED' });
}

/** Checks, without waiting, that `memory` has the members the seam needs; throws a clear error if not. */
export function checkVectorStoreSeam(memory: object): MemoryStoreSeam {
  const seam = memory as Partial<MemoryStoreSeam>;
  if (typeof seam._ensureInitialized !== 'function') throw seamError('_ensureInitialized()');
  if (typeof seam.getEntityStore !== 'function') throw seamError('getEntityStore()');
  return seam as MemoryStoreSeam;
}

/**
 * Makes a mem0 `Memory` keep its memories and entities in `stores` instead of the stores it
 * built. Build the `Memory` with the stock 'memory' provider at `:memory:` (so the stores it
 * makes are throwaway and in RAM) and call this before any public method. Throws a clear error
 * when mem0's internals no longer match. `Memory.reset()` would rebuild stock stores: never call it.
 */
export async function useIndexedVectorStores(
  memory: object,
  stores: { memories: VectorStore; entities: VectorStore },
): Promise<void> {
  const seam = checkVectorStoreSeam(memory);
  await seam._ensureInitialized();
  if (typeof seam.vectorStore?.search !== 'function') throw seamError('a vectorStore field');
  seam.vectorStore = stores.memories;
  // Set before anything asks for it, so getEntityStore never builds the stock one.
  seam._entityStore = stores.entities;
  if ((await seam.getEntityStore()) !== stores.entities) throw seamError('an _entityStore field');
}

/**
 * Sends mem0's calls to its LLM through `schedule`. mem0 calls `llm.generateResponse` (a private
 * member, so this is a seam like the one above) once per add, to extract memories.
 */
export function scheduleMem0ModelCalls(
  memory: object,
  schedule: <T>(call: () => Promise<T>) => Promise<T>,
): void {
  const llm = (memory as { llm?: { generateResponse?: unknown } }).llm;
  if (llm === undefined || typeof llm.generateResponse !== 'function') {
    throw seamError('an llm with generateResponse()');
  }
  const generateResponse = (llm.generateResponse as (...args: unknown[]) => Promise<unknown>).bind(
    llm,
  );
  llm.generateResponse = (...args: unknown[]) => schedule(() => generateResponse(...args));
}

/**
 * The two stores a `Memory` is given (the SQLite ones of indexed-vector-store.ts, or mem0's
 * pgvector ones of pgvector-stores.ts), with what the bot needs of them beyond mem0's calls.
 */
export interface Mem0VectorStores {
  memories: VectorStore;
  entities: VectorStore & {
    /** Replaces a row's payload and keeps its vector. */
    setPayload(vectorId: string, payload: Payload): Promise<void>;
  };
  /** Call after deleting someone's memories: clears deleted text the store may still hold. */
  checkpoint(): void;
  /** Closes the file or connections; the stores must not be used afterwards. */
  close(): void | Promise<void>;
}

/** A built mem0 `Memory`, its stores, and the prefetch its searches go through. */
export interface OpenedMem0 {
  memory: Memory;
  stores: Mem0VectorStores;
  /** Call before each `memory.search` (one embedding round trip instead of two); release after. */
  prefetch: SearchPrefetch;
}

/** A mem0 `Memory` using indexed vector stores, and how to wait for and release them. */
export interface IndexedMem0Memory {
  /**
   * Builds the `Memory` and opens `dataDir/memories.db` (or connects to `databaseUrl`) the first
   * time, and resolves once the `Memory` uses its stores; call it before every use of them.
   * Rejects once closed.
   */
  ready: () => Promise<OpenedMem0>;
  /** Waits for `ready` to settle, then closes the SQLite file or connections (if opened). */
  close: () => Promise<void>;
}

/**
 * mem0 open source's `Memory` with Gemini as its LLM and embedder, no history, and its vector
 * stores in `dataDir/memories.db` (indexed by user; see indexed-vector-store.ts) or, with
 * `databaseUrl`, in PostgreSQL (see pgvector-stores.ts), built on first use: building this
 * touches no file and opens no connection (mem0's `Memory` writes its id file under MEM0_DIR as soon
 * as it is constructed). `ready` rejects with a clear error if mem0's internals do not fit the
 * seam.
 */
export function createIndexedMem0Memory(options: Mem0OpenSourceOptions): IndexedMem0Memory {
  let opened: Promise<OpenedMem0> | undefined;
  let closed = false;
  function ready(): Promise<OpenedMem0> {
    if (closed) return Promise.reject(new Error('The memory store is closed'));
    opened ??= open(options);
    // A failed open (a folder not writable yet, say) is tried again by the next call.
    const attempt = opened;
    attempt.catch(() => {
      if (opened === attempt) opened = undefined;
    });
    return attempt;
  }
  return {
    ready,
    close: async () => {
      closed = true;
      const built = await opened?.catch(() => undefined);
      await built?.stores.close();
    },
  };
}

/** The SQLite file under `dataDir`, or mem0's pgvector stores with `databaseUrl`. */
async function openStores(
  options: Mem0OpenSourceOptions,
  collectionName: string,
): Promise<Mem0VectorStores> {
  const dimension = options.embeddingDimensions;
  if (options.databaseUrl !== undefined) {
    return openPgvectorStores({ databaseUrl: options.databaseUrl, dimension, collectionName });
  }
  makePrivateDir(options.dataDir);
  return openIndexedVectorStores({
    path: join(options.dataDir, 'memories.db'),
    dimension,
    collectionName,
  });
}

async function open(options: Mem0OpenSourceOptions): Promise<OpenedMem0> {
  const collectionName = 'memories';
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
    // Throwaway stores in RAM, replaced by useIndexedVectorStores before first use; the entity
    // store mem0 would derive from this path (`*_entities.db`) is never built.
    vectorStore: {
      provider: 'memory',
      config: {
        collectionName,
        dimension: options.embeddingDimensions,
        dbPath: ':memory:',
      },
    },
    // mem0's history keeps the text of deleted memories and raw recent messages; without it,
    // /forget leaves nothing behind and no exchange can be read back from another place. (It
    // would also be a SQLite file of each process: workers sharing PostgreSQL share no history.)
    disableHistory: true,
  });
  checkVectorStoreSeam(memory);
  const prefetch = prefetchSearchEmbeddings(memory);
  if (options.scheduleModelCall) scheduleMem0ModelCalls(memory, options.scheduleModelCall);
  if (options.llmThinkingConfig) {
    await sendThinkingConfigWithMem0Calls(memory, options.llmThinkingConfig);
  }
  const stores = await openStores(options, collectionName);
  try {
    await useIndexedVectorStores(memory, stores);
  } catch (error) {
    await stores.close();
    throw error;
  }
  return { memory, stores, prefetch };
}

/**
 * Long-term memory kept by mem0 open source (`mem0ai/oss`) in this process, with Gemini as its LLM
 * and embedder and a SQLite file under `dataDir`, or PostgreSQL with `databaseUrl`. Its Gemini
 * calls honour the SDK-wide base URL.
 */
export function createMem0OpenSourceStore(options: Mem0OpenSourceOptions): MemoryStore {
  const { ready, close } = createIndexedMem0Memory(options);
  return {
    async search(userId, query, { limit, origin }) {
      const { memory, prefetch } = await ready();
      const session = recallSession(origin);
      const filters = {
        user_id: requireMemoryUserId(userId),
        ...(session === undefined ? {} : { run_id: session }),
      };
      const release = await prefetch(query, filters);
      try {
        const { results } = await memory.search(query, { filters, topK: limit });
        return results.map(toStoredMemory);
      } finally {
        release();
      }
    },
    async add(userId, messages, origin) {
      const { memory } = await ready();
      await memory.add([...messages], {
        userId: requireMemoryUserId(userId),
        runId: memorySession(origin),
        metadata: originMetadata(origin),
      });
    },
    async list(userId, listOptions) {
      const { memory } = await ready();
      const session = listOptions?.origin && recallSession(listOptions.origin);
      const { results } = await memory.getAll({
        filters: {
          user_id: requireMemoryUserId(userId),
          ...(session === undefined ? {} : { run_id: session }),
        },
        // getAll returns only 20 unless told otherwise.
        topK: 100_000,
      });
      return newestFirst(results.map(toStoredMemory));
    },
    async delete(userId, memoryId) {
      const { memory, stores } = await ready();
      const owner = requireMemoryUserId(userId);
      const found = (await memory.get(memoryId)) as { user_id?: string } | null;
      // Never delete on someone else's behalf, whatever id a button carried.
      if (found?.user_id !== owner) return false;
      await memory.delete(memoryId);
      await dropDanglingEntities(stores, owner, new Set([memoryId]));
      stores.checkpoint();
      return true;
    },
    async deleteAll(userId) {
      const { memory, stores } = await ready();
      const owner = requireMemoryUserId(userId);
      await memory.deleteAll({ userId: owner });
      // No memory of theirs is left, so every entity row of theirs goes.
      await dropDanglingEntities(stores, owner);
      stores.checkpoint();
    },
    async listEntities(userId) {
      const { stores } = await ready();
      const [entities] = await stores.entities.list(
        { user_id: requireMemoryUserId(userId) },
        Number.MAX_SAFE_INTEGER,
      );
      return entities.map((entity) => String(entity.payload.data ?? ''));
    },
    async close() {
      await close();
    },
  };
}

/**
 * Removes from `owner`'s entity rows the links to memories that no longer exist (only to
 * `deletedIds`, when given), and deletes the rows left with none. mem0 does this itself when it
 * deletes a memory, except for an entity whose re-embedding fails, which keeps its text and the
 * link; no embedding is needed here, since the entity's text (and so its vector) does not change.
 */
async function dropDanglingEntities(
  stores: Mem0VectorStores,
  owner: string,
  deletedIds?: ReadonlySet<string>,
): Promise<void> {
  const everything = Number.MAX_SAFE_INTEGER;
  // Entities first: a memory written meanwhile, with its entity links, then counts as existing.
  const [entities] = await stores.entities.list({ user_id: owner }, everything);
  const [memories] = await stores.memories.list({ user_id: owner }, everything);
  const existing = new Set(memories.map((memory) => memory.id));
  const gone = (id: unknown) =>
    typeof id !== 'string' || (deletedIds ? deletedIds.has(id) : !existing.has(id));
  for (const entity of entities) {
    const links: unknown[] = Array.isArray(entity.payload.linkedMemoryIds)
      ? (entity.payload.linkedMemoryIds as unknown[])
      : [];
    const kept = links.filter((id) => !gone(id));
    if (kept.length === 0) await stores.entities.delete(entity.id);
    else if (kept.length < links.length) {
      await stores.entities.setPayload(entity.id, { ...entity.payload, linkedMemoryIds: kept });
    }
  }
}
