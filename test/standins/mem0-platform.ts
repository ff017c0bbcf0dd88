/**
 * A local stand-in for the hosted mem0 Platform API, faithful enough for mem0ai's real
 * `MemoryClient` to talk to: asynchronous inference, v2 filters with mandatory entity scoping,
 * and every JSON request body validated against mem0's own OpenAPI description.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { Ajv, type ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { cosine, embedText } from './embedding.js';

/** How to start the stand-in. */
export interface FakeMem0Options {
  /** The only API key accepted; 'test-mem0-key' by default. */
  apiKey?: string;
  /** Port on 127.0.0.1; 0 (any free port) by default. */
  port?: number;
  /** How long an inferred add stays PENDING before its memories are searchable; 50 ms by default. */
  processingDelayMs?: number;
  /** 0 (default): deleteAll and entity deletes take effect at once; otherwise after this delay. */
  asyncDeleteDelayMs?: number;
}

/** One request the stand-in received, with the status it answered (0 when it reset the connection). */
export interface Mem0RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  body: unknown;
  at: number;
  status: number;
}

/** One memory as the stand-in stores it. */
export interface StoredMemory {
  id: string;
  memory: string;
  user_id?: string;
  agent_id?: string;
  app_id?: string;
  run_id?: string;
  metadata: Record<string, unknown> | null;
  categories: string[];
  created_at: string;
  updated_at: string;
  /** Epoch ms from which search, get-all and get see the memory. */
  searchableAt: number;
  expiration_date?: string | null;
}

/** What seed() stores: a memory that is searchable at once. */
export interface SeedMemory {
  userId: string;
  text: string;
  metadata?: Record<string, unknown>;
  agentId?: string;
  runId?: string;
  createdAt?: Date | string;
}

/**
 * A rule making the next `count` (1) matching requests fail with `status`; an omitted method or
 * path matches anything, including the ping MemoryClient sends when it is constructed.
 */
export interface FailRule {
  method?: string;
  path?: RegExp | string;
  status: number;
  count?: number;
}

