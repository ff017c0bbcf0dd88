// The cost of mem0 open source's memory store as the bot grows: mem0's stock 'memory' vector
// store against our indexed SQLite one and mem0's pgvector one as the bot configures it with
// DATABASE_URL (person index and HNSW; see src/memory/pgvector-stores.ts), at several total
// memory counts, in the same run. All are populated through their `insert` (no LLM), then timed
// through mem0's own `Memory.search` and `Memory.add`, with mem0's Gemini calls answered by the
// local Gemini stand-in. PostgreSQL is PGlite (WebAssembly) with pgvector in a child process
// behind pglite-socket: slower than a native server, but, like one, off the measured event loop.
import './env.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Memory, type VectorStore } from 'mem0ai/oss';
import pg from 'pg';
import { useGeminiBaseUrl } from '../src/llm/gemini.js';
import {
  createIndexedMem0Memory,
  type Mem0OpenSourceOptions,
} from '../src/memory/mem0-open-source.js';
import { pgvectorIndexStatements } from '../src/memory/pgvector-stores.js';
import { startPostgresProcess } from '../test/helpers/postgres.js';
import { embedText } from '../test/standins/embedding.js';
import { startFakeGemini } from '../test/standins/gemini.js';
import { writeJsonResult } from './json-out.js';

/** What one run measures. */
export interface MemoryStoreBenchOptions {
  /** Total stored memories, one measurement per size (e.g. 1k, 10k, 100k). */
  sizes: number[];
  /** How many people the memories are spread over. */
  users: number;
  /**
   * Most samples per measurement (Memory.add and the probe take fewer). A measurement stops
   * early once it has used its few seconds, as the stock store does at large sizes.
   */
  searches: number;
  log?: (line: string) => void;
}

/** p50, p95 and p99 of a set of samples, in ms. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** Which vector store a measurement used. */
export type StoreKind = 'stock' | 'indexed' | 'pgvector';

const storeKinds: readonly StoreKind[] = ['indexed', 'pgvector', 'stock'];

/** One store at one size. */
export interface StoreMeasurement {
  store: StoreKind;
  /** Memories dealt to the `users` people (the size asked for). */
  size: number;
  /** Stored memories (the probe user's included), before the measured adds. */
  memories: number;
  /** Rows in the entity store. */
  entities: number;
  /** Inserting every row (and, for pgvector, building its indexes over them). */
  populateMs: number;
  /** `Memory.search(query, {filters: {user_id}, topK: 8})`, end to end. */
  memorySearchMs: Percentiles;
  /** The store alone: `search(q, 60, {user_id})` then `keywordSearch(q, 60, {user_id})`. */
  storeSearchMs: Percentiles;
  /** `Memory.add` of one exchange, end to end (one extraction call to the stand-in). */
  memoryAddMs: Percentiles;
  /** `Memory.search` of the probe user, whose 100 memories are the same at every size. */
  probeSearchP50Ms: number;
  samples: { memorySearch: number; storeSearch: number; memoryAdd: number; probe: number };
  /** mem0 Gemini calls retried after the stand-in closed an idle keep-alive socket. */
  connectionResets: number;
  /** Event-loop delay p99 while the measured calls ran (monitorEventLoopDelay, 10 ms resolution). */
  eventLoopLagP99Ms: number;
}

/** Everything one run measured. */
export interface MemoryStoreBenchResult {
  options: { sizes: number[]; users: number; searches: number };
  runs: StoreMeasurement[];
  /** The goal, checked for the indexed store at the largest size. */
  goal: {
    size: number;
    searchP95LimitMs: number;
    eventLoopLagP99LimitMs: number;
    memorySearchP95Ms: number;
    eventLoopLagP99Ms: number;
    met: boolean;
  };
}

/** Full-size defaults: 1k, 10k and 100k memories over 1,000 people. */
export const defaultMemoryStoreBenchOptions: MemoryStoreBenchOptions = {
  sizes: [1_000, 10_000, 100_000],
  users: 1_000,
  searches: 200,
};

