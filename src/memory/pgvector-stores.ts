import { PGVector } from 'mem0ai/oss';
import pg from 'pg';
import type { Payload } from './mem0-filters.js';

// mem0 open source's memories and entities in PostgreSQL, through mem0's own `pgvector` provider
// (`PGVector`, mem0ai 3.3.1), so that many workers share them. Its table is
// `(id UUID PRIMARY KEY, vector vector(n), payload JSONB)`, and it filters a person's rows with
// `payload->>'user_id' = $n` (and `payload->>'run_id'` for a server channel): expressions a
// btree index on exactly those expressions serves, which mem0 does not create (it only offers an
// HNSW index, and only when it creates the table). This file adds that index and the HNSW one,
// idempotently, so that one person's search reads only their rows whatever the table holds; and
// it keeps the provider's one connection per store alive across a database restart, which mem0
// does not (see PgvectorStore).

/**
 * The private members of mem0's `PGVector` (mem0ai 3.3.1) that {@link PgvectorStore} relies on:
 * `initialize` builds `client` once and caches its promise in `_initPromise`, even a failed one.
 */
interface PgvectorSeam {
  client: pg.Client | undefined;
  _initPromise: Promise<void> | undefined;
}

function seamError(missing: string): Error {
  const error = new Error(
    `mem0ai's PGVector no longer has ${missing}, which the bot uses to keep its connection ` +
      '(mem0ai was probably upgraded). Check src/memory/pgvector-stores.ts against the new version.',
  );
  return Object.assign(error, { code: 'MEM0_SEAM_CHANGED' });
}

// mem0 makes every id with uuid v4; the column is UUID, and Postgres rejects any other text
// (a crafted button id, say) with an error instead of finding nothing.
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// pgvector cannot index vectors of more than 2,000 dimensions with HNSW (type `vector`).
const maxHnswDimensions = 2_000;

/** Options for {@link PgvectorStore}. */
export interface PgvectorStoreOptions {
  /** A `postgresql://` URL. */
  databaseUrl: string;
  /** Name of the table: letters, digits and underscores. */
  collectionName: string;
  dimension: number;
}

/**
 * mem0's pgvector store, with three things mem0's lacks: a dropped connection (a database restart,
 * a network blip) is replaced on the next call instead of failing every call after it, or crashing
 * the process through an unhandled `error` event; ids that are not UUIDs are simply not found;
 * and {@link setPayload}. Each session asks pgvector to keep scanning an HNSW index until enough
 * rows pass the filter (`hnsw.iterative_scan`), in case the planner ever picks it for a person.
 */
export class PgvectorStore extends PGVector {
  private readonly table: string;
  private readonly prepared = new WeakMap<pg.Client, Promise<void>>();
  private closed = false;

  constructor(options: PgvectorStoreOptions) {
    // mem0 starts connecting in its constructor (and logs a failure with console.error; it holds
    // no secret: pg's errors name the host, never the password).
    super({
      connectionString: options.databaseUrl,
      collectionName: options.collectionName,
      embeddingModelDims: options.dimension,
    });
    this.table = `"${options.collectionName}"`;
  }

  private seam(): PgvectorSeam {
    return this as unknown as PgvectorSeam;
  }

  /** The provider's connection, ready for queries. */
  private async connection(): Promise<pg.Client> {
    await this.initialize();
    const client = this.seam().client;
    if (client === undefined) throw seamError('a client field');
    return client;
  }

  override async initialize(): Promise<void> {
    // Called by mem0's constructor before this class's fields are set: nothing here may read
    // them before the first await.
    if (this.closed) throw new Error('The pgvector store is closed');
    const seam = this.seam();
    try {
      await super.initialize();
    } catch (error) {
      // mem0 would answer every later call with this same failure; let the next one retry.
      seam._initPromise = undefined;
      throw error;
    }
    const client = seam.client;
    if (client === undefined || typeof client.query !== 'function') {
      throw seamError('a client field');
    }
    let prepared = this.prepared.get(client);
    if (prepared === undefined) {
      prepared = this.prepare(client);
      this.prepared.set(client, prepared);
    }
    await prepared;
  }

  private async prepare(client: pg.Client): Promise<void> {
    const seam = this.seam();
    const forget = () => {
      // The next call connects again (mem0's initialize builds a new client).
      if (seam.client === client && !this.closed) seam._initPromise = undefined;
    };
    client.on('error', forget);
    client.on('end', forget);
    try {
      await client.query('SET hnsw.iterative_scan = relaxed_order');
    } catch {
      // pgvector before 0.8 has no iterative scans; the person index still serves searches.
    }
  }

