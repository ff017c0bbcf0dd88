import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { SearchFilters, VectorStore, VectorStoreResult } from 'mem0ai/oss';
import { checkpoint, openSqliteFile, removeSqliteFile } from '../storage/sqlite-file.js';

// A vector store for mem0 open source that gives the same answers as its stock 'memory' store
// (`MemoryVectorStore` in mem0ai 3.3.1) but reads only the rows a filter can match. The stock
// store reads, JSON-parses and copies every row of every user on each search, synchronously, so
// its cost grows with the whole bot's memory count and stalls the event loop (about 0.6 s per
// `Memory.search` at 10k memories). Here user_id, run_id and agent_id are indexed columns, and
// equality filters on them become `WHERE` clauses. Everything else about results follows the
// stock store, ported below: filter semantics, cosine scores, BM25 scores, tie order (insertion
// order, as the stock store's `SELECT *` returns rows) and result shapes.

type Payload = Record<string, unknown>;

/** The scope keys kept as indexed columns; mem0 filters on them in every call. */
const scopeColumns = ['user_id', 'run_id', 'agent_id'] as const;
type ScopeColumn = (typeof scopeColumns)[number];

// The stock store renames these payload keys when it reads a row (`normalizePayload`).
const camelToSnake: Record<string, ScopeColumn> = {
  userId: 'user_id',
  agentId: 'agent_id',
  runId: 'run_id',
};

// A plain object on purpose: the stock store looks keys up in one (`keyMap[key] || key`).
const logicalKeys: Record<string, string> = { $and: 'AND', $or: 'OR', $not: 'NOT' };

/** Renames camelCase scope keys to snake_case in place, as the stock store does on every read. */
export function normalizePayload(payload: Payload): Payload {
  for (const [camel, snake] of Object.entries(camelToSnake)) {
    if (camel in payload && !(snake in payload)) {
      payload[snake] = payload[camel];
      delete payload[camel];
    }
  }
  return payload;
}

/** One filter condition on one payload key; a port of the stock `matchFieldCondition`. */
function matchFieldCondition(payload: Payload, key: string, value: unknown): boolean {
  const payloadValue = payload[key];
  if (typeof value !== 'object' || value === null) {
    if (value === '*') return true;
    return payloadValue === value;
  }
  if (Array.isArray(value)) return value.includes(payloadValue);
  const condition = value as Record<string, unknown>;
  // The casts only quiet the type checker: like the stock store, these compare whatever they get.
  if ('eq' in condition) return payloadValue === condition.eq;
  if ('ne' in condition) return payloadValue !== condition.ne;
  if ('gt' in condition) return (payloadValue as number) > (condition.gt as number);
  if ('gte' in condition) return (payloadValue as number) >= (condition.gte as number);
  if ('lt' in condition) return (payloadValue as number) < (condition.lt as number);
  if ('lte' in condition) return (payloadValue as number) <= (condition.lte as number);
  if ('in' in condition) return Array.isArray(condition.in) && condition.in.includes(payloadValue);
  if ('nin' in condition) {
    return !Array.isArray(condition.nin) || !condition.nin.includes(payloadValue);
  }
  if ('contains' in condition) {
    return typeof payloadValue === 'string' && payloadValue.includes(condition.contains as string);
  }
  if ('icontains' in condition) {
    return (
      typeof payloadValue === 'string' &&
      payloadValue.toLowerCase().includes((condition.icontains as string).toLowerCase())
    );
  }
  return payloadValue === value;
}

/**
 * Whether a (normalized) payload passes mem0 filters: a port of the stock store's `filterVector`,
 * with AND/OR/NOT (or $and/$or/$not) over lists of sub-filters, `*`, lists, and the operators
 * eq, ne, gt, gte, lt, lte, in, nin, contains, icontains.
 */
export function matchesFilters(payload: Payload, filters: unknown): boolean {
  // Sub-filters are not checked to be objects: `Object.keys` of a string has entries, as there.
  if (!filters || Object.keys(filters).length === 0) return true;
  return matchesFilterEntries(payload, Object.entries(filters));
}

function matchesFilterEntries(payload: Payload, entries: Array<[string, unknown]>): boolean {
  // First spelling wins when both `$and` and `AND` are given, as in the stock store.
  const normalized = new Map<string, unknown>();
  for (const [key, value] of entries) {
    const normalizedKey = String(logicalKeys[key] || key);
    if (!normalized.has(normalizedKey)) normalized.set(normalizedKey, value);
  }
  for (const [key, value] of normalized) {
    if (key === 'AND' || key === 'OR' || key === 'NOT') {
      if (!Array.isArray(value)) {
        throw new Error(`${key} filter value must be a list of filter dicts, got ${typeof value}`);
      }
      const subFilters = value as unknown[];
      const matched =
        key === 'AND'
          ? subFilters.every((sub) => matchesFilters(payload, sub))
          : key === 'OR'
            ? subFilters.some((sub) => matchesFilters(payload, sub))
            : subFilters.every((sub) => !matchesFilters(payload, sub));
      if (!matched) return false;
    } else if (!matchFieldCondition(payload, key, value)) {
      return false;
    }
  }
  return true;
}