/** A running stand-in and the handles tests use to inspect and steer it. */
export interface FakeMem0 {
  readonly baseUrl: string;
  readonly port: number;
  readonly requests: Mem0RecordedRequest[];
  /** Requests the real service would refuse as malformed or out of scope, and unemulated routes. */
  readonly violations: string[];
  /** Copies of everything stored, including memories still being inferred, optionally for one user. */
  memories(userId?: string): StoredMemory[];
  /** Stores a memory for `userId` that is searchable at once. */
  seed(memory: SeedMemory): StoredMemory;
  failNext(rule: FailRule): void;
  /** Delays answers to paths matching `path` (all paths without it); 0 removes that delay. */
  setLatency(ms: number, path?: RegExp): void;
  /** While true, resets every connection without answering. */
  setUnreachable(unreachable: boolean): void;
  /** Polls `predicate` every 5 ms until it returns a value; rejects after `timeoutMs` (2000). */
  waitFor<T>(predicate: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  /** Stops the server, dropping any connection still open. */
  close(): Promise<void>;
}

/** The mem0 OpenAPI description the stand-in validates against (the repo's copy, from ../shared/specs). */
export const mem0SpecPath = fileURLToPath(new URL('../specs/mem0-openapi.json', import.meta.url));

// ---------------------------------------------------------------------------------------------
// OpenAPI validation

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `Array.isArray` without its `any[]`: the elements of parsed JSON are not trusted. */
function isArray(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

let spec: JsonObject | undefined;
let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction | null>();

function loadSpec(): JsonObject {
  spec ??= JSON.parse(readFileSync(mem0SpecPath, 'utf8')) as JsonObject;
  return spec;
}

function getAjv(): Ajv {
  if (ajv) return ajv;
  ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
  const formats = ajvFormats as unknown as { default: (a: Ajv) => Ajv };
  formats.default(ajv);
  for (const name of ['float', 'double', 'int32', 'int64']) ajv.addFormat(name, true);
  return ajv;
}

function resolveRef(ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
  let node: unknown = loadSpec();
  for (const part of ref.slice(2).split('/')) {
    node = isObject(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
  return node;
}

/** Rewrites OpenAPI 3.0 schema dialect into JSON Schema that Ajv compiles. */
function toJsonSchema(schema: unknown, depth = 0): unknown {
  if (depth > 64) throw new Error('schema nesting too deep (recursive $ref?)');
  if (Array.isArray(schema)) return schema.map((s) => toJsonSchema(s, depth + 1));
  if (!isObject(schema)) return schema;
  if (typeof schema.$ref === 'string') return toJsonSchema(resolveRef(schema.$ref), depth + 1);
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'example' || key === 'examples' || key === 'description') continue;
    out[key] =
      key === 'properties' && isObject(value)
        ? Object.fromEntries(
            Object.entries(value).map(([k, v]) => [k, toJsonSchema(v, depth + 1)] as const),
          )
        : toJsonSchema(value, depth + 1);
  }
  // The spec writes type unions as oneOf [{type:'integer'},{type:'number'},...]; an integer
  // matches two branches there, so oneOf would refuse every integer the SDK is typed to send.
  if (
    Array.isArray(out.oneOf) &&
    out.oneOf.every((b) => isObject(b) && Object.keys(b).length === 1 && 'type' in b)
  ) {
    out.anyOf = out.oneOf;
    delete out.oneOf;
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else {
      return { anyOf: [out, { type: 'null' }] };
    }
  }
  return out;
}

function operationSchema(method: string, template: string, status?: number): unknown {
  const paths = loadSpec().paths;
  const item = isObject(paths) ? paths[template] : undefined;
  const op = isObject(item) ? item[method.toLowerCase()] : undefined;
  if (!isObject(op)) throw new Error(`no operation ${method} ${template} in the mem0 spec`);
  let holder: unknown;
  if (status === undefined) {
    holder = isObject(op.requestBody) ? op.requestBody : undefined;
  } else {
    holder = isObject(op.responses) ? op.responses[String(status)] : undefined;
  }
  if (isObject(holder) && typeof holder.$ref === 'string') holder = resolveRef(holder.$ref);
  const content = isObject(holder) ? holder.content : undefined;
  const json = isObject(content) ? content['application/json'] : undefined;
  return isObject(json) ? json.schema : undefined;
}

function bodyRequired(method: string, template: string): boolean {
  const paths = loadSpec().paths;
  const item = isObject(paths) ? paths[template] : undefined;
  const op = isObject(item) ? item[method.toLowerCase()] : undefined;
  return isObject(op) && isObject(op.requestBody) && op.requestBody.required === true;
}

/**
 * Checks `body` against the mem0 spec's JSON schema for the request body of `method template`
 * (or for its response with `status`); returns what is wrong, or undefined when it conforms.
 */
export function specErrors(
  method: string,
  template: string,
  body: unknown,
  status?: number,
): string | undefined {
  const key = `${method.toUpperCase()} ${template} ${status ?? 'request'}`;
  let validate = validators.get(key);
  if (validate === undefined) {
    const schema = operationSchema(method, template, status);
    validate = schema === undefined ? null : getAjv().compile(toJsonSchema(schema) as JsonObject);
    validators.set(key, validate);
  }
  if (validate === null || validate(body)) return undefined;
  return getAjv().errorsText(validate.errors, { dataVar: 'body' });
}

// ---------------------------------------------------------------------------------------------
// Filters (the v2 grammar used by v3 search and get-all)

const entityFields = ['user_id', 'agent_id', 'app_id', 'run_id'] as const;
type EntityField = (typeof entityFields)[number];
const timeFields = ['created_at', 'updated_at', 'timestamp', 'expiration_date'] as const;
const allowedFilterFields = new Set<string>([
  ...entityFields,
  ...timeFields,
  'text',
  'categories',
  'metadata',
  'keywords_search',
  'memory_ids',
  'keywords',
]);

type Predicate = (m: StoredMemory) => boolean;
interface CompiledFilter {
  match: Predicate;
  /** Whether every memory it matches is pinned to a concrete entity id. */
  scoped: boolean;
}

class FilterError extends Error {}

const always: Predicate = () => true;
const and =
  (ps: Predicate[]): Predicate =>
  (m) =>
    ps.every((p) => p(m));

function operatorObject(
  field: string,
  value: unknown,
  allowed: readonly string[],
): [string, unknown][] {
  if (!isObject(value)) throw new FilterError(`filters.${field}: expected an operator object`);
  const entries = Object.entries(value);
  if (entries.length === 0) throw new FilterError(`filters.${field}: empty operator object`);
  for (const [op] of entries) {
    if (!allowed.includes(op)) {
      throw new FilterError(
        `filters.${field}: operator '${op}' is not supported (allowed: ${allowed.join(', ')})`,
      );
    }
  }
  return entries;
}

function stringOperand(field: string, op: string, value: unknown): string {
  if (typeof value !== 'string') throw new FilterError(`filters.${field}.${op}: expected a string`);
  return value;
}

function stringList(field: string, op: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new FilterError(`filters.${field}.${op}: expected an array of strings`);
  }
  return value;
}

function compileEntity(field: EntityField, value: unknown): CompiledFilter {
  const get = (m: StoredMemory) => m[field] ?? null;
  if (typeof value === 'string') {
    if (value === '*') return { match: (m) => get(m) !== null, scoped: false };
    return { match: (m) => get(m) === value, scoped: true };
  }
  const parts: CompiledFilter[] = operatorObject(field, value, ['eq', 'ne', 'in']).map(
    ([op, operand]) => {
      if (op === 'in') {
        const list = stringList(field, op, operand);
        return {
          match: (m) => list.includes(get(m) ?? '\0'),
          scoped: list.length > 0 && !list.includes('*'),
        };
      }
      const v = stringOperand(field, op, operand);
      if (op === 'eq') return compileEntity(field, v);
      return { match: (m) => get(m) !== v, scoped: false };
    },
  );
  return { match: and(parts.map((p) => p.match)), scoped: parts.some((p) => p.scoped) };
}

function timeValue(field: string, value: unknown): number {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new FilterError(`filters.${field}: expected a date string or epoch seconds`);
  }
  const t = typeof value === 'number' ? value * 1000 : Date.parse(value);
  if (Number.isNaN(t)) throw new FilterError(`filters.${field}: '${String(value)}' is not a date`);
  return t;
}

