import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { yieldWithoutTimerMinimum } from '../../src/limits/bottleneck-limiters.js';

describe('the bottleneck seam', () => {
  it('still finds the local datastore’s yieldLoop that the limiters speed up', () => {
    expect(yieldWithoutTimerMinimum()).toBe(true);
    const localDatastore = createRequire(import.meta.url)('bottleneck/lib/LocalDatastore.js') as {
      prototype: { yieldLoop: { name: string } };
    };
    expect(localDatastore.prototype.yieldLoop.name).toBe('yieldLoop');
  });

  it('still finds the limiter’s _run(index, job, wait) whose start without a wait is sped up', async () => {
    const { default: Bottleneck } = await import('bottleneck');
    const run = (Bottleneck.prototype as unknown as { _run: { name: string; length: number } })
      ._run;
    expect(run.name).toBe('run');
    expect(run.length).toBe(3);
  });
});
