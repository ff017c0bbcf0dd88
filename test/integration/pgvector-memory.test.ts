// mem0 open source on PostgreSQL with pgvector (DATABASE_URL): the real mem0ai SDK and its own
// pgvector provider, the real `pg` client, over a real socket to PGlite with the real pgvector
// extension (test/helpers/postgres.ts), with the Gemini stand-in for embeddings and extraction.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useGeminiBaseUrl } from '../../src/llm/gemini.js';
import {
  createIndexedMem0Memory,
  createMem0OpenSourceStore,
  type IndexedMem0Memory,
  type Mem0OpenSourceOptions,
} from '../../src/memory/mem0-open-source.js';
import type { MemoryStore } from '../../src/memory/memory-store.js';
import { pgvectorIndexStatements } from '../../src/memory/pgvector-stores.js';
import type { MemoryUserId } from '../../src/memory/user-id.js';
import { buttonIds } from '../helpers/commands.js';
import {
  type Harness,
  registerTestCommands,
  tellAndSettle,
  useHarness,
} from '../helpers/harness.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';
import { type FakeGemini, startFakeGemini } from '../standins/gemini.js';

const alice = '200000000000000001';
const bob = '200000000000000002';
const aliceId = `discord:${alice}` as MemoryUserId;
const bobId = `discord:${bob}` as MemoryUserId;
const dm = { kind: 'dm', channelId: '300000000000000001' } as const;

const clients: pg.Client[] = [];
// One PGlite for the file (it takes about 2 s to start); each test begins with no tables.
let shared: PostgresServer | undefined;
async function database(): Promise<PostgresServer> {
  shared ??= await startPostgres();
  return shared;
}
async function connect(server: PostgresServer): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  clients.push(client);
  return client;
}
afterEach(async () => {
  for (const client of clients.splice(0)) await client.end();
  if (shared === undefined) return;
  const reset = new pg.Client({ connectionString: shared.url });
  await reset.connect();
  await reset.query('DROP TABLE IF EXISTS memories, memories_entities, memory_migrations CASCADE');
  await reset.end();
});
afterAll(async () => {
  await shared?.stop();
});