/** Sizes for a CI smoke run. */
export const quickMemoryStoreBenchOptions: MemoryStoreBenchOptions = {
  sizes: [200],
  users: 20,
  searches: 5,
};

const dimension = 768;
const topK = 8;
const probeUserId = 'bench:probe';
const probeMemories = 100;
const apiKey = 'bench-gemini-key';
const searchP95LimitMs = 20;
const eventLoopLagP99LimitMs = 50;

/** Nearest-rank percentile. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

function percentiles(values: readonly number[]): Percentiles {
  return {
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
  };
}

/** A small seeded generator (mulberry32), so every run stores the same memories. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const names = ['Miso', 'Rex', 'Ana', 'Tom', 'Lena', 'Kofi', 'Yuki', 'Omar', 'Priya', 'Sam'];
const places = ['Lisbon', 'Osaka', 'Nairobi', 'Denver', 'Oslo', 'Lima', 'Hanoi', 'Cork'];
const pets = ['cat', 'dog', 'rabbit', 'parrot'];
const feelings = ['anxious', 'hopeful', 'tired', 'proud', 'lonely', 'calm'];
const events = ['exam', 'job interview', 'move', 'wedding', 'surgery', 'marathon'];
const hobbies = ['painting', 'running', 'baking', 'chess', 'gardening', 'cello'];
const stopWords = new Set(['user', 's', 'a', 'the', 'in', 'on', 'to', 'about', 'has', 'is', 'and']);

/** One memory as mem0's extraction would phrase it, with the entity mem0 would link to it. */
function memoryText(pick: <T>(list: readonly T[]) => T): { text: string; entity: string } {
  const name = pick(names);
  const place = pick(places);
  switch (Math.floor(pick([0, 1, 2, 3, 4]))) {
    case 0:
      return { text: `User's ${pick(pets)} ${name} likes sleeping in the sun`, entity: name };
    case 1:
      return { text: `User feels ${pick(feelings)} about the ${pick(events)}`, entity: place };
    case 2:
      return { text: `User's friend ${name} lives in ${place}`, entity: name };
    case 3:
      return { text: `User enjoys ${pick(hobbies)} on weekends in ${place}`, entity: place };
    default:
      return { text: `User has trouble sleeping before the ${pick(events)}`, entity: name };
  }
}

/** A stand-in for mem0's BM25 lemmatizer: lower case, no stop words. */
function lemmatized(text: string): string {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => !stopWords.has(w)).join(' ');
}

/** Embeddings of repeated texts are computed once (the vectors are what the stand-in returns). */
function createEmbedder() {
  const cache = new Map<string, number[]>();
  return (text: string) => {
    let vector = cache.get(text);
    if (vector === undefined) {
      vector = embedText(text, dimension);
      cache.set(text, vector);
    }
    return vector;
  };
}

interface Row {
  id: string;
  vector: number[];
  payload: Record<string, unknown>;
}

/**
 * The rows of one size: the probe user's fixed memories, then `size` memories dealt round-robin
 * to `users` people, and one entity per person and name or place, linked to its memories.
 */
function* generateRows(size: number, users: number, embed: (text: string) => number[]) {
  const memories: Row[] = [];
  const entities = new Map<string, Row>();
  const batchSize = 1_000;
  // UUIDs, as mem0 makes them (pgvector's id column is UUID), numbered so every run has the same.
  let rowCount = 0;
  const nextId = () => `00000000-0000-4000-8000-${(rowCount++).toString(16).padStart(12, '0')}`;
  const emit = function* (userId: string, index: number, random: () => number) {
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const { text, entity } = memoryText(pick);
    const id = nextId();
    const createdAt = new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString();
    memories.push({
      id,
      vector: embed(text),
      payload: {
        data: text,
        textLemmatized: lemmatized(text),
        hash: `${index}-${text.length}`,
        createdAt,
        updatedAt: createdAt,
        attributedTo: 'user',
        user_id: userId,
        // About one in five memories was said in a server.
        ...(index % 5 === 0 ? { run_id: 'guild-1', origin: 'guild' } : { origin: 'dm' }),
      },
    });
    const key = `${userId}\u0000${entity}`;
    const existing = entities.get(key);
    if (existing === undefined) {
      entities.set(key, {
        id: nextId(),
        vector: embed(entity),
        payload: { data: entity, entityType: 'PROPER', linkedMemoryIds: [id], user_id: userId },
      });
    } else {
      (existing.payload.linkedMemoryIds as string[]).push(id);
    }
    if (memories.length >= batchSize) yield memories.splice(0);
  };
  const probeRandom = seededRandom(7);
  for (let i = 0; i < probeMemories; i++) yield* emit(probeUserId, i, probeRandom);
  const random = seededRandom(size);
  for (let i = 0; i < size; i++) yield* emit(`bench:user-${i % users}`, i, random);
  if (memories.length > 0) yield memories.splice(0);
  return [...entities.values()];
}

