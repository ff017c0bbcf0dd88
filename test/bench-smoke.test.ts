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

/** Every number in a JSON value, with its path. */
function numbersIn(value: unknown, path = ''): Array<[string, unknown]> {
  if (value === null || typeof value !== 'object') return [[path, value]];
  return Object.entries(value).flatMap(([key, inner]) => numbersIn(inner, `${path}.${key}`));
}

describe('benchmark', () => {
  it('runs at quick sizes and writes every figure as a positive finite number', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wellness0-bench-smoke-'));
    const out = join(dir, 'nested', 'latest.json');
    const lines: string[] = [];
    await runBench({ ...quickOptions, out }, (line) => lines.push(line));

    const written = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(written).sort()).toEqual(
      [
        'botOverheadOverLimitP50Ms',
        'footprint',
        'options',
        'replyLatencyMs',
        'tutorialOverBotFirstTextP50',
        'tutorialStepsP50Ms',
      ].sort(),
    );
    expect(Object.keys(written.replyLatencyMs as object).sort()).toEqual(
      ['botFinalText', 'botFirstText', 'limitFinalText', 'limitFirstText', 'tutorial'].sort(),
    );
    expect(Object.keys(written.footprint as object).sort()).toEqual(
      [
        'appStartMs',
        'eventLoopLagP99Ms',
        'rssIdleMb',
        'rssPeakMb',
        'standInsStartMs',
        'startHarnessMs',
      ].sort(),
    );
    const { options, ...figures } = written;
    expect(options).toMatchObject({ messages: quickOptions.messages, out });
    for (const [path, value] of numbersIn(figures)) {
      expect(typeof value, path).toBe('number');
      expect(Number.isFinite(value), path).toBe(true);
      expect(value as number, path).toBeGreaterThan(0);
    }
    expect(lines.join('\n')).toContain('bot: first text');
  }, 60_000);
});
