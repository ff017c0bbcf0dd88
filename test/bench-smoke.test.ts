import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { quickOptions, runBench } from '../bench/run.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Every leaf of a JSON value, with its path. */
function leavesIn(value: unknown, path = ''): Array<[string, unknown]> {
  if (value === null || typeof value !== 'object') return [[path, value]];
  return Object.entries(value).flatMap(([key, inner]) => leavesIn(inner, `${path}.${key}`));
}

describe('benchmark', () => {
  it('runs every section at quick sizes and writes each figure as a finite number', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wellness0-bench-smoke-'));
    const out = join(dir, 'nested', 'latest.json');
    const lines: string[] = [];
    await runBench({ ...quickOptions, out }, (line) => lines.push(line));

    const written = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(written).sort()).toEqual(
      [
        'footprint',
        'limiters',
        'memoryShare',
        'memoryStore',
        'options',
        'replyLatency',
        'sectionSeconds',
        'throughput',
        'tokenBudget',
      ].sort(),
    );
    const { options, ...figures } = written;
    expect(options).toMatchObject({ out });
    for (const [path, value] of leavesIn(figures)) {
      if (typeof value === 'string' || typeof value === 'boolean') continue;
      expect(typeof value, path).toBe('number');
      expect(Number.isFinite(value), path).toBe(true);
    }
    const throughput = written.throughput as { answeredExactlyOnce: boolean; turns: number };
    expect(throughput.answeredExactlyOnce).toBe(true);
    expect(throughput.turns).toBeGreaterThan(0);
    const printed = lines.join('\n');
    for (const heading of [
      'Footprint',
      'Reply latency',
      'Throughput',
      'Memory share',
      'memory store',
      'token budget',
      'Limiters',
    ]) {
      expect(printed).toContain(heading);
    }
  }, 180_000);
});