function compileTime(field: (typeof timeFields)[number], value: unknown): Predicate {
  const get = (m: StoredMemory): number | null => {
    const raw =
      field === 'expiration_date'
        ? m.expiration_date
        : field === 'updated_at'
          ? m.updated_at
          : m.created_at;
    return raw ? Date.parse(raw) : null;
  };
  const parts = operatorObject(field, value, ['gt', 'gte', 'lt', 'lte', 'ne', 'in']).map(
    ([op, operand]): Predicate => {
      if (op === 'in') {
        if (!Array.isArray(operand))
          throw new FilterError(`filters.${field}.in: expected an array`);
        const list = operand.map((v) => timeValue(field, v));
        return (m) => list.includes(get(m) ?? Number.NaN);
      }
      const bound = timeValue(field, operand);
      return (m) => {
        const t = get(m);
        if (t === null) return op === 'ne';
        if (op === 'gt') return t > bound;
        if (op === 'gte') return t >= bound;
        if (op === 'lt') return t < bound;
        if (op === 'lte') return t <= bound;
        return t !== bound;
      };
    },
  );
  return and(parts);
}

const metadataOps = ['eq', 'contains', 'ne'];

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function contains(haystack: unknown, needle: unknown): boolean {
  if (typeof haystack === 'string' && typeof needle === 'string') return haystack.includes(needle);
  if (Array.isArray(haystack)) return haystack.some((v) => sameJson(v, needle));
  return false;
}

function compileMetadata(value: unknown): Predicate {
  if (!isObject(value)) throw new FilterError('filters.metadata: expected an object');
  const parts = Object.entries(value).map(([key, condition]): Predicate => {
    const get = (m: StoredMemory) => m.metadata?.[key];
    const isOps =
      isObject(condition) &&
      Object.keys(condition).length > 0 &&
      Object.keys(condition).every((k) => metadataOps.includes(k));
    if (!isOps) {
      if (isObject(condition) && Object.keys(condition).some((k) => /^[a-z]+$/.test(k))) {
        // Looks like an operator object with an unsupported operator, or a nested key path.
        const bad = Object.keys(condition).filter((k) => !metadataOps.includes(k));
        throw new FilterError(
          `filters.metadata.${key}: only top-level keys with eq, contains or ne are supported (got ${bad.join(', ')})`,
        );
      }
      return (m) => sameJson(get(m), condition);
    }
    return and(
      Object.entries(condition).map(([op, operand]): Predicate => {
        if (op === 'eq') return (m) => sameJson(get(m), operand);
        if (op === 'ne') return (m) => !sameJson(get(m), operand);
        return (m) => contains(get(m), operand);
      }),
    );
  });
  return and(parts);
}

function compileText(field: string, value: unknown, ops: string[]): Predicate {
  if (typeof value === 'string') {
    return field === 'text'
      ? (m) => m.memory === value
      : (m) => m.memory.toLowerCase().includes(value.toLowerCase());
  }
  return and(
    operatorObject(field, value, ops).map(([op, operand]): Predicate => {
      const v = stringOperand(field, op, operand);
      if (op === 'eq') return (m) => m.memory === v;
      if (op === 'contains') return (m) => m.memory.includes(v);
      return (m) => m.memory.toLowerCase().includes(v.toLowerCase());
    }),
  );
}

function compileField(field: string, value: unknown): CompiledFilter {
  if ((entityFields as readonly string[]).includes(field)) {
    return compileEntity(field as EntityField, value);
  }
  if ((timeFields as readonly string[]).includes(field)) {
    return { match: compileTime(field as (typeof timeFields)[number], value), scoped: false };
  }
  let match: Predicate;
  switch (field) {
    case 'metadata':
      match = compileMetadata(value);
      break;
    case 'categories':
      match = and(
        operatorObject(field, value, ['in', 'contains']).map(([op, operand]): Predicate => {
          if (op === 'in') {
            const list = stringList(field, op, operand);
            return (m) => m.categories.some((c) => list.includes(c));
          }
          const v = stringOperand(field, op, operand);
          return (m) => m.categories.includes(v);
        }),
      );
      break;
    case 'memory_ids': {
      const [[, operand] = []] = operatorObject(field, value, ['in']);
      const list = stringList(field, 'in', operand);
      match = (m) => list.includes(m.id);
      break;
    }
    case 'text':
      match = compileText(field, value, ['eq', 'contains', 'icontains']);
      break;
    case 'keywords':
      match = compileText(field, value, ['contains', 'icontains']);
      break;
    case 'keywords_search':
      if (typeof value !== 'boolean')
        throw new FilterError('filters.keywords_search: expected a boolean');
      match = always;
      break;
    default:
      throw new FilterError(
        `filters: unknown field '${field}' (allowed: ${[...allowedFilterFields].join(', ')}, AND, OR, NOT)`,
      );
  }
  return { match, scoped: false };
}

function compileChildren(key: string, value: unknown, warnings: string[]): CompiledFilter[] {
  const items = key === 'NOT' && isObject(value) ? [value] : value;
  if (!Array.isArray(items) || items.length === 0) {
    throw new FilterError(`filters.${key}: expected a non-empty array of filter objects`);
  }
  return items.map((item) => compileNode(item, warnings));
}

