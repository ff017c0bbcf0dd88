import { describe, expect, it } from 'vitest';
import { formatTokenBudgetTable, runTokenBudgetBench } from '../bench/token-budget.js';

/** Every leaf of a JSON value, with its path. */
function leavesIn(value: unknown, path = ''): Array<[string, unknown]> {
  if (value === null || typeof value !== 'object') return [[path, value]];
  return Object.entries(value).flatMap(([key, inner]) => leavesIn(inner, `${path}.${key}`));
}

describe('token budget benchmark', () => {
  it('runs at tiny sizes, batching off and on, and reports every figure as a finite number', async () => {
    const lines: string[] = [];
    const result = await runTokenBudgetBench({
      users: 2,
      turns: 3,
      batchWindowMs: 300,
      log: (line) => lines.push(line),
    });

    expect(result.options).toEqual({ users: 2, turns: 3, batchWindowMs: 300 });
    expect(result.estimate).toBe('chars/4');
    for (const run of [result.batchingOff, result.batchingOn]) {
      expect(Object.keys(run.chatPrompt).sort()).toEqual(
        [
          'bot',
          'byTurn',
          'cachedTokensPercent',
          'growthPerTurnInLastThird',
          'prefixRepeatedPercent',
          'wholeConversation',
          'wholeConversationOverBot',
        ].sort(),
      );
      expect(run.chatPrompt.byTurn.map((entry) => entry.turn)).toEqual([1, 2, 3]);
      // Every exchange reached mem0's extraction, whether batched or not.
      expect(run.memoryWrites.userTurns).toBe(6);
      expect(run.memoryWrites.exchangesWritten).toBe(6);
      for (const [path, value] of leavesIn(run)) {
        expect(typeof value, path).toBe('number');
        expect(Number.isFinite(value), path).toBe(true);
      }
    }
    expect(result.batchingOff.memoryWrites.extractionCalls).toBe(6);
    expect(result.batchingOn.memoryWrites.extractionCalls).toBeLessThanOrEqual(6);
    expect(lines.join('\n')).toBe(formatTokenBudgetTable(result));
    expect(lines.join('\n')).toContain('≈ tokens (chars/4)');
    expect(lines.join('\n')).toContain('mem0 extraction calls');
  }, 60_000);
});