/** The two stores a `Memory` uses, reached through its private members (a benchmark only). */
interface MemoryInternals {
  _ensureInitialized(): Promise<void>;
  vectorStore: VectorStore;
  getEntityStore(): Promise<VectorStore>;
}

/** A `Memory` on one kind of store, in its own temp folder (and, for pgvector, its own server). */
async function openMemory(kind: StoreKind, dir: string) {
  const options: Mem0OpenSourceOptions = {
    dataDir: dir,
    geminiApiKey: apiKey,
    llmModel: 'gemini-2.5-flash',
    embeddingModel: 'gemini-embedding-001',
    embeddingDimensions: dimension,
  };
  if (kind === 'indexed') {
    const built = createIndexedMem0Memory(options);
    const { memory, stores } = await built.ready();
    return {
      memory,
      memories: stores.memories,
      entities: stores.entities as VectorStore,
      close: () => built.close(),
    };
  }
  if (kind === 'pgvector') {
    const server = await startPostgresProcess();
    try {
      const built = createIndexedMem0Memory({ ...options, databaseUrl: server.url });
      const { memory, stores } = await built.ready();
      return {
        memory,
        memories: stores.memories,
        entities: stores.entities,
        bulkLoad: (load: () => Promise<void>) => bulkLoad(server.url, load),
        close: async () => {
          await built.close();
          await server.stop();
        },
      };
    } catch (error) {
      await server.stop();
      throw error;
    }
  }
  // The configuration the bot used before the indexed store, files and all.
  const memory = new Memory({
    version: 'v1.1',
    embedder: {
      provider: 'gemini',
      config: { apiKey, model: options.embeddingModel, embeddingDims: dimension },
    },
    llm: { provider: 'gemini', config: { apiKey, model: options.llmModel } },
    vectorStore: {
      provider: 'memory',
      config: { collectionName: 'memories', dimension, dbPath: join(dir, 'vector_store.db') },
    },
    disableHistory: true,
  });
  const internals = memory as unknown as MemoryInternals;
  await internals._ensureInitialized();
  const memories = internals.vectorStore;
  const entities = await internals.getEntityStore();
  return {
    memory,
    memories,
    entities,
    // The stock store has no close(); its SQLite handle is a private `db`.
    close: async () => {
      for (const store of [memories, entities]) {
        (store as unknown as { db: { close(): void } }).db.close();
      }
    },
  };
}

/**
 * Runs `load` without the HNSW indexes the store made at start, then builds them over what was
 * loaded (with the store's own statements) and analyzes the tables, as autovacuum would. HNSW
 * inserts row by row cost PGlite about 20 ms each at 10k rows; a build over loaded rows is how
 * a large table would get its index anyway.
 */
async function bulkLoad(databaseUrl: string, load: () => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = ['memories', 'memories_entities'];
    for (const table of tables) await client.query(`DROP INDEX IF EXISTS "${table}_hnsw_idx"`);
    await load();
    // HNSW builds much faster when its graph fits in maintenance_work_mem.
    await client.query(`SET maintenance_work_mem = '1GB'`);
    for (const table of tables) {
      for (const statement of pgvectorIndexStatements(table, dimension)) {
        await client.query(statement);
      }
      await client.query(`ANALYZE "${table}"`);
    }
  } finally {
    await client.end();
  }
}