function compileNode(node: unknown, warnings: string[]): CompiledFilter {
  if (!isObject(node)) throw new FilterError('filters: each filter must be an object');
  const parts: CompiledFilter[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'AND') {
      const children = compileChildren(key, value, warnings);
      parts.push({
        match: and(children.map((c) => c.match)),
        scoped: children.some((c) => c.scoped),
      });
    } else if (key === 'OR') {
      const children = compileChildren(key, value, warnings);
      if ('AND' in node) {
        // The real service silently drops an OR that sits next to an AND.
        warnings.push(
          'filters: OR next to AND at the same level is silently ignored by mem0; nest the OR inside the AND',
        );
        continue;
      }
      parts.push({
        match: (m) => children.some((c) => c.match(m)),
        scoped: children.every((c) => c.scoped),
      });
    } else if (key === 'NOT') {
      const children = compileChildren(key, value, warnings);
      parts.push({ match: (m) => !children.every((c) => c.match(m)), scoped: false });
    } else {
      parts.push(compileField(key, value));
    }
  }
  return { match: and(parts.map((p) => p.match)), scoped: parts.some((p) => p.scoped) };
}

/** Compiles v2 `filters`; throws FilterError when malformed or not scoped to an entity id. */
function compileFilters(filters: unknown, warnings: string[]): Predicate {
  const compiled = compileNode(filters, warnings);
  if (!compiled.scoped) {
    throw new FilterError(
      'filters must be scoped to at least one entity id (user_id, agent_id, app_id or run_id) with a concrete value',
    );
  }
  return compiled.match;
}

// ---------------------------------------------------------------------------------------------
// The server

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: JsonObject,
    readonly violation?: string,
  ) {
    super(violation ?? JSON.stringify(body));
  }
}

interface Answer {
  status: number;
  body: unknown;
}

interface RouteContext {
  method: string;
  path: string;
  params: string[];
  query: URLSearchParams;
  body: unknown;
  now: number;
}

interface Route {
  method: string;
  pattern: RegExp;
  template: string;
  handle(ctx: RouteContext): Answer;
}

interface EventRecord {
  id: string;
  type: 'ADD' | 'DELETE';
  payload: unknown;
  createdAt: number;
  completesAt: number;
  results: unknown[];
}

