import { describe, expect, it } from 'vitest';
import {
  matchesFilters,
  normalizePayload,
  type Payload,
  planFilters,
} from '../../src/memory/mem0-filters.js';

describe('planFilters', () => {
  it('turns equality on user_id, run_id and agent_id into SQL', () => {
    expect(planFilters({ user_id: 'u1', run_id: { eq: 'dm' }, agent_id: ['a', 'b'] })).toEqual({
      clauses: ['user_id = ?', 'run_id = ?', 'agent_id IN (?, ?)'],
      params: ['u1', 'dm', 'a', 'b'],
      residual: [],
    });
  });

  it('leaves wildcards, other operators and other keys to be checked in JS', () => {
    const filters = {
      user_id: '*',
      run_id: { ne: 'dm', in: ['dm'] },
      agent_id: [null],
      topic: 'x',
      $or: [{ user_id: 'u1' }],
    };
    expect(planFilters(filters)).toEqual({
      clauses: [],
      params: [],
      residual: Object.entries(filters),
    });
  });

  it('plans nothing for no filters', () => {
    expect(planFilters(undefined)).toEqual({ clauses: [], params: [], residual: [] });
  });

  // Each row: one condition on user_id, and the SQL it becomes (undefined: left to JS).
  const conditions: Array<[string, unknown, { clause: string; params: string[] } | undefined]> = [
    ['a string', 'u1', { clause: 'user_id = ?', params: ['u1'] }],
    ['a one-string list', ['u1'], { clause: 'user_id = ?', params: ['u1'] }],
    ['a list of strings', ['u1', 'u2'], { clause: 'user_id IN (?, ?)', params: ['u1', 'u2'] }],
    ['eq of a string', { eq: 'u1' }, { clause: 'user_id = ?', params: ['u1'] }],
    ['in of strings', { in: ['u1', 'u2'] }, { clause: 'user_id IN (?, ?)', params: ['u1', 'u2'] }],
    // The stock store tests eq before in, so eq decides when both are given.
    ['eq beside in', { in: ['u1'], eq: 'u2' }, { clause: 'user_id = ?', params: ['u2'] }],
    ['the wildcard', '*', undefined],
    ['an empty list', [], undefined],
    ['a list with a number', ['u1', 2], undefined],
    ['a number', 5, undefined],
    ['null', null, undefined],
    ['eq of a number', { eq: 5 }, undefined],
    ['in of an empty list', { in: [] }, undefined],
    ['in of something not a list', { in: 'u1' }, undefined],
    ['ne', { ne: 'u1' }, undefined],
    ['gt before in', { gt: 'a', in: ['u1'] }, undefined],
    ['contains', { contains: 'u' }, undefined],
    ['an unknown operator', { like: 'u%' }, undefined],
  ];
  it.each(conditions)('plans user_id given %s', (_name, value, expected) => {
    const plan = planFilters({ user_id: value });
    if (expected === undefined) {
      expect(plan).toEqual({ clauses: [], params: [], residual: [['user_id', value]] });
    } else {
      expect(plan).toEqual({ clauses: [expected.clause], params: expected.params, residual: [] });
    }
  });

  it.each(['topic', 'userId', 'actor_id', '$and', 'AND'])(
    'leaves a condition on %s to JS even when it is a plain string',
    (key) => {
      expect(planFilters({ [key]: 'u1' }).residual).toEqual([[key, 'u1']]);
    },
  );
});

