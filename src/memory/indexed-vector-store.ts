import type Database from 'better-sqlite3';
import type { SearchFilters, VectorStore, VectorStoreResult } from 'mem0ai/oss';
import { checkpoint, openSqliteFile } from '../storage/sqlite-file.js';
import { rankBm25, tokenize } from './bm25.js';
import {
  type FilterPlan,
  matchesFilterEntries,
  type Payload,
  planFilters,
} from './mem0-filters.js';
import { derivedColumns, floatsOf, keywordSource, readPayload, vectorBlob } from './vector-rows.js';

// A vector store for mem0 open source that gives the same answers as its stock 'memory' store
// (`MemoryVectorStore` in mem0ai 3.3.1) but reads only the rows a filter can match. The stock
// store reads, JSON-parses and copies every row of every user on each search, synchronously, so
// its cost grows with the whole bot's memory count and stalls the event loop (about 0.6 s per
// `Memory.search` at 10k memories). Here user_id, run_id and agent_id are indexed columns, and
// equality filters on them become `WHERE` clauses. Everything else about results follows the
// stock store: filter semantics (mem0-filters.ts), cosine scores (below), BM25 scores (bm25.ts),
// tie order (insertion order, as the stock store's `SELECT *` returns rows) and result shapes.
// What a row holds is in vector-rows.ts.

/** Options for {@link IndexedVectorStore}. */
export interface IndexedVectorStoreOptions {
  /** An open connection; the store adds its tables to it and never closes it. */
  database: Database.Database;
  /** Name of the table: letters, digits and underscores. */
  collectionName: string;
  dimension: number;
}

/**
 * A mem0 vector store in SQLite whose searches read only the rows their user_id, run_id or
 * agent_id filter can match, so one person's search costs the same whatever everyone else
 * stores. Answers are the same as mem0's stock 'memory' store for the same calls.
 */