/**
 * Times up to `count` runs of `call(i)`, one after another, in ms; stops early once `budgetMs`
 * is spent and at least `minimum` ran (the stock store takes seconds per call at large sizes).
 * Each run starts on a fresh turn of the event loop, as a bot's calls would.
 */
async function time(
  count: number,
  budgetMs: number,
  minimum: number,
  call: (i: number) => Promise<unknown>,
): Promise<number[]> {
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    if (i >= minimum && performance.now() - started > budgetMs) break;
    await sleep(1);
    const callStarted = performance.now();
    await call(i);
    samples.push(performance.now() - callStarted);
  }
  return samples;
}

/** mem0's model clients, reached through private members (a benchmark only). */
interface ModelInternals {
  embedder: Record<'embed' | 'embedBatch', (...args: unknown[]) => Promise<unknown>>;
  llm: Record<'generateResponse', (...args: unknown[]) => Promise<unknown>>;
}

function isConnectionReset(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(String(cause?.code));
}

/**
 * Retries once each mem0 Gemini call that fails on a reset connection, counting them. The
 * stock store blocks the event loop for seconds between two of mem0's calls; the stand-in's
 * keep-alive timeout then closes the socket mem0 is about to reuse. Real Gemini would too.
 */
function retryConnectionResets(memory: Memory, onReset: () => void): void {
  const models = memory as unknown as ModelInternals;
  const wrap = <K extends string>(
    target: Record<K, (...args: unknown[]) => Promise<unknown>>,
    method: K,
  ) => {
    const original = target[method].bind(target);
    target[method] = async (...args: unknown[]) => {
      try {
        return await original(...args);
      } catch (error) {
        if (!isConnectionReset(error)) throw error;
        onReset();
        return original(...args);
      }
    };
  };
  wrap(models.embedder, 'embed');
  wrap(models.embedder, 'embedBatch');
  wrap(models.llm, 'generateResponse');
}

