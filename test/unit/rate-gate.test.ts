import { describe, expect, it } from 'vitest';
import {
  createRateGate as createGate,
  type GateWait,
  type RateGateOptions,
} from '../../src/limits/rate-gate.js';
import { createManualClock, type ManualClock } from '../fakes/manual-clock.js';
import { createSpacedPacer } from '../fakes/spaced-pacer.js';
import { maxInWindow } from '../helpers/max-in-window.js';

// The gate's choices run on a manual clock, with a pacer spacing starts as bottleneck's minTime
// does: spacing is exact, and no test waits for real time. bottleneck's own pace is tested
// against the real limiter in bottleneck-limiters.test.ts.

/** The gate in front of a manual-clock pacer of `requestsPerMinute` and `maxConcurrent`. */
function createRateGate(
  options: Omit<RateGateOptions, 'pacer' | 'clock'> & { maxConcurrent: number; clock: ManualClock },
) {
  return createGate({ ...options, pacer: createSpacedPacer(options) });
}

/** A job that records when it starts (on `clock`) and how many jobs ran at once. */
function recorder(clock: ManualClock) {
  const starts: number[] = [];
  let running = 0;
  let mostRunning = 0;
  return {
    starts,
    mostRunning: () => mostRunning,
    job<T>(value: T, durationMs = 0) {
      return async () => {
        starts.push(clock.now());
        running++;
        mostRunning = Math.max(mostRunning, running);
        await clock.sleep(durationMs);
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
  it('spaces starts evenly at 60 s / requestsPerMinute, plus 1% headroom', async () => {
    const clock = createManualClock();
    const gate = createRateGate({
      requestsPerMinute: 600,
      maxConcurrent: 10,
      noticeAfterMs: 1_000,
      clock,
    });
    const jobs = recorder(clock);

    await clock.run(Promise.all([1, 2, 3, 4].map((n) => gate.schedule(jobs.job(n)))));

    expect(jobs.starts).toHaveLength(4);
    // 101 ms, rounded up to whole milliseconds from the exact slot.
    for (const gap of gaps(jobs.starts)) expect(gap).toBeGreaterThanOrEqual(101);
    expect((jobs.starts.at(-1) ?? 0) - (jobs.starts[0] ?? 0)).toBeLessThanOrEqual(3 * 101 + 1);
  });

  it('gives each job its own result, in the order they were scheduled', async () => {
    const clock = createManualClock();
    const gate = createRateGate({
      requestsPerMinute: 6_000,
      maxConcurrent: 2,
      noticeAfterMs: 1_000,
      clock,
    });
    const jobs = recorder(clock);

    const results = await clock.run(
      Promise.all(['a', 'b', 'c'].map((v) => gate.schedule(jobs.job(v, 5)))),
    );

    expect(results).toEqual(['a', 'b', 'c']);
  });

  it('never runs more than maxConcurrent jobs at once', async () => {
    const clock = createManualClock();
    const gate = createRateGate({
      requestsPerMinute: 60_000,
      maxConcurrent: 2,
      noticeAfterMs: 1_000,
      clock,
    });
    const jobs = recorder(clock);

    await clock.run(Promise.all([1, 2, 3, 4, 5].map((n) => gate.schedule(jobs.job(n, 40)))));

    expect(jobs.mostRunning()).toBe(2);
    // Two at a time, 40 ms each: the fifth starts once the second pair is done.
    expect((jobs.starts[4] ?? 0) - (jobs.starts[0] ?? 0)).toBeGreaterThanOrEqual(80);
  });

  it('passes on a failing job’s error to its caller only', async () => {
    const clock = createManualClock();
    const gate = createRateGate({
      requestsPerMinute: 60_000,
      maxConcurrent: 1,
      noticeAfterMs: 1_000,
      clock,
    });
    const jobs = recorder(clock);

    const failing = gate.schedule(() => Promise.reject(new Error('quota')));
    const fine = gate.schedule(jobs.job('ok'));

    await expect(clock.run(failing)).rejects.toThrow('quota');
    await expect(clock.run(fine)).resolves.toBe('ok');
  });

  it('tells waiting jobs their place in line once the notice delay has passed', async () => {
    const clock = createManualClock();
    const gate = createRateGate({
      requestsPerMinute: 60_000,
      maxConcurrent: 1,
      noticeAfterMs: 20,
      clock,
    });
    const jobs = recorder(clock);
    const places: Array<[string, number]> = [];
    const told = (name: string) => (wait: GateWait) => places.push([name, wait.placeInLine]);

    const all = [
      gate.schedule(jobs.job('running', 150), told('running')),
      gate.schedule(jobs.job('first waiting'), told('first waiting')),
      gate.schedule(jobs.job('second waiting'), told('second waiting')),
    ];
    await clock.advance(19);
    expect(places).toEqual([]);
    await clock.advance(61);
    expect(gate.waiting()).toBe(2);
    expect(places).toEqual([
      ['first waiting', 1],
      ['second waiting', 2],
    ]);
    await clock.run(Promise.all(all));

    expect(places).toHaveLength(2);
    expect(gate.waiting()).toBe(0);
  });

  it('does not tell a job admitted before the notice delay about a line', async () => {
    const clock = createManualClock();
    const gate = createRateGate({
      requestsPerMinute: 60_000,
      maxConcurrent: 1,
      noticeAfterMs: 50,
      clock,
    });
    const places: number[] = [];

    await clock.run(
      gate.schedule(
        async () => 'done',
        (wait) => places.push(wait.placeInLine),
      ),
    );
    await clock.advance(80);

    expect(places).toEqual([]);
  });

  it('admits background jobs only when no foreground job waits', async () => {
    const clock = createManualClock();
    const gate = createRateGate({
      requestsPerMinute: 60_000,
      maxConcurrent: 1,
      noticeAfterMs: 1_000,
      clock,
    });
    const order: string[] = [];
    const job = (name: string) => async () => {
      order.push(name);
      await clock.sleep(10);
    };

    await clock.run(
      Promise.all([
        gate.schedule(job('first')),
        gate.schedule(job('memory 1'), undefined, { background: true }),
        gate.schedule(job('memory 2'), undefined, { background: true }),
        gate.schedule(job('answer')),
      ]),
    );

    expect(order).toEqual(['first', 'answer', 'memory 1', 'memory 2']);
  });

  it('keeps even spacing under a long line, so that the limit is used in full', async () => {
    const clock = createManualClock();
    const gate = createRateGate({
      requestsPerMinute: 3_000,
      maxConcurrent: 50,
      noticeAfterMs: 10_000,
      clock,
    });
    const jobs = recorder(clock);

    await clock.run(
      Promise.all(Array.from({ length: 20 }, (_, n) => gate.schedule(jobs.job(n, 5)))),
    );

    // 19 gaps of 20.2 ms (20 ms plus 1% headroom), each at most a whole millisecond late (the
    // timer's rounding): the limit is used in full, less that drift.
    for (const gap of gaps(jobs.starts)) expect(gap).toBeGreaterThanOrEqual(20.2);
    const span = (jobs.starts.at(-1) ?? 0) - (jobs.starts[0] ?? 0);
    expect(span).toBeLessThanOrEqual(19 * 21.2);
  });

  it('never lets more than requestsPerMinute starts into any minute, after an idle spell too', async () => {
    const clock = createManualClock();
    const gate = createRateGate({
      requestsPerMinute: 10,
      maxConcurrent: 50,
      noticeAfterMs: 1e6,
      clock,
    });
    const jobs = recorder(clock);

    await clock.run(gate.schedule(jobs.job('first')));
    // Almost two intervals later, one job alone, then a line behind it.
    await clock.advance(2 * 6_060 - 1 - (clock.now() - (jobs.starts[0] ?? 0)));
    await clock.run(Promise.all(Array.from({ length: 12 }, (_, n) => gate.schedule(jobs.job(n)))));

    expect(jobs.starts).toHaveLength(13);
    expect(maxInWindow(jobs.starts, 60_000)).toBeLessThanOrEqual(10);
  });
});

/**
 * A gate fed a continuous foreground backlog (each answer that starts brings another, until
 * `answers` have been scheduled) with `memories` background jobs waiting from the start; resolves
 * with the order of starts, `A` for an answer and `M` for a memory job, and their times.
 */
async function continuousBacklog(options: {
  backgroundEvery: number;
  answers: number;
  memories: number;
  requestsPerMinute?: number;
}) {
  const clock = createManualClock();
  const gate = createRateGate({
    requestsPerMinute: options.requestsPerMinute ?? 600,
    maxConcurrent: 4,
    noticeAfterMs: 1e6,
    backgroundEvery: options.backgroundEvery,
    clock,
  });
  const order: string[] = [];
  const starts: number[] = [];
  const all: Array<Promise<void>> = [];
  let scheduled = 0;
  const answer = () => {
    scheduled++;
    all.push(
      gate.schedule(async () => {
        order.push('A');
        starts.push(clock.now());
        if (scheduled < options.answers) answer();
        await clock.sleep(50);
      }),
    );
  };
  // Two answers wait at all times: one more than the one about to start.
  answer();
  answer();
  for (let i = 0; i < options.memories; i++) {
    all.push(
      gate.schedule(
        async () => {
          order.push('M');
          starts.push(clock.now());
          await clock.sleep(50);
        },
        undefined,
        { background: true },
      ),
    );
  }
  // Later jobs join `all` as earlier ones start; settled once no more are added.
  let count: number;
  do {
    count = all.length;
    await clock.run(Promise.all(all));
  } while (all.length > count);
  return { order: order.join(''), starts };
}

describe('createRateGate with an extraction share (backgroundEvery)', () => {
  it('gives background jobs exactly one start in every backgroundEvery under a continuous foreground backlog', async () => {
    const { order, starts } = await continuousBacklog({
      backgroundEvery: 4,
      answers: 16,
      memories: 3,
    });

    expect(order).toBe('AAAMAAAMAAAMAAAAAAA');
    // The share changes who starts, not how often: 101 ms apart, as ever.
    for (const gap of gaps(starts)) expect(gap).toBeGreaterThanOrEqual(101);
  });

  it('with 0, never starts a background job while a foreground job waits', async () => {
    const { order } = await continuousBacklog({ backgroundEvery: 0, answers: 16, memories: 3 });

    expect(order).toBe(`${'A'.repeat(16)}MMM`);
  });

  it('never gives background more than its share while both lines wait', async () => {
    const { order } = await continuousBacklog({ backgroundEvery: 3, answers: 8, memories: 20 });

    // While answers waited (up to the last one), one start in 3 went to memory, never two.
    const whileAnswersWaited = order.slice(0, order.lastIndexOf('A') + 1);
    expect(whileAnswersWaited).toBe('AAMAAMAAMAA');
    // Then memory has every start.
    expect(order.slice(whileAnswersWaited.length)).toBe('M'.repeat(17));
  });

  it('still lets no more than requestsPerMinute starts into any minute', async () => {
    const { starts } = await continuousBacklog({
      backgroundEvery: 2,
      answers: 20,
      memories: 10,
      requestsPerMinute: 10,
    });

    expect(starts).toHaveLength(30);
    expect(maxInWindow(starts, 60_000)).toBeLessThanOrEqual(10);
  });

  it('starts a lone background job at once when no foreground job waits', async () => {
    const clock = createManualClock();
    const gate = createRateGate({
      requestsPerMinute: 10,
      maxConcurrent: 4,
      noticeAfterMs: 1_000,
      backgroundEvery: 4,
      clock,
    });
    const jobs = recorder(clock);
    const began = clock.now();

    await clock.run(gate.schedule(jobs.job('memory'), undefined, { background: true }));

    expect(jobs.starts).toEqual([began]);
  });
});

describe('createRateGate: what a waiting job is told', () => {
  /** A gate at 10 a minute (6 060 ms apart) telling jobs after 1 s, with one job just started. */
  async function busyGate(backgroundEvery = 0) {
    const clock = createManualClock();
    const gate = createRateGate({
      requestsPerMinute: 10,
      maxConcurrent: 4,
      noticeAfterMs: 1_000,
      backgroundEvery,
      clock,
    });
    const running = gate.schedule(async () => 'first');
    await clock.advance(0);
    return { clock, gate, running };
  }

  it('tells a lone job waiting for the pace that it waits for the answer limit, and for how long', async () => {
    const { clock, gate } = await busyGate();
    const told: GateWait[] = [];

    const waiting = gate.schedule(
      async () => 'second',
      (wait) => told.push(wait),
    );
    await clock.advance(1_000);

    // Its slot is 6 060 ms after the first start, 1 000 ms of which have passed.
    expect(told).toEqual([{ reason: 'answer-limit', placeInLine: 1, waitMs: 5_060 }]);
    await clock.run(waiting);
    expect(told).toHaveLength(1);
  });

  it('tells a job behind two others that people are ahead of it, its place, and how long', async () => {
    const { clock, gate } = await busyGate();
    const told: GateWait[] = [];

    const all = [
      gate.schedule(async () => 'second'),
      gate.schedule(async () => 'third'),
      gate.schedule(
        async () => 'fourth',
        (wait) => told.push(wait),
      ),
    ];
    await clock.advance(1_000);

    // Its slot is the third from now: 5 060 ms, then two intervals of 6 060 ms.
    expect(told).toEqual([{ reason: 'people-ahead', placeInLine: 3, waitMs: 17_180 }]);
    await clock.run(Promise.all(all));
  });

  it('counts the slot the extraction share takes first in the wait, not as a person ahead', async () => {
    // Every 2nd start goes to memory while it waits: the first start was an answer, so the next
    // slot is memory's.
    const { clock, gate } = await busyGate(2);
    const told: GateWait[] = [];

    const all = [
      gate.schedule(async () => 'memory', undefined, { background: true }),
      gate.schedule(
        async () => 'second',
        (wait) => told.push(wait),
      ),
    ];
    await clock.advance(1_000);

    expect(told).toEqual([{ reason: 'answer-limit', placeInLine: 1, waitMs: 11_120 }]);
    await clock.run(Promise.all(all));
  });
});
