// mem0 open source's filter language, ported from its stock 'memory' vector store
// (`MemoryVectorStore` in mem0ai 3.3.1) so that our indexed store answers exactly as it does, and
// the split of a filter into what SQL can decide on indexed columns and what is left for JS.

/** A memory's payload as mem0 stores it. */
export type Payload = Record<string, unknown>;

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

/** {@link matchesFilters} for a filter given as its entries (a {@link FilterPlan}'s residual). */
export function matchesFilterEntries(
  payload: Payload,
  entries: ReadonlyArray<[string, unknown]>,
): boolean {
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