/** A filter split into SQL conditions on the scope columns and the rest, checked in JS. */
export interface FilterPlan {
  /** `column = ?` or `column IN (?, …)` clauses, all of which must hold. */
  clauses: string[];
  params: string[];
  /** Conditions left for {@link matchesFilters}; empty when SQL decides everything. */
  residual: Array<[string, unknown]>;
}

// The stock store tests the first of these operators present in a condition object.
const operatorOrder = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in'];

/** The strings a scope condition accepts when SQL can decide it exactly, else undefined. */
function pushableValues(value: unknown): string[] | undefined {
  const allStrings = (list: unknown[]) =>
    list.length > 0 && list.every((v) => typeof v === 'string') ? list : undefined;
  if (typeof value === 'string') return value === '*' ? undefined : [value];
  if (Array.isArray(value)) return allStrings(value);
  if (typeof value !== 'object' || value === null) return undefined;
  const condition = value as Record<string, unknown>;
  const operator = operatorOrder.find((op) => op in condition);
  if (operator === 'eq' && typeof condition.eq === 'string') return [condition.eq];
  if (operator === 'in' && Array.isArray(condition.in)) return allStrings(condition.in);
  return undefined;
}

/**
 * Splits mem0 filters: top-level conditions on user_id, run_id or agent_id that only accept
 * given strings become SQL; the rest is checked in JS. Exact because a scope column holds the
 * normalized payload's value when it is a string and NULL otherwise.
 */
export function planFilters(filters: Record<string, unknown> | undefined): FilterPlan {
  const plan: FilterPlan = { clauses: [], params: [], residual: [] };
  if (!filters) return plan;
  for (const [key, value] of Object.entries(filters)) {
    const values = (scopeColumns as readonly string[]).includes(key)
      ? pushableValues(value)
      : undefined;
    if (values === undefined) {
      plan.residual.push([key, value]);
    } else {
      plan.clauses.push(
        values.length === 1 ? `${key} = ?` : `${key} IN (${values.map(() => '?').join(', ')})`,
      );
      plan.params.push(...values);
    }
  }
  return plan;
}

