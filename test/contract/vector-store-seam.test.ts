// Contract tests for the seam between mem0 open source and our indexed vector store. They pin
// what a mem0ai upgrade could break: the VectorStore behaviour we copy (against the stock store
// itself), the private members of `Memory` we replace, and that a real `Memory` then uses our
// store for every call the bot makes.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { Memory, MemoryVectorStore, type SearchFilters, type VectorStore } from 'mem0ai/oss';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useGeminiBaseUrl } from '../../src/llm/gemini.js';
import {
  type IndexedVectorStores,
  openIndexedVectorStores,
} from '../../src/memory/indexed-vector-store.js';
import {
  checkVectorStoreSeam,
  scheduleMem0ModelCalls,
  createIndexedMem0Memory,
  createMem0OpenSourceStore,
  type Mem0OpenSourceOptions,
  useIndexedVectorStores,
} from '../../src/memory/mem0-open-source.js';
import type { MemoryStore } from '../../src/memory/memory-store.js';
import type { MemoryUserId } from '../../src/memory/user-id.js';
import { embedText } from '../standins/embedding.js';
import { type FakeGemini, startFakeGemini } from '../standins/gemini.js';

type Payload = Record<string, unknown>;

/** The stock store's private SQLite handle, closed so that temp files can go. */
function closeStock(store: MemoryVectorStore): void {
  (store as unknown as { db: Database.Database }).db.close();
}

