import { describe, expect, it } from 'vitest';
import type { QueueDepths } from '../../src/ops/metrics.js';
import {
  cachedProbe,
  queueBoundsFor,
  queuesWithin,
  runReadinessChecks,
} from '../../src/ops/readiness.js';

const never = () => new Promise<never>(() => {});

describe('readiness checks', () => {
  it('names the failing checks in order, a throwing or hanging one among them', async () => {
    const report = await runReadinessChecks(
      {
        gateway: () => true,
        memory: () => {
          throw new Error('down');
        },
        queues: never,
        other: async () => false,
      },
      20,
    );

    expect(report).toEqual({
      ready: false,
      checks: { gateway: true, memory: false, queues: false, other: false },
      failing: ['memory', 'queues', 'other'],
    });
  });

  it('is ready when every check passes', async () => {
    const report = await runReadinessChecks({ a: () => true, b: async () => true }, 20);
    expect(report).toEqual({ ready: true, checks: { a: true, b: true }, failing: [] });
  });
});

describe('a cached probe', () => {
  it('makes one call for a storm of requests, and reuses its result until it is stale', async () => {
    let now = 0;
    let calls = 0;
    const check = cachedProbe({
      probe: async () => {
        calls++;
      },
      timeoutMs: 100,
      cacheMs: 5_000,
      now: () => now,
    });

    const storm = await Promise.all(Array.from({ length: 20 }, async () => check()));
    now = 4_999;
    const stillCached = await check();
    now = 5_000;
    await check();

    expect(storm.every((ok) => ok)).toBe(true);
    expect(stillCached).toBe(true);
    expect(calls).toBe(2);
  });

  it('fails when the probe rejects or outlasts its timeout', async () => {
    const rejecting = cachedProbe({
      probe: () => Promise.reject(new Error('ECONNREFUSED')),
      timeoutMs: 100,
      cacheMs: 0,
    });
    const hanging = cachedProbe({ probe: never, timeoutMs: 20, cacheMs: 0 });

    expect(await rejecting()).toBe(false);
    expect(await hanging()).toBe(false);
  });
});

describe('queue bounds', () => {
  const depths = (memoryWrites: number, geminiWaiting: number): QueueDepths => ({
    activePeople: 1,
    geminiWaiting,
    memoryWrites: { depth: memoryWrites, oldestAgeMs: undefined, inFlight: 0, deadLetters: 0 },
  });
  const bounds = queueBoundsFor({ geminiRequestsPerMinute: 10 });

  it('allows five minutes of answers in line for Gemini and a thousand memory writes waiting', () => {
    expect(bounds).toEqual({ maxMemoryWritesWaiting: 1_000, maxGeminiWaiting: 50 });
    expect(queuesWithin(depths(999, 49), bounds)).toBe(true);
    expect(queuesWithin(depths(1_000, 0), bounds)).toBe(false);
    expect(queuesWithin(depths(0, 50), bounds)).toBe(false);
  });

  it('fails when the queues cannot be read', () => {
    expect(queuesWithin(undefined, bounds)).toBe(false);
  });
});
