import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createKeyedPacer } from '../../src/limits/keyed-pacer.js';
import { createRateGate } from '../../src/limits/rate-gate.js';

// Real timers, kept short: the limiters keep an exact clock, and these delays are tens of ms.
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
  it('admits background jobs only when no foreground job waits', async () => {
    const gate = createRateGate({
      requestsPerMinute: 60_000,
      maxConcurrent: 1,
      noticeAfterMs: 1_000,
    });
    const order: string[] = [];
    const job = (name: string) => async () => {
      order.push(name);
      await sleep(10);
    };

    await Promise.all([
      gate.schedule(job('first')),
      gate.schedule(job('memory 1'), undefined, { background: true }),
      gate.schedule(job('memory 2'), undefined, { background: true }),
      gate.schedule(job('answer')),
    ]);

    expect(order).toEqual(['first', 'answer', 'memory 1', 'memory 2']);
  });

  it('keeps even spacing under a long line, so that the limit is used in full', async () => {
    const gate = createRateGate({
      requestsPerMinute: 3_000,
      maxConcurrent: 50,
      noticeAfterMs: 10_000,
    });
    const jobs = recorder();

    await Promise.all(Array.from({ length: 20 }, (_, n) => gate.schedule(jobs.job(n, 5))));

    // 19 gaps of 20.2 ms (20 ms plus 1% headroom): no drift beyond timer granularity.
    const span = (jobs.starts.at(-1) ?? 0) - (jobs.starts[0] ?? 0);
    expect(span).toBeGreaterThanOrEqual(19 * 20.2 - toleranceMs);
    expect(span).toBeLessThan(19 * 20.2 + 40);
  });
});

describe('createKeyedPacer', () => {
  it('runs one key’s jobs in order: a burst of two, then minIntervalMs apart', async () => {
    const pacer = createKeyedPacer({ minIntervalMs: 60 });
    const jobs = recorder();

    const results = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((v) => pacer.run('channel-1', jobs.job(v))),
    );

    expect(results).toEqual(['a', 'b', 'c', 'd', 'e']);
    const [first, ...rest] = gaps(jobs.starts);
    expect(first).toBeLessThan(30);
    for (const gap of rest) expect(gap).toBeGreaterThanOrEqual(60 - toleranceMs);
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

  it('forgets a key once it has been idle long enough for a full bucket', async () => {
    const pacer = createKeyedPacer({ minIntervalMs: 20 });
    const jobs = recorder();
    await pacer.run('channel-1', jobs.job('a'));
    await pacer.run('channel-1', jobs.job('b'));
    await sleep(60);

    // A fresh key gets its full burst again: two jobs back to back.
    await Promise.all(['c', 'd'].map((v) => pacer.run('channel-1', jobs.job(v))));
    const gap = (jobs.starts[3] ?? 0) - (jobs.starts[2] ?? 0);
    expect(gap).toBeLessThan(10);
  });
});