  override async get(vectorId: string) {
    return uuid.test(vectorId) ? super.get(vectorId) : null;
  }

  override async delete(vectorId: string): Promise<void> {
    if (uuid.test(vectorId)) await super.delete(vectorId);
  }

  /** Replaces a row's payload and keeps its vector (for a change that does not alter the embedded text). */
  async setPayload(vectorId: string, payload: Payload): Promise<void> {
    if (!uuid.test(vectorId)) return;
    const client = await this.connection();
    await client.query(`UPDATE ${this.table} SET payload = $1::jsonb WHERE id = $2`, [
      payload,
      vectorId,
    ]);
  }

  override async close(): Promise<void> {
    this.closed = true;
    await super.close();
  }
}

/**
 * The indexes that make one person's search fast at any table size, created if missing: a btree
 * on the very expressions mem0's provider filters on (user, then session), and an HNSW index on
 * the vectors, named as mem0 names its own (`<table>_hnsw_idx`), so a table mem0 made with
 * `hnsw: true` keeps its one. The planner takes the btree for a person's search (checked with
 * EXPLAIN in test/integration/pgvector-memory.test.ts); HNSW serves a search over many people.
 */
export function pgvectorIndexStatements(collectionName: string, dimension: number): string[] {
  const t = `"${collectionName}"`;
  return [
    `CREATE INDEX IF NOT EXISTS "${collectionName}_person_idx"
       ON ${t} ((payload->>'user_id'), (payload->>'run_id'))`,
    ...(dimension <= maxHnswDimensions
      ? [
          `CREATE INDEX IF NOT EXISTS "${collectionName}_hnsw_idx"
             ON ${t} USING hnsw (vector vector_cosine_ops)`,
        ]
      : []),
  ];
}

/** Options for {@link openPgvectorStores}. */
export interface PgvectorStoresOptions {
  /** A `postgresql://` URL; the database must offer the `vector` extension (pgvector). */
  databaseUrl: string;
  dimension: number;
  /** mem0's collection name; its entities go to `<name>_entities`, as mem0 names them. */
  collectionName: string;
}

/** The two stores mem0's Memory uses, each on its own connection to one database. */
export interface PgvectorStores {
  memories: PgvectorStore;
  entities: PgvectorStore;
  /**
   * Nothing: PostgreSQL keeps deleted rows until (auto)vacuum reclaims them, and no file of this
   * process holds them. Here so that both backends offer the same calls.
   */
  checkpoint(): void;
  /** Closes both connections; the stores must not be used afterwards. */
  close(): Promise<void>;
}

// Any fixed number, the same in every worker: pg_advisory_lock's key for preparing the tables.
const setupLockKey = 0x77656c6c; // "well"

/**
 * Connects mem0's pgvector stores of memories and entities, creating the extension, the tables
 * and their indexes when missing. Workers starting together take turns (an advisory lock), since
 * `CREATE ... IF NOT EXISTS` run at the same moment by two sessions can fail in one of them.
 */
export async function openPgvectorStores(options: PgvectorStoresOptions): Promise<PgvectorStores> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.collectionName)) {
    throw new Error(`Invalid collection name ${JSON.stringify(options.collectionName)}`);
  }
  const setup = new pg.Client({ connectionString: options.databaseUrl });
  // Failures surface through the queries below; an unhandled `error` event would crash instead.
  setup.on('error', () => undefined);
  const opened: PgvectorStore[] = [];
  try {
    await setup.connect();
    await setup.query('SELECT pg_advisory_lock($1)', [setupLockKey]);
    // One after the other: mem0's store creates the extension and its tables as it is built.
    for (const collectionName of [options.collectionName, `${options.collectionName}_entities`]) {
      const store = new PgvectorStore({
        databaseUrl: options.databaseUrl,
        collectionName,
        dimension: options.dimension,
      });
      opened.push(store);
      await store.initialize();
      for (const statement of pgvectorIndexStatements(collectionName, options.dimension)) {
        await setup.query(statement);
      }
    }
  } catch (error) {
    await Promise.allSettled(opened.map((store) => store.close()));
    throw error;
  } finally {
    // Ending the session releases the lock.
    await setup.end().catch(() => undefined);
  }
  const [memories, entities] = opened as [PgvectorStore, PgvectorStore];
  return {
    memories,
    entities,
    checkpoint: () => undefined,
    close: async () => {
      await Promise.allSettled([memories.close(), entities.close()]);
    },
  };
}