interface HistoryEntry {
  id: string;
  memory_id: string;
  input: { role: string; content: string }[];
  old_memory: string | null;
  new_memory: string | null;
  user_id: string | null;
  agent_id: string | null;
  app_id: string | null;
  session_id: string | null;
  categories: string[];
  event: 'ADD' | 'UPDATE' | 'DELETE';
  metadata: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const segment = '([^/]+)';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function notFound(): HttpError {
  return new HttpError(404, { error: 'Memory not found!' });
}

function requireUuid(name: string, value: string): void {
  if (!uuidPattern.test(value)) {
    throw new HttpError(
      400,
      { error: `${name} should be a valid UUID` },
      `${name} '${value}' is not a UUID`,
    );
  }
}

/** Starts a mem0 Platform stand-in on 127.0.0.1 and resolves once it is listening. */
export async function startFakeMem0(options: FakeMem0Options = {}): Promise<FakeMem0> {
  const apiKey = options.apiKey ?? 'test-mem0-key';
  const processingDelayMs = options.processingDelayMs ?? 50;
  const asyncDeleteDelayMs = options.asyncDeleteDelayMs ?? 0;
  loadSpec();

  const store = new Map<string, StoredMemory>();
  const history = new Map<string, HistoryEntry[]>();
  const events = new Map<string, EventRecord>();
  const pendingDeletes = new Map<string, number>();
  const requests: Mem0RecordedRequest[] = [];
  const violations: string[] = [];
  const failRules: (FailRule & { remaining: number })[] = [];
  const latencyRules = new Map<string, { ms: number; path: RegExp }>();
  const timers = new Set<NodeJS.Timeout>();
  let defaultLatency = 0;
  let unreachable = false;
  let closed = false;
  let baseUrl = '';

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  function recordHistory(
    m: StoredMemory,
    event: HistoryEntry['event'],
    oldMemory: string | null,
    input: HistoryEntry['input'],
    now: number,
  ): void {
    const entries = history.get(m.id) ?? [];
    entries.push({
      id: randomUUID(),
      memory_id: m.id,
      input,
      old_memory: oldMemory,
      new_memory: event === 'DELETE' ? null : m.memory,
      user_id: m.user_id ?? null,
      agent_id: m.agent_id ?? null,
      app_id: m.app_id ?? null,
      session_id: m.run_id ?? null,
      categories: [...m.categories],
      event,
      metadata: m.metadata,
      created_at: iso(now),
      updated_at: iso(now),
    });
    history.set(m.id, entries);
  }

  function remove(id: string, now: number): void {
    const m = store.get(id);
    if (!m) return;
    store.delete(id);
    pendingDeletes.delete(id);
    recordHistory(m, 'DELETE', m.memory, [], now);
  }

  function purge(now: number): void {
    for (const [id, at] of pendingDeletes) if (at <= now) remove(id, now);
  }

  const isLive = (m: StoredMemory, now: number) => m.searchableAt <= now;
  const isExpired = (m: StoredMemory, now: number) =>
    !!m.expiration_date && m.expiration_date < iso(now).slice(0, 10);

  function liveMemory(id: string, now: number): StoredMemory {
    requireUuid('memory_id', id);
    const m = store.get(id);
    if (!m || !isLive(m, now)) throw notFound();
    return m;
  }

  function createMemory(
    fields: Omit<StoredMemory, 'id' | 'categories' | 'updated_at'> & { categories?: string[] },
  ): StoredMemory {
    const m: StoredMemory = {
      id: randomUUID(),
      categories: [],
      ...fields,
      updated_at: fields.created_at,
    };
    for (const key of entityFields) if (m[key] === undefined) delete m[key];
    store.set(m.id, m);
    return m;
  }

  /** Deletes the memories that exist now (not those still being inferred), at once or later. */
  function deleteMatching(match: Predicate, now: number): { event_id?: string; count: number } {
    const ids = [...store.values()].filter((m) => isLive(m, now) && match(m)).map((m) => m.id);
    if (asyncDeleteDelayMs <= 0) {
      for (const id of ids) remove(id, now);
      return { count: ids.length };
    }
    for (const id of ids) pendingDeletes.set(id, now + asyncDeleteDelayMs);
    const event: EventRecord = {
      id: randomUUID(),
      type: 'DELETE',
      payload: { memory_ids: ids },
      createdAt: now,
      completesAt: now + asyncDeleteDelayMs,
      results: ids.map((id) => ({ id, event: 'DELETE' })),
    };
    events.set(event.id, event);
    return { event_id: event.id, count: ids.length };
  }

  function searchView(m: StoredMemory, score: number): JsonObject {
    return {
      id: m.id,
      memory: m.memory,
      user_id: m.user_id ?? null,
      agent_id: m.agent_id ?? null,
      app_id: m.app_id ?? null,
      run_id: m.run_id ?? null,
      metadata: m.metadata,
      categories: m.categories,
      score,
      score_breakdown: { semantic: score, bm25: 0, entity: 0 },
      expiration_date: m.expiration_date ?? null,
      created_at: m.created_at,
      updated_at: m.updated_at,
    };
  }

  function recordView(m: StoredMemory): JsonObject {
    return {
      id: m.id,
      memory: m.memory,
      user_id: m.user_id ?? null,
      agent_id: m.agent_id ?? null,
      app_id: m.app_id ?? null,
      session_id: m.run_id ?? null,
      metadata: m.metadata,
      categories: m.categories,
      structured_attributes: null,
      replaced_by: null,
      synthesized: false,
      expiration_date: m.expiration_date ?? null,
      created_at: m.created_at,
      updated_at: m.updated_at,
    };
  }

  function pickFields(view: JsonObject, fields: unknown): JsonObject {
    if (!Array.isArray(fields) || fields.length === 0) return view;
    return Object.fromEntries(Object.entries(view).filter(([k]) => fields.includes(k)));
  }

  function filtersFrom(body: JsonObject): Predicate {
    const warnings: string[] = [];
    let match: Predicate;
    try {
      match = compileFilters(body.filters, warnings);
    } catch (error) {
      if (error instanceof FilterError)
        throw new HttpError(400, { detail: error.message }, error.message);
      throw error;
    }
    violations.push(...warnings);
    const extra: Predicate[] = [match];
    const now = Date.now();
    if (body.show_expired !== true) extra.push((m) => !isExpired(m, now));
    if (Array.isArray(body.categories) && body.categories.length > 0) {
      const list = body.categories;
      extra.push((m) => m.categories.some((c) => list.includes(c)));
    }
    if (isObject(body.metadata)) {
      try {
        extra.push(compileMetadata(body.metadata));
      } catch (error) {
        if (error instanceof FilterError)
          throw new HttpError(400, { detail: error.message }, error.message);
        throw error;
      }
    }
    return and(extra);
  }

  function eventView(e: EventRecord, now: number): JsonObject {
    const done = now >= e.completesAt;
    return {
      id: e.id,
      event_type: e.type,
      status: done ? 'SUCCEEDED' : 'PENDING',
      payload: e.payload,
      metadata: null,
      results: done ? e.results : [],
      latency: done ? e.completesAt - e.createdAt : null,
      error: null,
      graph_status: null,
      created_at: iso(e.createdAt),
      updated_at: iso(done ? e.completesAt : e.createdAt),
      ...(done ? { started_at: iso(e.createdAt), completed_at: iso(e.completesAt) } : {}),
    };
  }

  function add({ body, now }: RouteContext): Answer {
    const b = body as JsonObject;
    const scope: Partial<Record<EntityField, string>> = {};
    for (const key of entityFields) if (typeof b[key] === 'string' && b[key]) scope[key] = b[key];
    if (Object.keys(scope).length === 0) {
      throw new HttpError(
        400,
        { detail: 'At least one of user_id, agent_id, app_id or run_id is required.' },
        'add without any entity id (user_id, agent_id, app_id, run_id)',
      );
    }
    const messages = b.messages as { role: string; content: string }[];
    const input = messages.filter((m) => m.role !== 'system');
    const createdAt = typeof b.timestamp === 'number' ? b.timestamp * 1000 : now;
    const common = {
      metadata: isObject(b.metadata) ? b.metadata : null,
      created_at: iso(createdAt),
      expiration_date: typeof b.expiration_date === 'string' ? b.expiration_date : null,
    };
    if (b.infer === false) {
      const results = input
        .filter((msg) => msg.content.trim() !== '')
        .map((msg) => {
          const m = createMemory({ ...common, ...scope, memory: msg.content, searchableAt: now });
          recordHistory(m, 'ADD', null, input, now);
          return { id: m.id, event: 'ADD', data: { memory: m.memory } };
        });
      return { status: 200, body: { message: 'Memories added successfully.', results } };
    }
    // Inferred facts belong to their speaker: the user's words to user_id, and the assistant's
    // only when no user_id is given. A record never carries both user_id and agent_id.
    const speaker =
      scope.user_id !== undefined ? 'user' : scope.agent_id !== undefined ? 'assistant' : 'user';
    const attribution: Partial<Record<EntityField, string>> = { ...scope };
    if (speaker === 'user') delete attribution.agent_id;
    else delete attribution.user_id;
    const owner = (m: StoredMemory) =>
      speaker === 'user' ? m.user_id === attribution.user_id : m.agent_id === attribution.agent_id;
    const searchableAt = now + processingDelayMs;
    const results: unknown[] = [];
    for (const msg of messages) {
      const text = msg.content.trim();
      if (msg.role !== speaker || text === '') continue;
      const duplicate = [...store.values()].some((m) => owner(m) && m.memory === text);
      if (duplicate) continue;
      const m = createMemory({ ...common, ...attribution, memory: text, searchableAt });
      recordHistory(m, 'ADD', null, input, now);
      results.push({ id: m.id, event: 'ADD', data: { memory: text }, ...attribution });
    }
    const event: EventRecord = {
      id: randomUUID(),
      type: 'ADD',
      payload: body,
      createdAt: now,
      completesAt: searchableAt,
      results,
    };
    events.set(event.id, event);
    return { status: 200, body: { event_id: event.id, status: 'PENDING' } };
  }

  function search({ body, now }: RouteContext): Answer {
    const b = body as JsonObject;
    const match = filtersFrom(b);
    const topK = typeof b.top_k === 'number' ? b.top_k : 10;
    const threshold = typeof b.threshold === 'number' ? b.threshold : 0.1;
    const query = embedText(String(b.query));
    const results = [...store.values()]
      .filter((m) => isLive(m, now) && match(m))
      .map((m) => ({ m, score: Math.min(1, Math.max(0, cosine(query, embedText(m.memory)))) }))
      .filter(({ score }) => score >= threshold)
      .sort((x, y) => y.score - x.score)
      .slice(0, topK)
      .map(({ m, score }) => pickFields(searchView(m, score), b.fields));
    return { status: 200, body: { results } };
  }

  function pageParam(
    query: URLSearchParams,
    body: JsonObject,
    name: string,
    max: number,
    fallback: number,
  ): number {
    const value = body[name];
    const raw =
      query.get(name) ??
      (value === undefined
        ? undefined
        : typeof value === 'string' || typeof value === 'number'
          ? String(value)
          : JSON.stringify(value));
    if (raw === undefined) return fallback;
    const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(n >= 1 && n <= max)) {
      const message = `${name} must be an integer between 1 and ${max} (got '${raw}')`;
      throw new HttpError(400, { detail: message }, message);
    }
    return n;
  }