/** A call's result, or the message it threw, so that both stores' failures compare too. */
async function settle<T>(call: () => Promise<T>): Promise<{ value: T } | { error: string }> {
  try {
    return { value: await call() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Scores compared to 1e-6 (NaN equals NaN); everything else exactly. */
function expectSameResults(ours: unknown, stock: unknown, where: string): void {
  const scores: Array<[unknown, unknown]> = [];
  const strip = (value: unknown, other: unknown): unknown => {
    if (Array.isArray(value)) {
      return value.map((v, i) => strip(v, Array.isArray(other) ? other[i] : undefined));
    }
    if (typeof value !== 'object' || value === null) return value;
    const record = value as Record<string, unknown>;
    const otherRecord = (other ?? {}) as Record<string, unknown>;
    if ('score' in record) scores.push([record.score, otherRecord.score]);
    return Object.fromEntries(
      Object.entries(record)
        .filter(([key]) => key !== 'score')
        .map(([key, v]) => [key, strip(v, otherRecord[key])]),
    );
  };
  expect(strip(ours, stock), where).toEqual(strip(stock, ours));
  for (const [a, b] of scores) {
    if (typeof a === 'number' && typeof b === 'number' && !(Number.isNaN(a) && Number.isNaN(b))) {
      expect(Math.abs(a - b), `${where}: score ${a} vs ${b}`).toBeLessThanOrEqual(1e-6);
    } else {
      expect(a, where).toEqual(b);
    }
  }
}

describe('the indexed vector store, against mem0’s stock store', () => {
  const dimension = 8;
  const words = ['cat', 'Miso', 'dog', 'rex', 'tea', 'sleep', 'exam', 'rain', 'walk', 'music'];
  const users = ['u1', 'u2', 'u3'];
  const runs = ['dm', 'guild-1', 'guild-2'];
  const ids = Array.from({ length: 10 }, (_, i) => `id-${i}`);

  // Small integer components, exact in float32; a few fixed vectors make ties, and the zero
  // vector a NaN score, both of which the stock store orders in its own way.
  const fixedVectors = [0, 1, 2].map((k) =>
    Array.from({ length: dimension }, (_, i) => (k === 0 ? 0 : i % k)),
  );
  const vector = fc.oneof(
    fc.array(fc.integer({ min: -2, max: 2 }), { minLength: dimension, maxLength: dimension }),
    fc.constantFrom(...fixedVectors),
  );
  const text = fc
    .array(fc.constantFrom(...words), { minLength: 0, maxLength: 6 })
    .map((w) => w.join(' '));
  const payload = fc
    .record({
      data: text,
      lemmatized: fc.option(text, { nil: undefined }),
      user: fc.option(fc.constantFrom(...users), { nil: undefined }),
      // mem0 writes snake_case; the stock store renames camelCase keys when it reads them.
      camelCase: fc.constantFrom('no', 'yes', 'both'),
      run: fc.option(fc.constantFrom(...runs), { nil: undefined }),
      agent: fc.option(fc.constant('a1'), { nil: undefined }),
      n: fc.integer({ min: 0, max: 5 }),
    })
    .map(({ data, lemmatized, user, camelCase, run, agent, n }): Payload => {
      const p: Payload = { data, hash: `h-${data}`, createdAt: '2026-01-01T00:00:00.000Z', n };
      if (lemmatized !== undefined) p.textLemmatized = lemmatized;
      if (user !== undefined) p[camelCase === 'no' ? 'user_id' : 'userId'] = user;
      if (run !== undefined) p[camelCase === 'no' ? 'run_id' : 'runId'] = run;
      // Both spellings: the snake_case one wins and the camelCase one stays.
      if (camelCase === 'both') Object.assign(p, { user_id: 'u1', run_id: 'dm' });
      if (agent !== undefined) p.agent_id = agent;
      return p;
    });
  const user = fc.constantFrom(...users);
  const run = fc.constantFrom(...runs);
  // mem0 types filters loosely (`SearchFilters` has string scope keys); operators are allowed.
  const filters: fc.Arbitrary<Record<string, unknown> | undefined> = fc.oneof(
    fc.constant(undefined),
    fc.constant({}),
    user.map((u) => ({ user_id: u })),
    fc.tuple(user, run).map(([u, r]) => ({ user_id: u, run_id: r })),
    run.map((r) => ({ run_id: r })),
    fc.constant({ agent_id: 'a1' }),
    user.map((u) => ({ user_id: { eq: u } })),
    fc.tuple(user, user).map(([a, b]) => ({ user_id: { in: [a, b] } })),
    fc.tuple(user, user).map(([a, b]) => ({ user_id: [a, b] })),
    fc.constant({ user_id: '*' }),
    fc.tuple(user, run).map(([u, r]) => ({ user_id: u, run_id: { ne: r } })),
    user.map((u) => ({ user_id: u, $or: [{ run_id: 'dm' }, { run_id: 'guild-1' }] })),
    user.map((u) => ({ user_id: u, $not: [{ run_id: 'dm' }] })),
    user.map((u) => ({ AND: [{ user_id: u }, { n: { gte: 2 } }] })),
    user.map((u) => ({ OR: [{ user_id: u }, { agent_id: 'a1' }] })),
    user.map((u) => ({ user_id: u, n: { lt: 3 } })),
    user.map((u) => ({ user_id: u, n: { nin: [1, 2] } })),
    user.map((u) => ({ user_id: u, data: { icontains: 'MISO' } })),
    user.map((u) => ({ user_id: u, data: { contains: 'cat' } })),
    user.map((u) => ({ userId: u })),
    user.map((u) => ({ user_id: { eq: u, ne: u } })),
    user.map((u) => ({ user_id: { ne: u, in: [u, 'u2'] } })),
    user.map((u) => ({ user_id: u, n: { ne: '2' } })),
    user.map((u) => ({ user_id: u, userId: u })),
    // Both spellings of OR: the first one given wins.
    user.map((u) => ({ user_id: u, $or: [{ run_id: 'dm' }], OR: [{ run_id: 'guild-1' }] })),
    user.map((u) => ({ user_id: u, run_id: [] })),
  );
  const topK = fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined });
  const id = fc.constantFrom(...ids);
  const operation = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .array(fc.tuple(id, vector, payload), { minLength: 1, maxLength: 4 })
        .map((rows) => ({ kind: 'insert' as const, rows })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(id, vector, payload)
        .map(([i, v, p]) => ({ kind: 'update' as const, id: i, vector: v, payload: p })),
    },
    { weight: 1, arbitrary: id.map((i) => ({ kind: 'delete' as const, id: i })) },
    { weight: 1, arbitrary: id.map((i) => ({ kind: 'get' as const, id: i })) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(vector, topK, filters)
        .map(([q, k, f]) => ({ kind: 'search' as const, query: q, topK: k, filters: f })),
    },
    {
      weight: 4,
      arbitrary: fc.tuple(text, topK, filters).map(([q, k, f]) => ({
        kind: 'keywordSearch' as const,
        query: q.toLowerCase(),
        topK: k,
        filters: f,
      })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(filters, topK)
        .map(([f, k]) => ({ kind: 'list' as const, filters: f, topK: k })),
    },
    {
      weight: 1,
      arbitrary: fc.constant({ kind: 'wrong-dimension' as const }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'deleteCol' as const }) },
  );
  type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

  async function apply(store: VectorStore, op: Operation): Promise<unknown> {
    switch (op.kind) {
      case 'insert':
        return settle(() =>
          store.insert(
            op.rows.map(([, v]) => v),
            op.rows.map(([i]) => i),
            // Each store gets its own copy: neither may see the other's mutations.
            op.rows.map(([, , p]) => structuredClone(p)),
          ),
        );
      case 'update':
        return settle(() => store.update(op.id, op.vector, structuredClone(op.payload)));
      case 'delete':
        return settle(() => store.delete(op.id));
      case 'get':
        return settle(() => store.get(op.id));
      case 'search':
        return settle(() => store.search(op.query, op.topK, op.filters as SearchFilters));
      case 'keywordSearch':
        return settle(async () =>
          store.keywordSearch === undefined
            ? 'no keywordSearch'
            : store.keywordSearch(op.query, op.topK, op.filters as SearchFilters),
        );
      case 'list':
        return settle(() => store.list(op.filters as SearchFilters, op.topK));
      case 'wrong-dimension':
        return settle(() => store.insert([[1, 2, 3]], ['id-0'], [{ data: 'x' }]));
      case 'deleteCol':
        return settle(() => store.deleteCol());
    }
  }

  it('gives the same answers (ids, order, payloads, scores) for random call sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 40 }), async (operations) => {
        const stock = new MemoryVectorStore({ dimension, dbPath: ':memory:' });
        const ours = openIndexedVectorStores({
          path: ':memory:',
          dimension,
          collectionName: 'memories',
        });
        try {
          for (const [step, op] of operations.entries()) {
            const expected = await apply(stock, op);
            const actual = await apply(ours.memories, op);
            expectSameResults(actual, expected, `step ${step}: ${JSON.stringify(op)}`);
          }
        } finally {
          closeStock(stock);
          ours.close();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same answers at mem0’s real dimension, for many users and realistic texts', async () => {
    const realDimension = 768;
    const stock = new MemoryVectorStore({ dimension: realDimension, dbPath: ':memory:' });
    const ours = openIndexedVectorStores({
      path: ':memory:',
      dimension: realDimension,
      collectionName: 'memories',
    });
    try {
      const topics = ['cat Miso', 'dog Rex', 'exam tomorrow', 'sleep badly', 'sister visit'];
      const rows = Array.from({ length: 400 }, (_, i) => {
        const data = `User ${i % 7 === 0 ? 'loves' : 'mentions'} ${topics[i % topics.length]} ${i % 3 === 0 ? 'again' : ''}`;
        return {
          id: `m-${i}`,
          vector: embedText(data),
          payload: {
            data,
            textLemmatized: data.toLowerCase(),
            hash: `h${i}`,
            createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
            user_id: `discord:${i % 25}`,
            ...(i % 4 === 0 ? { run_id: 'guild-1' } : { run_id: 'dm' }),
          },
        };
      });
      for (const store of [stock, ours.memories]) {
        await store.insert(
          rows.map((r) => r.vector),
          rows.map((r) => r.id),
          rows.map((r) => structuredClone(r.payload)),
        );
      }
      for (let u = 0; u < 25; u++) {
        for (const scope of [{}, { run_id: 'guild-1' }]) {
          const f = { user_id: `discord:${u}`, ...scope };
          const query = topics[u % topics.length] ?? '';
          const q = embedText(query);
          expectSameResults(
            await ours.memories.search(q, 60, f),
            await stock.search(q, 60, f),
            's',
          );
          expectSameResults(
            await ours.memories.keywordSearch(query.toLowerCase(), 60, f),
            await stock.keywordSearch(query.toLowerCase(), 60, f),
            'k',
          );
          expectSameResults(await ours.memories.list(f, 400), await stock.list(f, 400), 'l');
        }
      }
    } finally {
      closeStock(stock);
      ours.close();
    }
  });
});