describe('matchesFilters', () => {
  it('applies the first spelling of a logical operator and ignores the second', () => {
    const filters = { $or: [{ run_id: 'dm' }], OR: [{ run_id: 'guild-1' }] };
    expect(matchesFilters({ run_id: 'dm' }, filters)).toBe(true);
    expect(matchesFilters({ run_id: 'guild-1' }, filters)).toBe(false);
  });

  it('rejects a logical operator without a list, as the stock store does', () => {
    expect(() => matchesFilters({}, { AND: { user_id: 'u1' } })).toThrow(
      'AND filter value must be a list of filter dicts, got object',
    );
  });

  // Each row: what it shows, a payload, a filter, and whether the payload passes it.
  const table: Array<[string, Payload, unknown, boolean]> = [
    ['no filters pass anything', { a: 1 }, undefined, true],
    ['empty filters pass anything', { a: 1 }, {}, true],
    ['equality passes the same value', { run_id: 'dm' }, { run_id: 'dm' }, true],
    ['equality refuses another value', { run_id: 'dm' }, { run_id: 'guild-1' }, false],
    ['equality is strict', { n: 1 }, { n: '1' }, false],
    ['the wildcard passes a missing key', {}, { topic: '*' }, true],
    ['a list passes a value in it', { run_id: 'terminal' }, { run_id: ['dm', 'terminal'] }, true],
    ['a list refuses a value not in it', { run_id: 'guild-1' }, { run_id: ['dm'] }, false],
    ['eq passes the same value', { n: 3 }, { n: { eq: 3 } }, true],
    ['ne refuses the same value', { n: 3 }, { n: { ne: 3 } }, false],
    ['ne passes a missing key', {}, { n: { ne: 3 } }, true],
    ['gt refuses the bound', { n: 5 }, { n: { gt: 5 } }, false],
    ['gte passes the bound', { n: 5 }, { n: { gte: 5 } }, true],
    ['lt passes a smaller value', { n: 5 }, { n: { lt: 6 } }, true],
    ['lte refuses a bigger value', { n: 5 }, { n: { lte: 4 } }, false],
    ['in passes a listed value', { a: 'x' }, { a: { in: ['x', 'y'] } }, true],
    ['in of something not a list refuses', { a: 'x' }, { a: { in: 'x' } }, false],
    ['nin refuses a listed value', { a: 'x' }, { a: { nin: ['x'] } }, false],
    ['nin of something not a list passes', { a: 'x' }, { a: { nin: 'x' } }, true],
    ['contains is case-sensitive', { data: 'I like tea' }, { data: { contains: 'Tea' } }, false],
    ['contains passes a substring', { data: 'I like tea' }, { data: { contains: 'tea' } }, true],
    ['icontains ignores case', { data: 'I like tea' }, { data: { icontains: 'TEA' } }, true],
    ['contains refuses what is not text', { n: 15 }, { n: { contains: '5' } }, false],
    ['the first operator present decides', { n: 1 }, { n: { ne: 1, eq: 1 } }, true],
    ['an unknown operator passes nothing', { a: 1 }, { a: { like: 1 } }, false],
    ['every key must hold', { a: 1, b: 2 }, { a: 1, b: 3 }, false],
    ['AND passes when all hold', { a: 1, b: 2 }, { AND: [{ a: 1 }, { b: 2 }] }, true],
    ['$and refuses when one fails', { a: 1, b: 3 }, { $and: [{ a: 1 }, { b: 2 }] }, false],
    ['OR passes when one holds', { a: 2 }, { OR: [{ a: 1 }, { a: 2 }] }, true],
    ['$or refuses when none holds', { a: 3 }, { $or: [{ a: 1 }, { a: 2 }] }, false],
    ['NOT refuses when any holds', { a: 1 }, { NOT: [{ a: 1 }, { b: 2 }] }, false],
    ['$not passes when none holds', { a: 3, b: 3 }, { $not: [{ a: 1 }, { b: 2 }] }, true],
    ['an empty AND passes', { a: 1 }, { AND: [] }, true],
    ['an empty OR refuses', { a: 1 }, { OR: [] }, false],
    ['logical operators nest', { a: 1, b: 2 }, { OR: [{ AND: [{ a: 1 }, { b: 2 }] }] }, true],
    ['a key beside a logical operator must hold too', { a: 1 }, { a: 2, OR: [{ a: 1 }] }, false],
  ];
  it.each(table)('%s', (_name, payload, filters, expected) => {
    expect(matchesFilters(payload, filters)).toBe(expected);
  });
});

describe('normalizePayload', () => {
  const table: Array<[string, Payload, Payload]> = [
    [
      'renames camelCase scope keys',
      { userId: 'u', runId: 'r', agentId: 'a' },
      { user_id: 'u', run_id: 'r', agent_id: 'a' },
    ],
    [
      'keeps the snake_case key when both are there',
      { userId: 'x', user_id: 'u' },
      { userId: 'x', user_id: 'u' },
    ],
    ['leaves other keys alone', { data: 'tea', actorId: 'b' }, { data: 'tea', actorId: 'b' }],
  ];
  it.each(table)('%s', (_name, payload, expected) => {
    expect(normalizePayload({ ...payload })).toEqual(expected);
  });
});
