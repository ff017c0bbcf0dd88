import { describe, expect, it } from 'vitest';
import {
  formatMemoryStoreTable,
  quickMemoryStoreBenchOptions,
  runMemoryStoreBench,
} from '../bench/memory-store.js';

/** Every number in a JSON value, with its path. */
function numbersIn(value: unknown, path = ''): Array<[string, unknown]> {
  if (typeof value === 'number') return [[path, value]];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => numbersIn(inner, `${path}.${key}`));
}

describe('memory store benchmark', () => {
  it('measures the stock, indexed and pgvector stores at quick sizes and reports every figure as a finite number', async () => {
    const lines: string[] = [];
    const result = await runMemoryStoreBench({
      ...quickMemoryStoreBenchOptions,
      log: (line) => lines.push(line),
    });

    expect(result.options).toEqual({
      sizes: quickMemoryStoreBenchOptions.sizes,
      users: quickMemoryStoreBenchOptions.users,
      searches: quickMemoryStoreBenchOptions.searches,
    });
    expect(result.runs.map((r) => [r.store, r.size])).toEqual([
      ['indexed', 200],
      ['pgvector', 200],
      ['stock', 200],
    ]);
    for (const run of result.runs) {
      expect(Object.keys(run).sort()).toEqual(
        [
          'connectionResets',
          'entities',
          'eventLoopLagP99Ms',
          'memories',
          'memoryAddMs',
          'memorySearchMs',
          'populateMs',
          'probeSearchP50Ms',
          'samples',
          'size',
          'store',
          'storeSearchMs',
        ].sort(),
      );
      expect(run.memories).toBeGreaterThan(run.size);
      expect(run.samples.memorySearch).toBeGreaterThan(0);
    }
    const figures = numbersIn({ runs: result.runs, goal: result.goal });
    expect(figures.length).toBeGreaterThan(30);
    for (const [path, value] of figures) {
      expect(Number.isFinite(value), path).toBe(true);
      expect(value as number, path).toBeGreaterThanOrEqual(0);
    }
    expect(typeof result.goal.met).toBe('boolean');
    const table = formatMemoryStoreTable(result);
    expect(table).toContain('Memory.search');
    expect(table).toMatch(/^\s+300 indexed/m);
    expect(table).toMatch(/^\s+300 pgvector/m);
    expect(table).toMatch(/^\s+300 stock/m);
    expect(lines.length).toBeGreaterThan(0);
  }, 120_000);
});