describe('the seam into mem0’s Memory', () => {
  function fakeStores(): IndexedVectorStores {
    return openIndexedVectorStores({ path: ':memory:', dimension: 4, collectionName: 'memories' });
  }

  it('refuses a Memory without the private members it replaces, naming the likely upgrade', async () => {
    const stores = fakeStores();
    try {
      expect(() => checkVectorStoreSeam({})).toThrow(
        /mem0ai's Memory no longer has _ensureInitialized\(\).*mem0ai was probably upgraded/,
      );
      await expect(useIndexedVectorStores({}, stores)).rejects.toThrow(/_ensureInitialized/);
      const noGetter = { _ensureInitialized: async () => {}, vectorStore: stores.memories };
      await expect(useIndexedVectorStores(noGetter, stores)).rejects.toThrow(/getEntityStore/);
      const noVectorStore = {
        _ensureInitialized: async () => {},
        getEntityStore: async () => stores.entities,
      };
      await expect(useIndexedVectorStores(noVectorStore, stores)).rejects.toThrow(
        /no longer has a vectorStore field/,
      );
      // As if mem0 renamed _entityStore: its getter would build a store of its own.
      const renamedEntityStore = {
        _ensureInitialized: async () => {},
        vectorStore: stores.memories,
        getEntityStore: async () => stores.memories,
      };
      await expect(useIndexedVectorStores(renamedEntityStore, stores)).rejects.toThrow(
        /no longer has an _entityStore field/,
      );
    } finally {
      stores.close();
    }
  });

  it('fits the installed mem0ai Memory', async () => {
    const memory = new Memory({
      embedder: { provider: 'gemini', config: { apiKey: 'unused', embeddingDims: 4 } },
      llm: { provider: 'gemini', config: { apiKey: 'unused' } },
      vectorStore: { provider: 'memory', config: { dimension: 4, dbPath: ':memory:' } },
      disableHistory: true,
    });
    const stores = fakeStores();
    try {
      await expect(useIndexedVectorStores(memory, stores)).resolves.toBeUndefined();
    } finally {
      stores.close();
    }
  });
});