/** The stock store's BM25 tokenizer. */
function tokenize(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

/** What the stock keyword search reads from a payload (it throws later if that is not text). */
function keywordSource(payload: Payload): unknown {
  return payload.textLemmatized || payload.data || '';
}

/** Parses a stored payload and normalizes it, as the stock store does on every read. */
function readPayload(json: string): Payload {
  return normalizePayload(JSON.parse(json) as Payload);
}

/** The indexed columns of a row, derived from its payload as stored. */
function derivedColumns(payloadJson: string) {
  let payload: unknown;
  try {
    payload = JSON.parse(payloadJson);
  } catch {
    payload = undefined;
  }
  if (typeof payload !== 'object' || payload === null) {
    return { user_id: null, run_id: null, agent_id: null, keyword_text: null };
  }
  const normalized = normalizePayload(payload as Payload);
  const text = (key: string) => {
    const value = normalized[key];
    return typeof value === 'string' ? value : null;
  };
  const keyword = keywordSource(normalized);
  return {
    user_id: text('user_id'),
    run_id: text('run_id'),
    agent_id: text('agent_id'),
    // NULL: not text, so the search reads the payload and fails as the stock store would.
    keyword_text: typeof keyword === 'string' ? keyword : null,
  };
}

/** A row's vector as floats, without copying when the blob is aligned. */
function floatsOf(blob: Buffer): Float32Array {
  const length = Math.floor(blob.byteLength / 4);
  if (blob.byteOffset % 4 === 0) return new Float32Array(blob.buffer, blob.byteOffset, length);
  return new Float32Array(new Uint8Array(blob).buffer, 0, length);
}

function vectorBlob(vector: readonly number[]): Buffer {
  return Buffer.from(new Float32Array(vector).buffer);
}

/** Options for {@link IndexedVectorStore}. */
export interface IndexedVectorStoreOptions {
  /** An open connection; the store adds its tables to it and never closes it. */
  database: Database.Database;
  /** Name of the table: letters, digits and underscores. */
  collectionName: string;
  dimension: number;
  /**
   * A stock 'memory' store's SQLite file to take rows from once, when this collection is new:
   * see {@link IndexedVectorStore}.
   */
  legacyDbPath?: string | undefined;
}

/** What a legacy import did, as recorded in the collection's meta table. */
export interface LegacyImport {
  from: string;
  rows: number;
  at: string;
}

/**
 * A mem0 vector store in SQLite whose searches read only the rows their user_id, run_id or
 * agent_id filter can match, so one person's search costs the same whatever everyone else
 * stores. Answers are the same as mem0's stock 'memory' store for the same calls.
 *
 * Upgrading from the stock store: when `legacyDbPath` names an existing stock store file and
 * this collection has never taken rows from one and is empty, the constructor copies every row
 * (in the stock store's order, with its anonymous mem0 user id) in one transaction, records that
 * in the collection's meta table so it never happens again, and then deletes the old file. The
 * old file is deleted because it would otherwise keep forever the text of memories that people
 * delete here with /forget. If this collection already has rows, or imported once before (an
 * old file restored from a backup), the old file is left alone and nothing is imported.
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
    if (options.legacyDbPath !== undefined) this.importLegacy(options.legacyDbPath);
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

  /** What the one-time import from a stock store did, if it ran. */
  legacyImport(): LegacyImport | undefined {
    const value = this.getMeta('legacy_import');
    return value === undefined ? undefined : (JSON.parse(value) as LegacyImport);
  }

  private importLegacy(legacyDbPath: string): void {
    if (this.getMeta('legacy_import') !== undefined || !existsSync(legacyDbPath)) return;
    const count = this.db.prepare(`SELECT COUNT(*) AS n FROM "${this.table}"`).get() as {
      n: number;
    };
    if (count.n > 0) return;
    const legacy = new Database(legacyDbPath, { fileMustExist: true });
    try {
      const hasTable = (name: string) =>
        legacy
          .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`)
          .get(name) !== undefined;
      const rows = hasTable('vectors')
        ? (legacy.prepare('SELECT id, vector, payload FROM vectors ORDER BY rowid').all() as Array<{
            id: string;
            vector: Buffer;
            payload: string;
          }>)
        : [];
      const telemetryId = hasTable('memory_migrations')
        ? (legacy.prepare('SELECT user_id FROM memory_migrations LIMIT 1').get() as
            { user_id: string } | undefined)
        : undefined;
      const record: LegacyImport = {
        from: legacyDbPath,
        rows: rows.length,
        at: new Date().toISOString(),
      };
      this.db.transaction(() => {
        for (const row of rows) this.writeRow(row.id, row.vector, row.payload);
        if (telemetryId !== undefined) this.setMeta('mem0_user_id', telemetryId.user_id);
        this.setMeta('legacy_import', JSON.stringify(record));
      })();
    } finally {
      legacy.close();
    }
    removeSqliteFile(legacyDbPath);
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
      const candidates: Array<{ id: string; json: string; payload?: Payload; tokens: string[] }> =
        [];
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
      if (candidates.length === 0) return [];
      const queryTerms = tokenize(query);
      if (queryTerms.length === 0) return [];
      // BM25 exactly as the stock store computes it, over the filtered candidates.
      const k1 = 1.5;
      const b = 0.75;
      const n = candidates.length;
      const averageLength = candidates.reduce((sum, c) => sum + c.tokens.length, 0) / n;
      const idf = new Map<string, number>();
      for (const term of queryTerms) {
        if (idf.has(term)) continue;
        let documents = 0;
        for (const c of candidates) if (c.tokens.includes(term)) documents++;
        idf.set(term, Math.log((n - documents + 0.5) / (documents + 0.5) + 1));
      }
      const scored = candidates.map((candidate) => {
        const counts = new Map<string, number>();
        for (const token of candidate.tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
        const length = candidate.tokens.length;
        let score = 0;
        for (const term of queryTerms) {
          const tf = counts.get(term) ?? 0;
          const termIdf = idf.get(term) || 0;
          score += (termIdf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * length) / averageLength));
        }
        return { candidate, score };
      });
      return scored
        .filter((s) => s.score > 0)
        .sort((x, y) => y.score - x.score)
        .slice(0, topK)
        .map(({ candidate, score }) => ({
          id: candidate.id,
          payload: candidate.payload ?? readPayload(candidate.json),
          score,
        }));
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
  /** Stock 'memory' store files to import once each (see {@link IndexedVectorStore}). */
  legacy?: { memoriesDbPath: string; entitiesDbPath: string } | undefined;
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
      legacyDbPath: options.legacy?.memoriesDbPath,
    });
    const entities = new IndexedVectorStore({
      database,
      collectionName: `${options.collectionName}_entities`,
      dimension: options.dimension,
      legacyDbPath: options.legacy?.entitiesDbPath,
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