  function list({ body, query, now }: RouteContext): Answer {
    const b = body as JsonObject;
    const page = pageParam(query, b, 'page', Number.MAX_SAFE_INTEGER, 1);
    const pageSize = pageParam(query, b, 'page_size', 200, 100);
    const match = filtersFrom(b);
    const start = typeof b.start_date === 'string' ? Date.parse(b.start_date) : -Infinity;
    const end = typeof b.end_date === 'string' ? Date.parse(b.end_date) + 86_400_000 : Infinity;
    const keywords = typeof b.keywords === 'string' ? b.keywords.toLowerCase() : undefined;
    const all = [...store.values()]
      .filter((m) => {
        if (!isLive(m, now) || !match(m)) return false;
        const created = Date.parse(m.created_at);
        if (created < start || created >= end) return false;
        return keywords === undefined || m.memory.toLowerCase().includes(keywords);
      })
      .reverse()
      .sort((x, y) => Date.parse(y.created_at) - Date.parse(x.created_at));
    const pageUrl = (p: number) => `${baseUrl}/v3/memories/?page=${p}&page_size=${pageSize}`;
    const offset = (page - 1) * pageSize;
    return {
      status: 200,
      body: {
        count: all.length,
        next: offset + pageSize < all.length ? pageUrl(page + 1) : null,
        previous:
          page > 1
            ? pageUrl(Math.min(page - 1, Math.max(1, Math.ceil(all.length / pageSize))))
            : null,
        results: all
          .slice(offset, offset + pageSize)
          .map((m) => pickFields(recordView(m), b.fields)),
      },
    };
  }

  function update({ params, body, now }: RouteContext): Answer {
    const m = liveMemory(params[0] ?? '', now);
    const b = body as JsonObject;
    const old = m.memory;
    if (typeof b.text === 'string') m.memory = b.text;
    if (isObject(b.metadata)) m.metadata = b.metadata;
    if (b.expiration_date !== undefined)
      m.expiration_date = (b.expiration_date as string | null) ?? null;
    m.updated_at = iso(now);
    recordHistory(m, 'UPDATE', old, [], now);
    return { status: 200, body: recordView(m) };
  }

