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
});
