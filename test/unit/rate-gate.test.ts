import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createKeyedPacer, createRateGate } from '../../src/limits/bottleneck-limits.js';

// Real timers, kept short: bottleneck keeps its own clock, and these delays are tens of ms.
// Timers may fire a little early or late, so spacing is checked with a small tolerance.
const toleranceMs = 5;

/** A job that records when it starts and ends, and how many jobs ran at once. */
function recorder() {
  const starts: number[] = [];
  let running = 0;
  let mostRunning = 0;
  return {
    starts,
    mostRunning: () => mostRunning,
    job<T>(value: T, durationMs = 0) {
      return async () => {
        starts.push(performance.now());
        running++;
        mostRunning = Math.max(mostRunning, running);
        await sleep(durationMs);
        running--;
        return value;
      };
    },
  };
}

function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((time, i) => time - (times[i] ?? time));
}

describe('createRateGate', () => {
  it('spaces starts evenly at 60 s / requestsPerMinute', async () => {
    const gate = createRateGate({
      requestsPerMinute: 600,
      maxConcurrent: 10,
      noticeAfterMs: 1_000,
    });
    const jobs = recorder();

    await Promise.all([1, 2, 3, 4].map((n) => gate.schedule(jobs.job(n))));

    expect(jobs.starts).toHaveLength(4);
    for (const gap of gaps(jobs.starts)) expect(gap).toBeGreaterThanOrEqual(100 - toleranceMs);
  });

  it('gives each job its own result, in the order they were scheduled', async () => {
    const gate = createRateGate({
      requestsPerMinute: 6_000,
      maxConcurrent: 2,
      noticeAfterMs: 1_000,
    });
    const jobs = recorder();

    const results = await Promise.all(['a', 'b', 'c'].map((v) => gate.schedule(jobs.job(v, 5))));

    expect(results).toEqual(['a', 'b', 'c']);
  });

  it('never runs more than maxConcurrent jobs at once', async () => {
    const gate = createRateGate({
      requestsPerMinute: 60_000,
      maxConcurrent: 2,
      noticeAfterMs: 1_000,
    });
    const jobs = recorder();

    await Promise.all([1, 2, 3, 4, 5].map((n) => gate.schedule(jobs.job(n, 40))));

    expect(jobs.mostRunning()).toBe(2);
  });

  it('passes on a failing job’s error to its caller only', async () => {
    const gate = createRateGate({
      requestsPerMinute: 60_000,
      maxConcurrent: 1,
      noticeAfterMs: 1_000,
    });
    const jobs = recorder();

    const failing = gate.schedule(() => Promise.reject(new Error('quota')));
    const fine = gate.schedule(jobs.job('ok'));

    await expect(failing).rejects.toThrow('quota');
    await expect(fine).resolves.toBe('ok');
  });

  it('tells waiting jobs their place in line once the notice delay has passed', async () => {
    const gate = createRateGate({ requestsPerMinute: 60_000, maxConcurrent: 1, noticeAfterMs: 20 });
    const jobs = recorder();
    const places: Array<[string, number]> = [];

    const all = [
      gate.schedule(jobs.job('running', 150), (place) => places.push(['running', place])),
      gate.schedule(jobs.job('first waiting'), (place) => places.push(['first waiting', place])),
      gate.schedule(jobs.job('second waiting'), (place) => places.push(['second waiting', place])),
    ];
    await sleep(80);
    expect(gate.waiting()).toBe(2);
    await Promise.all(all);

    expect(places).toEqual([
      ['first waiting', 1],
      ['second waiting', 2],
    ]);
    expect(gate.waiting()).toBe(0);
  });

  it('does not tell a job admitted before the notice delay about a line', async () => {
    const gate = createRateGate({ requestsPerMinute: 60_000, maxConcurrent: 1, noticeAfterMs: 50 });
    const places: number[] = [];

    await gate.schedule(
      async () => 'done',
      (place) => places.push(place),
    );
    await sleep(80);

    expect(places).toEqual([]);
  });
});

describe('createKeyedPacer', () => {
  it('runs one key’s jobs in order, at least minIntervalMs apart', async () => {
    const pacer = createKeyedPacer({ minIntervalMs: 60 });
    const jobs = recorder();

    const results = await Promise.all(
      ['a', 'b', 'c'].map((v) => pacer.run('channel-1', jobs.job(v))),
    );

    expect(results).toEqual(['a', 'b', 'c']);
    for (const gap of gaps(jobs.starts)) expect(gap).toBeGreaterThanOrEqual(60 - toleranceMs);
  });

  it('runs one key’s jobs one at a time', async () => {
    const pacer = createKeyedPacer({ minIntervalMs: 1 });
    const jobs = recorder();

    await Promise.all([1, 2, 3].map((n) => pacer.run('channel-1', jobs.job(n, 30))));

    expect(jobs.mostRunning()).toBe(1);
  });

  it('does not make one key wait for another', async () => {
    const pacer = createKeyedPacer({ minIntervalMs: 200 });
    const jobs = recorder();

    const began = performance.now();
    await Promise.all(['a', 'b', 'c'].map((key) => pacer.run(key, jobs.job(key))));

    for (const start of jobs.starts) expect(start - began).toBeLessThan(100);
  });
});