  function deleteAll({ query, now }: RouteContext): Answer {
    const wanted = entityFields
      .map((key) => [key, query.get(key) ?? ''] as const)
      .filter(([, value]) => value !== '');
    if (wanted.length === 0) {
      throw new HttpError(
        400,
        {
          error:
            'At least one of user_id, agent_id, app_id or run_id is required to delete memories.',
        },
        'deleteAll without any entity filter (it would delete every memory)',
      );
    }
    const { event_id } = deleteMatching(
      (m) =>
        wanted.every(([key, value]) => (value === '*' ? m[key] !== undefined : m[key] === value)),
      now,
    );
    if (event_id === undefined)
      return { status: 200, body: { message: 'Memories deleted successfully!' } };
    return {
      status: 200,
      body: { message: 'Delete in progress. This may take some time.', event_id },
    };
  }

  function deleteEntity({ params, now }: RouteContext): Answer {
    const [type = '', id = ''] = params;
    if (!['user', 'agent', 'app', 'run'].includes(type)) {
      throw new HttpError(400, { message: 'Invalid entity type' }, `unknown entity type '${type}'`);
    }
    const key = `${type}_id` as EntityField;
    const result = deleteMatching((m) => m[key] === decodeURIComponent(id), now);
    return {
      status: 200,
      body: {
        message: 'Delete in progress. This may take some time.',
        event_id: result.event_id ?? randomUUID(),
      },
    };
  }

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/v1\/ping\/$/,
      template: '/v1/ping/',
      handle: () => ({
        status: 200,
        body: {
          status: 'ok',
          org_id: 'org-fake-mem0',
          project_id: 'proj-fake-mem0',
          user_email: 'tests@fake-mem0.local',
        },
      }),
    },
    {
      method: 'POST',
      pattern: /^\/v3\/memories\/add\/$/,
      template: '/v3/memories/add/',
      handle: add,
    },
    {
      method: 'POST',
      pattern: /^\/v3\/memories\/search\/$/,
      template: '/v3/memories/search/',
      handle: search,
    },
    { method: 'POST', pattern: /^\/v3\/memories\/$/, template: '/v3/memories/', handle: list },
    {
      method: 'GET',
      pattern: new RegExp(`^/v1/event/${segment}/$`),
      template: '/v1/event/{event_id}/',
      handle: ({ params, now }) => {
        const id = params[0] ?? '';
        requireUuid('event_id', id);
        const e = events.get(id);
        if (!e)
          throw new HttpError(404, {
            error: "Event not found or you don't have permission to access it.",
          });
        return { status: 200, body: eventView(e, now) };
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v1/memories/${segment}/history/$`),
      template: '/v1/memories/{memory_id}/history/',
      handle: ({ params }) => {
        const id = params[0] ?? '';
        requireUuid('memory_id', id);
        const entries = history.get(id);
        if (!entries) throw notFound();
        return { status: 200, body: entries };
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v1/memories/${segment}/$`),
      template: '/v1/memories/{memory_id}/',
      handle: ({ params, now }) => ({
        status: 200,
        body: recordView(liveMemory(params[0] ?? '', now)),
      }),
    },
    {
      method: 'PUT',
      pattern: new RegExp(`^/v1/memories/${segment}/$`),
      template: '/v1/memories/{memory_id}/',
      handle: update,
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/v1/memories/${segment}/$`),
      template: '/v1/memories/{memory_id}/',
      handle: ({ params, query, now }) => {
        const m = liveMemory(params[0] ?? '', now);
        remove(m.id, now);
        return {
          status: 200,
          body: {
            message: 'Memory deleted successfully!',
            ...(query.get('delete_linked') === 'true' ? { cascade_count: 0 } : {}),
          },
        };
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/v1\/memories\/$/,
      template: '/v1/memories/',
      handle: deleteAll,
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/v2/entities/${segment}/${segment}/$`),
      template: '/v2/entities/{entity_type}/{entity_id}/',
      handle: deleteEntity,
    },
    {
      method: 'DELETE',
      pattern: /^\/v1\/batch\/$/,
      template: '/v1/batch/',
      handle: ({ body, now }) => {
        const ids = ((body as JsonObject).memories as { memory_id: string }[]).map(
          (x) => x.memory_id,
        );
        const found = ids.filter((id) => {
          const m = store.get(id);
          return m !== undefined && isLive(m, now);
        });
        for (const id of found) remove(id, now);
        return { status: 200, body: { message: `Successfully deleted ${found.length} memories` } };
      },
    },
    {
      method: 'PUT',
      pattern: /^\/v1\/batch\/$/,
      template: '/v1/batch/',
      handle: ({ body, now }) => {
        const items = (body as JsonObject).memories as {
          memory_id: string;
          text?: string;
          metadata?: JsonObject;
        }[];
        let count = 0;
        for (const item of items) {
          const m = store.get(item.memory_id);
          if (!m || !isLive(m, now)) continue;
          const old = m.memory;
          if (item.text !== undefined) m.memory = item.text;
          if (item.metadata !== undefined) m.metadata = item.metadata;
          m.updated_at = iso(now);
          recordHistory(m, 'UPDATE', old, [], now);
          count++;
        }
        return { status: 200, body: { message: `Successfully updated ${count} memories` } };
      },
    },
  ];

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  function takeFailure(method: string, path: string): FailRule | undefined {
    const index = failRules.findIndex(
      (r) =>
        (r.method === undefined || r.method.toUpperCase() === method) &&
        (r.path === undefined ||
          (typeof r.path === 'string' ? r.path === path : r.path.test(path))),
    );
    const rule = failRules[index];
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) failRules.splice(index, 1);
    return rule;
  }

  function latencyFor(path: string): number {
    for (const { ms, path: pattern } of latencyRules.values()) if (pattern.test(path)) return ms;
    return defaultLatency;
  }

  async function answer(
    req: IncomingMessage,
    method: string,
    path: string,
    raw: string,
  ): Promise<Answer> {
    const ms = latencyFor(path);
    if (ms > 0) await sleep(ms);
    const failure = takeFailure(method, path);
    if (failure) {
      return {
        status: failure.status,
        body: { detail: `Injected failure ${failure.status} (FakeMem0.failNext)` },
      };
    }
    if (req.headers.authorization !== `Token ${apiKey}`) {
      return { status: 401, body: { detail: 'Invalid API key' } };
    }
    let body: unknown;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch (error) {
        const message = `JSON parse error - ${(error as Error).message}`;
        throw new HttpError(400, { detail: message }, `${method} ${path}: ${message}`);
      }
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    for (const route of routes) {
      const found = route.method === method ? route.pattern.exec(path) : null;
      if (!found) continue;
      const now = Date.now();
      purge(now);
      if (raw !== '' || bodyRequired(method, route.template)) {
        const problem = specErrors(method, route.template, body);
        if (problem) throw new HttpError(400, { detail: problem }, `${method} ${path}: ${problem}`);
      }
      return route.handle({
        method,
        path,
        params: found.slice(1),
        query: url.searchParams,
        body,
        now,
      });
    }
    const message = `not emulated by FakeMem0: ${method} ${path}`;
    throw new HttpError(404, { detail: message }, message);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers))
      headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const record: Mem0RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: undefined,
      at,
      status: 0,
    };
    if (unreachable) {
      requests.push(record);
      req.socket.destroy();
      return;
    }
    let result: Answer;
    try {
      const raw = await readBody(req);
      try {
        record.body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        record.body = raw;
      }
      result = await answer(req, method, url.pathname, raw);
    } catch (error) {
      if (error instanceof HttpError) {
        if (error.violation !== undefined) violations.push(error.violation);
        result = { status: error.status, body: error.body };
      } else {
        const message = `FakeMem0 internal error on ${method} ${url.pathname}: ${(error as Error).stack ?? String(error)}`;
        violations.push(message);
        result = { status: 500, body: { detail: message } };
      }
    }
    if (closed || unreachable) {
      record.status = 0;
      requests.push(record);
      req.socket.destroy();
      return;
    }
    record.status = result.status;
    requests.push(record);
    const text = JSON.stringify(result.body);
    res.writeHead(result.status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      violations.push(`FakeMem0 failed to answer: ${String(error)}`);
      req.socket.destroy();
    });
  });
  server.on('connection', (socket) => {
    if (unreachable) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    port,
    requests,
    violations,
    memories(userId) {
      purge(Date.now());
      return [...store.values()]
        .filter((m) => userId === undefined || m.user_id === userId)
        .map((m) => ({ ...m }));
    },
    seed({ userId, text, metadata, agentId, runId, createdAt }) {
      const now = Date.now();
      const created = createdAt === undefined ? now : new Date(createdAt).getTime();
      const m = createMemory({
        memory: text,
        user_id: userId,
        ...(agentId === undefined ? {} : { agent_id: agentId }),
        ...(runId === undefined ? {} : { run_id: runId }),
        metadata: metadata ?? null,
        created_at: iso(created),
        searchableAt: now,
        expiration_date: null,
      });
      recordHistory(m, 'ADD', null, [{ role: 'user', content: text }], now);
      return { ...m };
    },
    failNext(rule) {
      failRules.push({ ...rule, remaining: rule.count ?? 1 });
    },
    setLatency(ms, path) {
      if (path === undefined) defaultLatency = ms;
      else if (ms > 0) latencyRules.set(`${path.source}/${path.flags}`, { ms, path });
      else latencyRules.delete(`${path.source}/${path.flags}`);
    },
    setUnreachable(value) {
      unreachable = value;
      if (value) server.closeIdleConnections();
    },
    waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 2000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      return new Promise<T>((resolve, reject) => {
        const poll = () => {
          let value: T | undefined | false;
          try {
            value = predicate();
          } catch (error) {
            reject(
              error instanceof Error
                ? error
                : new Error(`FakeMem0.waitFor: the predicate threw ${inspect(error)}`, {
                    cause: error,
                  }),
            );
            return;
          }
          if (value !== undefined && value !== false && value !== null) {
            resolve(value);
          } else if (Date.now() >= deadline) {
            reject(new Error(`FakeMem0.waitFor: condition not met within ${timeoutMs} ms`));
          } else {
            setTimeout(poll, 5);
          }
        };
        poll();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