/** How many rows of `userId` a table holds, read through a connection of the test's own. */
async function rowsOf(client: pg.Client, table: string, userId: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM "${table}" WHERE payload->>'user_id' = $1`,
    [userId],
  );
  return Number(rows[0]?.n);
}

describe('the whole bot with DATABASE_URL', () => {
  const startHarness = useHarness();

  async function start(server: PostgresServer): Promise<Harness> {
    const h = await startHarness({ backend: 'open-source', env: { DATABASE_URL: server.url } });
    await registerTestCommands(h);
    return h;
  }

  it('keeps a DM’s memory in PostgreSQL, not on disk, and recalls it in a later DM of the same user only', async () => {
    const server = await database();
    const h = await start(server);
    await tellAndSettle(h, alice, 'I adopted a cat named Miso last week');
    await tellAndSettle(h, bob, 'I adopted a dog named Rex last week');

    const client = await connect(server);
    const { rows } = await client.query<{ text: string }>(
      `SELECT payload->>'data' AS text FROM memories WHERE payload->>'user_id' = $1`,
      [aliceId],
    );
    expect(rows.map((r) => r.text)).toEqual(['I adopted a cat named Miso last week']);
    const dataDir = (h.config.memory as { dataDir: string }).dataDir;
    expect(existsSync(join(dataDir, 'memories.db'))).toBe(false);

    const before = h.gemini.chatRequests().length;
    await tellAndSettle(h, alice, 'Miso the cat keeps hiding under the bed');
    const asked = JSON.stringify(h.gemini.chatRequests()[before]?.body.contents);
    expect(asked).toContain('I adopted a cat named Miso last week');
    expect(asked).not.toContain('Rex');
  });

  it('/forget everything deletes the person’s rows from both PostgreSQL tables, and nobody else’s', async () => {
    const server = await database();
    const h = await start(server);
    await tellAndSettle(h, alice, 'My brother Tom is in hospital in Lisbon');
    await tellAndSettle(h, bob, 'My brother Sam plays football in Porto');
    const client = await connect(server);
    expect(await rowsOf(client, 'memories', aliceId)).toBeGreaterThan(0);
    expect(await rowsOf(client, 'memories_entities', aliceId)).toBeGreaterThan(0);

    const slash = h.discord.sendSlash({ userId: alice, name: 'forget', subcommand: 'everything' });
    const confirm = await h.discord.waitFor(() => {
      const edited = h.discord
        .interactionResponses(slash.id)
        .some((r) => r.kind === 'original-edit');
      return edited ? h.discord.messages().find((m) => m.interactionId === slash.id) : undefined;
    }, 15_000);
    const yes = buttonIds(confirm).find((id) => id.includes(':everything:')) ?? '';
    const press = h.discord.sendButton({ userId: alice, customId: yes, messageId: confirm.id });
    const done = await h.discord.waitFor(
      () => h.discord.interactionResponses(press.id).find((r) => r.kind === 'original-edit'),
      15_000,
    );
    expect(JSON.stringify(done.body)).toMatch(/checked that/);

    expect(await rowsOf(client, 'memories', aliceId)).toBe(0);
    expect(await rowsOf(client, 'memories_entities', aliceId)).toBe(0);
    expect(await rowsOf(client, 'memories', bobId)).toBe(1);
    expect(await rowsOf(client, 'memories_entities', bobId)).toBeGreaterThan(0);
  });
});

describe('the open-source memory store on PostgreSQL', () => {
  const apiKey = 'pgvector-test-key';
  let gemini: FakeGemini;
  let dataDir: string;
  const open: Array<MemoryStore | IndexedMem0Memory> = [];
  const options = (databaseUrl: string, embeddingDimensions = 768): Mem0OpenSourceOptions => ({
    dataDir,
    databaseUrl,
    geminiApiKey: apiKey,
    llmModel: 'gemini-2.5-flash',
    embeddingModel: 'gemini-embedding-001',
    embeddingDimensions,
  });
  const openStore = (databaseUrl: string) => {
    const store = createMem0OpenSourceStore(options(databaseUrl));
    open.push(store);
    return store;
  };

  beforeAll(async () => {
    gemini = await startFakeGemini({ apiKey });
    useGeminiBaseUrl(gemini.baseUrl);
  });
  afterAll(async () => {
    await gemini.close();
  });
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'wellness0-pgvector-'));
  });
  afterEach(async () => {
    // Before the database stops (the outer afterEach): closing needs no server, but is cleaner.
    for (const store of open.splice(0)) await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('never gives one person’s memories to another’s search, list or delete', async () => {
    const server = await database();
    const store = openStore(server.url);
    await store.add(aliceId, [{ role: 'user', content: 'I adopted a cat named Miso' }], dm);
    await store.add(bobId, [{ role: 'user', content: 'I adopted a cat named Luna' }], dm);

    const found = await store.search(bobId, 'my cat', { limit: 10, origin: dm });
    expect(found.map((m) => m.text)).toEqual(['I adopted a cat named Luna']);
    expect((await store.list(bobId)).map((m) => m.text)).toEqual(['I adopted a cat named Luna']);
    const [aliceMemory] = await store.list(aliceId);
    expect(await store.delete(bobId, aliceMemory?.id ?? '')).toBe(false);
    // A crafted id that is no UUID is simply not found (the column would reject it).
    expect(await store.delete(aliceId, 'entity:0')).toBe(false);
    expect((await store.list(aliceId)).map((m) => m.text)).toEqual(['I adopted a cat named Miso']);
    expect(await store.listEntities(bobId)).not.toContain('Miso');
  });

  it('recalls in a server channel only what was said there, filtered in SQL by session', async () => {
    const server = await database();
    const store = openStore(server.url);
    const guild = (channel: string) =>
      ({
        kind: 'guild',
        guildId: '400000000000000001',
        channelId: channel,
        audienceChannelId: channel,
      }) as const;
    await store.add(aliceId, [{ role: 'user', content: 'I love hiking in the Alps' }], dm);
    await store.add(
      aliceId,
      [{ role: 'user', content: 'I love hiking with the club' }],
      guild('400000000000000002'),
    );
    const inChannel = await store.search(aliceId, 'hiking', {
      limit: 10,
      origin: guild('400000000000000002'),
    });
    expect(inChannel.map((m) => m.text)).toEqual(['I love hiking with the club']);
    const elsewhere = await store.search(aliceId, 'hiking', {
      limit: 10,
      origin: guild('400000000000000003'),
    });
    expect(elsewhere).toEqual([]);
  });

  it('lets two workers on one database see each other’s writes and deletions', async () => {
    const server = await database();
    const first = openStore(server.url);
    const second = openStore(server.url);
    // Both start at once on an empty database: one creates the tables, the other finds them.
    await Promise.all([first.list(aliceId), second.list(aliceId)]);

    await first.add(aliceId, [{ role: 'user', content: 'My sister Ana moved to Lisbon' }], dm);
    const found = await second.search(aliceId, 'Where does Ana live?', { limit: 5, origin: dm });
    expect(found.map((m) => m.text)).toEqual(['My sister Ana moved to Lisbon']);
    expect(await second.listEntities(aliceId)).not.toEqual([]);

    await second.deleteAll(aliceId);
    expect(await first.list(aliceId)).toEqual([]);
    expect(await first.listEntities(aliceId)).toEqual([]);
    expect(await first.search(aliceId, 'Ana', { limit: 5, origin: dm })).toEqual([]);
  });

  it('creates the person and HNSW indexes once, however many workers start', async () => {
    const server = await database();
    const stores = [openStore(server.url), openStore(server.url), openStore(server.url)];
    await Promise.all(stores.map((store) => store.list(aliceId)));
    await openStore(server.url).list(aliceId);
    const client = await connect(server);
    const { rows } = await client.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE tablename IN ('memories', 'memories_entities')
       ORDER BY indexname`,
    );
    expect(rows.map((r) => r.indexname)).toEqual([
      'memories_entities_hnsw_idx',
      'memories_entities_person_idx',
      'memories_entities_pkey',
      'memories_hnsw_idx',
      'memories_person_idx',
      'memories_pkey',
    ]);
  });

  it('keeps working after the database drops its connections', async () => {
    const server = await database();
    const store = openStore(server.url);
    await store.add(aliceId, [{ role: 'user', content: 'I adopted a cat named Miso' }], dm);
    await server.dropConnections();
    // Give the clients a moment to see their sockets close, as they would between two messages.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await store.list(aliceId)).map((m) => m.text)).toEqual(['I adopted a cat named Miso']);
    const found = await store.search(aliceId, 'my cat', { limit: 5, origin: dm });
    expect(found.map((m) => m.text)).toEqual(['I adopted a cat named Miso']);
  });

  it('serves a person’s search at 10k memories from the person index, never a scan of the table', async () => {
    const server = await database();
    // Small vectors keep loading 10k rows quick; the plans do not depend on the dimension.
    const dimension = 16;
    const built = createIndexedMem0Memory(options(server.url, dimension));
    open.push(built);
    const { memory, stores } = await built.ready();
    const client = await connect(server);

    // 10,000 memories over 1,000 people, and one entity per person, loaded in bulk (HNSW built
    // after the load, with the store's own statements) and analyzed, as autovacuum would.
    const tables = ['memories', 'memories_entities'];
    for (const table of tables) await client.query(`DROP INDEX "${table}_hnsw_idx"`);
    const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
    const vector = (n: number) =>
      `[${Array.from({ length: dimension }, (_, i) => Math.sin(n * 7 + i)).join(',')}]`;
    const load = async (
      table: string,
      count: number,
      offset: number,
      payload: (i: number) => object,
    ) => {
      for (let start = 0; start < count; start += 2_000) {
        const ids: string[] = [];
        const vectors: string[] = [];
        const payloads: string[] = [];
        for (let i = start; i < Math.min(count, start + 2_000); i++) {
          ids.push(uuid(offset + i));
          vectors.push(vector(offset + i));
          payloads.push(JSON.stringify(payload(i)));
        }
        await client.query(
          `INSERT INTO "${table}" SELECT * FROM unnest($1::uuid[], $2::vector[], $3::jsonb[])`,
          [ids, vectors, payloads],
        );
      }
    };
    await load('memories', 10_000, 0, (i) => ({
      data: `User's friend Ana lives in Lisbon (${i})`,
      textLemmatized: `friend ana live lisbon ${i}`,
      user_id: `person-${i % 1_000}`,
      ...(i % 5 === 0 ? { run_id: 'guild-1-channel-2' } : {}),
    }));
    await load('memories_entities', 1_000, 10_000, (i) => ({
      data: 'Ana',
      entityType: 'PROPER',
      linkedMemoryIds: [uuid(i)],
      user_id: `person-${i}`,
    }));
    for (const table of tables) {
      for (const statement of pgvectorIndexStatements(table, dimension))
        await client.query(statement);
      await client.query(`ANALYZE "${table}"`);
    }

    // Every statement mem0's provider sends from here on, on both of its connections.
    const sent: Array<{ text: string; values: unknown[] }> = [];
    for (const store of [stores.memories, stores.entities]) {
      const connection = (store as unknown as { client: pg.Client }).client;
      const query = connection.query.bind(connection) as (...args: unknown[]) => unknown;
      (connection as unknown as { query: unknown }).query = (...args: unknown[]) => {
        if (typeof args[0] === 'string') {
          sent.push({ text: args[0], values: Array.isArray(args[1]) ? args[1] : [] });
        }
        return query(...args);
      };
    }
    const found = await memory.search('How is Ana doing in Lisbon?', {
      filters: { user_id: 'person-7' },
      topK: 8,
    });
    expect(found.results.length).toBeGreaterThan(0);
    await memory.search('Ana in Lisbon', {
      filters: { user_id: 'person-7', run_id: 'guild-1-channel-2' },
      topK: 8,
    });
    await memory.getAll({ filters: { user_id: 'person-7' }, topK: 100 });

    const reads = sent.filter(
      (s) => /^\s*SELECT\b/i.test(s.text) && /FROM\s+"memories/.test(s.text),
    );
    // Vector search and BM25 on memories, the entity search, and the list and its count.
    expect(reads.some((s) => s.text.includes('<=>') && s.text.includes('"memories"'))).toBe(true);
    expect(reads.some((s) => s.text.includes('ts_rank_cd'))).toBe(true);
    expect(reads.some((s) => s.text.includes('"memories_entities"'))).toBe(true);
    expect(reads.some((s) => s.text.includes('COUNT(*)'))).toBe(true);
    for (const read of reads) {
      const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(
        `EXPLAIN (FORMAT JSON) ${read.text}`,
        read.values,
      );
      const nodes: Array<{ 'Node Type': string; 'Index Name'?: string }> = [];
      const walk = (node: { Plans?: unknown[] } & (typeof nodes)[number]) => {
        nodes.push(node);
        for (const child of node.Plans ?? []) walk(child as typeof node);
      };
      walk((rows[0]?.['QUERY PLAN'] as Array<{ Plan: never }>)[0]?.Plan as never);
      const table = read.text.includes('"memories_entities"') ? 'memories_entities' : 'memories';
      const where = read.text.replace(/\s+/g, ' ').trim();
      expect(
        nodes.some((n) => n['Index Name'] === `${table}_person_idx`),
        where,
      ).toBe(true);
      expect(
        nodes.map((n) => n['Node Type']),
        where,
      ).not.toContain('Seq Scan');
    }
  }, 120_000);
});