export class IndexedVectorStore implements VectorStore {
  private readonly db: Database.Database;
  private readonly table: string;
  private readonly metaTable: string;
  private readonly dimension: number;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(options: IndexedVectorStoreOptions) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.collectionName)) {
      throw new Error(`Invalid collection name ${JSON.stringify(options.collectionName)}`);
    }
    this.db = options.database;
    this.table = options.collectionName;
    this.metaTable = `${options.collectionName}_meta`;
    this.dimension = options.dimension;
    this.init();
  }

  private init(): void {
    const t = this.table;
    // `seq` is the insertion order that the stock store's `SELECT *` returns rows in, and so its
    // tie order; INSERT OR REPLACE gives a replaced row a new one, as there.
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS "${t}" (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        user_id TEXT,
        run_id TEXT,
        agent_id TEXT,
        keyword_text TEXT,
        vector BLOB NOT NULL,
        payload TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS "${t}_by_user_run" ON "${t}" (user_id, run_id);
      CREATE INDEX IF NOT EXISTS "${t}_by_run" ON "${t}" (run_id);
      CREATE INDEX IF NOT EXISTS "${t}_by_agent" ON "${t}" (agent_id);
      CREATE TABLE IF NOT EXISTS "${this.metaTable}" (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      // Filters with IN lists of any length make new shapes; keep the cache bounded.
      if (this.statements.size >= 64) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Rows a filter's SQL part matches, in insertion order, as raw arrays of `columns`. */
  private matchingRows(columns: string, plan: FilterPlan): unknown[][] {
    const where = plan.clauses.length > 0 ? ` WHERE ${plan.clauses.join(' AND ')}` : '';
    return this.statement(`SELECT ${columns} FROM "${this.table}"${where} ORDER BY seq`)
      .raw(true)
      .all(...plan.params) as unknown[][];
  }

  private getMeta(key: string): string | undefined {
    const row = this.statement(`SELECT value FROM "${this.metaTable}" WHERE key = ?`).get(key) as
      { value: string } | undefined;
    return row?.value;
  }

  private setMeta(key: string, value: string): void {
    this.statement(
      `INSERT INTO "${this.metaTable}" (key, value) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ).run(key, value);
  }

  private writeRow(id: string, vector: Buffer, payloadJson: string): void {
    const c = derivedColumns(payloadJson);
    this.statement(
      `INSERT OR REPLACE INTO "${this.table}"
       (id, user_id, run_id, agent_id, keyword_text, vector, payload)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(id, c.user_id, c.run_id, c.agent_id, c.keyword_text, vector, payloadJson);
  }

  private checkDimension(vector: readonly number[]): void {
    if (vector.length !== this.dimension) {
      throw new Error(
        `Vector dimension mismatch. Expected ${this.dimension}, got ${vector.length}`,
      );
    }
  }

  async insert(vectors: number[][], ids: string[], payloads: Payload[]): Promise<void> {
    this.db.transaction(() => {
      for (let i = 0; i < vectors.length; i++) {
        const vector = vectors[i] as number[];
        this.checkDimension(vector);
        this.writeRow(ids[i] as string, vectorBlob(vector), JSON.stringify(payloads[i]));
      }
    })();
  }

  async search(query: number[], topK = 10, filters?: SearchFilters): Promise<VectorStoreResult[]> {
    if (query.length !== this.dimension) {
      throw new Error(`Query dimension mismatch. Expected ${this.dimension}, got ${query.length}`);
    }
    const plan = planFilters(filters);
    const rows = this.matchingRows('id, vector, payload', plan);
    let queryNorm = 0;
    for (let i = 0; i < query.length; i++) {
      const q = query[i] as number;
      queryNorm += q * q;
    }
    const scored: Array<{ id: string; json: string; payload: Payload | undefined; score: number }> =
      [];
    for (const [id, blob, json] of rows as Array<[string, Buffer, string]>) {
      let payload: Payload | undefined;
      if (plan.residual.length > 0) {
        payload = readPayload(json);
        if (!matchesFilterEntries(payload, plan.residual)) continue;
      }
      // The stock store's cosine, term for term, so scores are bit-identical.
      const vector = floatsOf(blob);
      let dot = 0;
      let norm = 0;
      for (let i = 0; i < query.length; i++) {
        const v = vector[i] as number;
        dot += (query[i] as number) * v;
        norm += v * v;
      }
      scored.push({ id, json, payload, score: dot / (Math.sqrt(queryNorm) * Math.sqrt(norm)) });
    }
    // A stable sort of rows in insertion order, as the stock store's; NaN counts as 0 there too.
    scored.sort((a, b) => (b.score || 0) - (a.score || 0));
    return scored.slice(0, topK).map(({ id, json, payload, score }) => ({
      id,
      payload: payload ?? readPayload(json),
      score,
    }));
  }

  async keywordSearch(
    query: string,
    topK = 10,
    filters?: SearchFilters,
  ): Promise<VectorStoreResult[] | null> {
    try {
      const plan = planFilters(filters);
      const rows = this.matchingRows('id, keyword_text, payload', plan);
      const candidates: Array<{
        id: string;
        json: string;
        payload?: Payload | undefined;
        tokens: string[];
      }> = [];
      for (const [id, keywordText, json] of rows as Array<[string, string | null, string]>) {
        let payload: Payload | undefined;
        if (plan.residual.length > 0) {
          payload = readPayload(json);
          if (!matchesFilterEntries(payload, plan.residual)) continue;
        }
        let text = keywordText;
        if (text === null) {
          payload ??= readPayload(json);
          text = keywordSource(payload) as string;
        }
        candidates.push({ id, json, payload, tokens: tokenize(text) });
      }
      return rankBm25({ query, documents: candidates.map((c) => c.tokens), topK }).map(
        ({ index, score }) => {
          const candidate = candidates[index] as (typeof candidates)[number];
          return {
            id: candidate.id,
            payload: candidate.payload ?? readPayload(candidate.json),
            score,
          };
        },
      );
    } catch (error) {
      // The stock store logs and answers null, which Memory.search reads as "no keyword hits".
      console.error('Error during keyword search:', error);
      return null;
    }
  }

  async get(vectorId: string): Promise<VectorStoreResult | null> {
    const row = this.statement(`SELECT id, payload FROM "${this.table}" WHERE id = ?`).get(
      vectorId,
    ) as { id: string; payload: string } | undefined;
    return row === undefined ? null : { id: row.id, payload: readPayload(row.payload) };
  }

  async update(vectorId: string, vector: number[], payload: Payload): Promise<void> {
    this.checkDimension(vector);
    const json = JSON.stringify(payload);
    const c = derivedColumns(json);
    this.statement(
      `UPDATE "${this.table}" SET user_id = ?, run_id = ?, agent_id = ?, keyword_text = ?,
       vector = ?, payload = ? WHERE id = ?`,
    ).run(c.user_id, c.run_id, c.agent_id, c.keyword_text, vectorBlob(vector), json, vectorId);
  }

  async delete(vectorId: string): Promise<void> {
    this.statement(`DELETE FROM "${this.table}" WHERE id = ?`).run(vectorId);
  }

  /** Replaces a row's payload and keeps its vector (for a change that does not alter the embedded text). */
  async setPayload(vectorId: string, payload: Payload): Promise<void> {
    const json = JSON.stringify(payload);
    const c = derivedColumns(json);
    this.statement(
      `UPDATE "${this.table}" SET user_id = ?, run_id = ?, agent_id = ?, keyword_text = ?,
       payload = ? WHERE id = ?`,
    ).run(c.user_id, c.run_id, c.agent_id, c.keyword_text, json, vectorId);
  }

  /** Deletes every row; the meta table (mem0's anonymous id, the import record) stays. */
  async deleteCol(): Promise<void> {
    this.statements.clear();
    this.db.exec(`DROP TABLE IF EXISTS "${this.table}"`);
    this.init();
  }

  async list(filters?: SearchFilters, topK = 100): Promise<[VectorStoreResult[], number]> {
    const plan = planFilters(filters);
    const rows = this.matchingRows('id, payload', plan) as Array<[string, string]>;
    if (plan.residual.length === 0) {
      const page = rows.slice(0, topK).map(([id, json]) => ({ id, payload: readPayload(json) }));
      return [page, rows.length];
    }
    const results: VectorStoreResult[] = [];
    for (const [id, json] of rows) {
      const payload = readPayload(json);
      if (matchesFilterEntries(payload, plan.residual)) results.push({ id, payload });
    }
    return [results.slice(0, topK), results.length];
  }

  async getUserId(): Promise<string> {
    const existing = this.getMeta('mem0_user_id');
    if (existing !== undefined) return existing;
    // The stock store's format: an anonymous random id, only used for mem0's telemetry.
    const random = () => Math.random().toString(36).substring(2, 15);
    const userId = random() + random();
    this.setMeta('mem0_user_id', userId);
    return userId;
  }

  async setUserId(userId: string): Promise<void> {
    this.setMeta('mem0_user_id', userId);
  }

  async initialize(): Promise<void> {
    this.init();
  }
}

/** Options for {@link openIndexedVectorStores}. */
export interface IndexedVectorStoresOptions {
  /** The SQLite file holding both collections (created if missing), or `:memory:`. */
  path: string;
  dimension: number;
  /** mem0's collection name; its entities go to `<name>_entities`, as mem0 names them. */
  collectionName: string;
}

/** The two stores mem0's Memory uses, on one SQLite connection. */
export interface IndexedVectorStores {
  memories: IndexedVectorStore;
  entities: IndexedVectorStore;
  /** Clears deleted text from the file's WAL (see `checkpoint`): call after deleting someone's memories. */
  checkpoint(): void;
  /** Closes the connection; the stores must not be used afterwards. */
  close(): void;
}

/** Opens (or creates) the SQLite file of mem0's memories and entities (see `openSqliteFile`). */
export function openIndexedVectorStores(options: IndexedVectorStoresOptions): IndexedVectorStores {
  const database = openSqliteFile(options.path);
  try {
    const memories = new IndexedVectorStore({
      database,
      collectionName: options.collectionName,
      dimension: options.dimension,
    });
    const entities = new IndexedVectorStore({
      database,
      collectionName: `${options.collectionName}_entities`,
      dimension: options.dimension,
    });
    return {
      memories,
      entities,
      checkpoint: () => void checkpoint(database),
      close: () => database.close(),
    };
  } catch (error) {
    database.close();
    throw error;
  }
}