/** Measures one store at one size. */
async function measure(
  kind: StoreKind,
  size: number,
  options: MemoryStoreBenchOptions,
  embed: (text: string) => number[],
  log: (line: string) => void,
): Promise<StoreMeasurement> {
  const dir = mkdtempSync(join(tmpdir(), `wellness0-bench-${kind}-`));
  const opened = await openMemory(kind, dir);
  try {
    const populateStarted = performance.now();
    let memories = 0;
    let entityRows: Row[] = [];
    const populate = async () => {
      const rows = generateRows(size, options.users, embed);
      let next = rows.next();
      while (next.done !== true) {
        const batch = next.value;
        await opened.memories.insert(
          batch.map((r) => r.vector),
          batch.map((r) => r.id),
          batch.map((r) => r.payload),
        );
        memories += batch.length;
        next = rows.next();
      }
      entityRows = next.value;
      for (let i = 0; i < entityRows.length; i += 1_000) {
        const batch = entityRows.slice(i, i + 1_000);
        await opened.entities.insert(
          batch.map((r) => r.vector),
          batch.map((r) => r.id),
          batch.map((r) => r.payload),
        );
      }
    };
    if ('bulkLoad' in opened) await opened.bulkLoad(populate);
    else await populate();
    const populateMs = performance.now() - populateStarted;

    const random = seededRandom(size + 1);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const someUser = () => `bench:user-${Math.floor(random() * Math.min(size, options.users))}`;
    const query = () => `How is ${pick(names)} doing with the ${pick(events)} in ${pick(places)}?`;
    const search = (userId: string) =>
      opened.memory.search(query(), { filters: { user_id: userId }, topK });
    let connectionResets = 0;
    retryConnectionResets(opened.memory, () => connectionResets++);

    // Not measured: the first call builds mem0's Gemini client and opens a connection. (mem0's
    // NLP was loaded by the first run; a search here would cost the stock store seconds.)
    await (opened.memory as unknown as ModelInternals).embedder.embed('warm up');

    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    // Time budgets keep the stock store at 100k (seconds per call) to a few samples.
    const memorySearch = await time(options.searches, 8_000, 3, () => search(someUser()));
    const storeSearch = await time(options.searches, 5_000, 3, async () => {
      const text = query();
      const filters = { user_id: someUser() };
      await opened.memories.search(embed(text), 60, filters);
      await opened.memories.keywordSearch?.(lemmatized(text), 60, filters);
    });
    const probe = await time(Math.min(options.searches, 50), 4_000, 1, () => search(probeUserId));
    const memoryAdd = await time(Math.min(options.searches, 20), 5_000, 2, (i) =>
      opened.memory.add(
        [
          {
            role: 'user',
            content: `My friend ${pick(names)} starts ${pick(hobbies)} lessons #${i}`,
          },
          { role: 'assistant', content: 'That sounds lovely!' },
        ],
        { userId: someUser(), runId: 'dm', metadata: { origin: 'dm' } },
      ),
    );
    lag.disable();

    const measurement: StoreMeasurement = {
      store: kind,
      size,
      memories,
      entities: entityRows.length,
      populateMs: Math.round(populateMs),
      memorySearchMs: percentiles(memorySearch),
      storeSearchMs: percentiles(storeSearch),
      memoryAddMs: percentiles(memoryAdd),
      probeSearchP50Ms: round(percentile(probe, 50)),
      samples: {
        memorySearch: memorySearch.length,
        storeSearch: storeSearch.length,
        memoryAdd: memoryAdd.length,
        probe: probe.length,
      },
      connectionResets,
      eventLoopLagP99Ms: round(lag.percentile(99) / 1e6),
    };
    log(
      `  ${kind} at ${size}: Memory.search p95 ${measurement.memorySearchMs.p95} ms, ` +
        `lag p99 ${measurement.eventLoopLagP99Ms} ms`,
    );
    return measurement;
  } finally {
    await opened.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs every store at every size, with mem0's Gemini calls answered by the stand-in. */
export async function runMemoryStoreBench(
  options: MemoryStoreBenchOptions,
): Promise<MemoryStoreBenchResult> {
  const log = options.log ?? (() => undefined);
  // mem0 writes an anonymous id to $MEM0_DIR/config.json (default ~/.mem0), telemetry or not.
  const mem0Dir = process.env.MEM0_DIR === undefined ? mkdtempSync(join(tmpdir(), 'mem0-')) : '';
  if (mem0Dir) process.env.MEM0_DIR = mem0Dir;
  const gemini = await startFakeGemini({ apiKey, embeddingDimensions: dimension });
  useGeminiBaseUrl(gemini.baseUrl);
  const embed = createEmbedder();
  const runs: StoreMeasurement[] = [];
  try {
    // Discarded: warms up the JIT, mem0's NLP (loaded on first use) and the HTTP client.
    await measure('indexed', 200, { ...options, users: 20, searches: 20 }, embed, () => undefined);
    for (const size of options.sizes) {
      for (const kind of storeKinds) {
        runs.push(await measure(kind, size, options, embed, log));
      }
    }
  } finally {
    await gemini.close();
    if (mem0Dir) {
      delete process.env.MEM0_DIR;
      rmSync(mem0Dir, { recursive: true, force: true });
    }
  }
  const largest = Math.max(...options.sizes);
  const indexedLargest = runs.find((r) => r.store === 'indexed' && r.size === largest);
  const memorySearchP95Ms = indexedLargest?.memorySearchMs.p95 ?? Number.NaN;
  const eventLoopLagP99Ms = indexedLargest?.eventLoopLagP99Ms ?? Number.NaN;
  return {
    options: { sizes: options.sizes, users: options.users, searches: options.searches },
    runs,
    goal: {
      size: largest,
      searchP95LimitMs: searchP95LimitMs,
      eventLoopLagP99LimitMs: eventLoopLagP99LimitMs,
      memorySearchP95Ms,
      eventLoopLagP99Ms,
      met: memorySearchP95Ms <= searchP95LimitMs && eventLoopLagP99Ms <= eventLoopLagP99LimitMs,
    },
  };
}

/** A time in ms with as many decimals as help reading it. */
function ms(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value >= 100 ? String(Math.round(value)) : value.toFixed(value >= 10 ? 1 : 2);
}

/** The plain table printed after a run. */
export function formatMemoryStoreTable(result: MemoryStoreBenchResult): string {
  const o = result.options;
  const count = (n: number) => n.toLocaleString('en-US');
  const cells = (values: Array<string | number>, width = 8) =>
    values.map((v) => (typeof v === 'number' ? ms(v) : v).padStart(width)).join('');
  const triple = (p: Percentiles) => cells([p.p50, p.p95, p.p99]);
  const groups =
    `${''.padEnd(19)}${'Memory.search'.padStart(29)}${'store search+BM25'.padStart(29)}` +
    `${'Memory.add'.padStart(29)}`;
  const columnHeader =
    `${'memories'.padStart(10)} ${'store'.padEnd(8)}` +
    `${cells(['n'], 5)}${cells(['p50', 'p95', 'p99'])}` +
    `${cells(['n'], 5)}${cells(['p50', 'p95', 'p99'])}` +
    `${cells(['n'], 5)}${cells(['p50', 'p95', 'p99'])}` +
    `${'lag p99'.padStart(9)}`;
  const lines = result.runs.map(
    (r) =>
      `${count(r.memories).padStart(10)} ${r.store.padEnd(8)}` +
      `${String(r.samples.memorySearch).padStart(5)}${triple(r.memorySearchMs)}` +
      `${String(r.samples.storeSearch).padStart(5)}${triple(r.storeSearchMs)}` +
      `${String(r.samples.memoryAdd).padStart(5)}${triple(r.memoryAddMs)}` +
      `${ms(r.eventLoopLagP99Ms).padStart(9)}`,
  );
  const probeLines = storeKinds.map((kind) => {
    const probes = result.runs
      .filter((r) => r.store === kind)
      .map((r) => `${ms(r.probeSearchP50Ms)} ms at ${count(r.memories)}`);
    return `  ${kind.padEnd(8)} ${probes.join(', ')}`;
  });
  const resets = result.runs.filter((r) => r.connectionResets > 0);
  const g = result.goal;
  return [
    `memory store: mem0 open source's stock 'memory' vector store vs our indexed SQLite one vs ` +
      `mem0's pgvector one with our person and HNSW indexes (PostgreSQL: PGlite/WASM in a child ` +
      `process, over a socket); ` +
      `memories dealt over ${count(o.users)} users, plus a probe user with ${probeMemories}; ` +
      `times in ms; Memory.search is topK ${topK} with embeddings from the Gemini stand-in; ` +
      `store search+BM25 is the store's search(60) + keywordSearch(60); lag is the event-loop ` +
      `delay while they ran`,
    groups,
    columnHeader,
    ...lines,
    `the probe user's Memory.search p50 (the same ${probeMemories} memories) as everyone else's grow:`,
    ...probeLines,
    ...(resets.length === 0
      ? []
      : [
          `connections reset by the stand-in after a long event-loop block (retried once): ` +
            resets
              .map((r) => `${r.connectionResets} for ${r.store} at ${count(r.memories)}`)
              .join(', '),
        ]),
    `goal at ${count(g.size)} (indexed): Memory.search p95 ${ms(g.memorySearchP95Ms)} ms ` +
      `(≤ ${g.searchP95LimitMs}), event-loop lag p99 ${ms(g.eventLoopLagP99Ms)} ms ` +
      `(≤ ${g.eventLoopLagP99LimitMs}): ${g.met ? 'met' : 'NOT met'}`,
  ].join('\n');
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  try {
    const { values } = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      options: { quick: { type: 'boolean' }, out: { type: 'string' } },
    });
    const base = values.quick ? quickMemoryStoreBenchOptions : defaultMemoryStoreBenchOptions;
    const out = values.out ?? 'bench/results/memory-store.json';
    const started = performance.now();
    const result = await runMemoryStoreBench({ ...base, log: console.log });
    console.log(formatMemoryStoreTable(result));
    writeJsonResult(out, result);
    console.log(
      `JSON written to ${out}; took ${Math.round((performance.now() - started) / 1000)} s`,
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