describe('a Memory built by the open-source adapter', () => {
  const apiKey = 'contract-gemini-key';
  const alice = 'discord:200000000000000001' as MemoryUserId;
  const bob = 'discord:200000000000000002' as MemoryUserId;
  const dm = { kind: 'dm', channelId: '300000000000000001' } as const;
  let gemini: FakeGemini;
  let dataDir: string;
  const open: MemoryStore[] = [];

  const options = (): Mem0OpenSourceOptions => ({
    dataDir,
    geminiApiKey: apiKey,
    llmModel: 'gemini-2.5-flash',
    embeddingModel: 'gemini-embedding-001',
    embeddingDimensions: 768,
  });
  const openStore = () => {
    const store = createMem0OpenSourceStore(options());
    open.push(store);
    return store;
  };
  /** Rows of one table of `memories.db`, read through a connection of the test's own. */
  const rowsIn = (table: string) => {
    const db = new Database(join(dataDir, 'memories.db'), { readonly: true });
    try {
      return db.prepare(`SELECT id, user_id, payload FROM "${table}" ORDER BY seq`).all() as Array<{
        id: string;
        user_id: string | null;
        payload: string;
      }>;
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    gemini = await startFakeGemini({ apiKey });
    useGeminiBaseUrl(gemini.baseUrl);
  });
  afterAll(async () => {
    await gemini.close();
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    vi.restoreAllMocks();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('routes add, search, list and delete through the indexed store, never the stock one', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wellness0-seam-'));
    // Spies only record: every call still runs. The stock store may be built (in RAM) and
    // asked for mem0's telemetry id, but must never hold or look for a memory.
    const stockCalls = (
      ['insert', 'search', 'keywordSearch', 'get', 'update', 'delete', 'list'] as const
    ).map((method) => [method, vi.spyOn(MemoryVectorStore.prototype, method)] as const);
    const store = openStore();

    await store.add(alice, [{ role: 'user', content: 'I adopted a cat named Miso last week' }], dm);
    await store.add(bob, [{ role: 'user', content: 'I adopted a dog named Rex last week' }], dm);
    const found = await store.search(alice, 'Miso the cat keeps hiding', { limit: 5, origin: dm });
    const listed = await store.list(alice);

    expect(found.map((m) => m.text)).toEqual(['I adopted a cat named Miso last week']);
    expect(listed.map((m) => m.text)).toEqual(['I adopted a cat named Miso last week']);
    expect(
      rowsIn('memories').map((r) => [r.user_id, (JSON.parse(r.payload) as Payload).data]),
    ).toEqual([
      [alice, 'I adopted a cat named Miso last week'],
      [bob, 'I adopted a dog named Rex last week'],
    ]);
    expect(rowsIn('memories_entities').some((r) => r.user_id === alice)).toBe(true);

    expect(await store.delete(alice, listed[0]?.id ?? '')).toBe(true);
    await store.deleteAll(bob);
    expect(rowsIn('memories')).toEqual([]);
    // mem0 drops an entity once no memory links to it.
    expect(rowsIn('memories_entities')).toEqual([]);

    for (const [method, spy] of stockCalls) {
      expect(spy, `stock store ${method}()`).not.toHaveBeenCalled();
    }
    expect(existsSync(join(dataDir, 'vector_store.db'))).toBe(false);
    expect(existsSync(join(dataDir, 'vector_store_entities.db'))).toBe(false);
  });

  it('sends mem0’s memory-extraction calls through the scheduler it is given', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wellness0-seam-'));
    let scheduled = 0;
    const store = createMem0OpenSourceStore({
      ...options(),
      scheduleModelCall: (call) => {
        scheduled++;
        return call();
      },
    });
    open.push(store);
    const extractionsBefore = gemini.requests.filter((r) => r.kind === 'memory-extraction').length;

    await store.add(alice, [{ role: 'user', content: 'I started running in the mornings' }], dm);

    const extractions =
      gemini.requests.filter((r) => r.kind === 'memory-extraction').length - extractionsBefore;
    expect(extractions).toBe(1);
    expect(scheduled).toBe(extractions);
  });

  it('refuses a Memory without the LLM member whose calls it schedules', () => {
    expect(() => scheduleMem0ModelCalls({}, (call) => call())).toThrow(
      /no longer has an llm with generateResponse\(\).*mem0ai was probably upgraded/,
    );
  });

  it('keeps memories across restarts', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wellness0-seam-'));
    const first = openStore();
    await first.add(alice, [{ role: 'user', content: 'My sister Ana visits in June' }], dm);
    await first.close();

    const second = openStore();
    expect((await second.list(alice)).map((m) => m.text)).toEqual(['My sister Ana visits in June']);
  });

  it('embeds a search’s query and the entities mem0 finds in it in one request', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wellness0-seam-'));
    const store = openStore();
    await store.add(alice, [{ role: 'user', content: 'My sister Ana moved to Lisbon in May' }], dm);
    await store.add(alice, [{ role: 'user', content: 'I adopted a cat named Miso' }], dm);
    const before = gemini.requests.length;

    await store.search(alice, 'How is my sister Ana doing in Lisbon?', { limit: 5, origin: dm });

    const embeddings = gemini.requests.slice(before).filter((r) => r.kind === 'embedding');
    expect(embeddings).toHaveLength(1);
    const texts = (embeddings[0]?.body.requests ?? []).map((r) =>
      (r.content?.parts ?? []).map((part) => part.text).join(''),
    );
    expect(texts[0]).toBe('How is my sister Ana doing in Lisbon?');
    expect(texts.slice(1)).toEqual(expect.arrayContaining(['Ana', 'Lisbon']));
  });

  it('ranks and scores a search exactly as mem0’s own two-request search does', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wellness0-seam-'));
    const store = openStore();
    for (const content of [
      'My sister Ana moved to Lisbon in May',
      'Ana and I used to walk by the river',
      'I adopted a cat named Miso',
      'Work in Lisbon has been stressful',
    ]) {
      await store.add(alice, [{ role: 'user', content }], dm);
    }
    const query = 'Is Ana happy in Lisbon?';
    const prefetched = await store.search(alice, query, { limit: 5, origin: dm });
    expect(prefetched.length).toBeGreaterThan(1);
    await store.close();

    const built = createIndexedMem0Memory(options());
    try {
      const { memory } = await built.ready();
      const before = gemini.requests.length;
      // Straight to mem0, without the prefetch: its own two round trips.
      const { results } = await memory.search(query, {
        filters: { user_id: alice },
        topK: 5,
      });
      expect(gemini.requests.slice(before).filter((r) => r.kind === 'embedding')).toHaveLength(2);
      expect(prefetched.map((m) => [m.text, m.score])).toEqual(
        results.map((r) => [r.memory, r.score]),
      );
    } finally {
      await built.close();
    }
  });

  it('exposes the Memory it builds already wired to the indexed stores', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wellness0-seam-'));
    const built = createIndexedMem0Memory(options());
    try {
      // Built, it has touched no file; ready() opens memories.db.
      expect(existsSync(join(dataDir, 'memories.db'))).toBe(false);
      const { memory, stores } = await built.ready();
      expect(existsSync(join(dataDir, 'memories.db'))).toBe(true);
      await memory.add('I started learning the cello', { userId: alice, infer: false });
      const [rows, total] = await stores.memories.list({ user_id: alice });
      expect(total).toBe(1);
      expect(rows[0]?.payload.data).toBe('I started learning the cello');
    } finally {
      await built.close();
    }
  });
});
