// The limiters are bottleneck's, run for real: in this process, and shared through a real
// redis-server by several stores (as several processes would be) and by several processes.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLimiterStore, type LimiterStore } from '../../src/limits/bottleneck-limiters.js';
import { testGeminiKey, useHarness } from '../helpers/harness.js';
import { maxInWindow } from '../helpers/max-in-window.js';
import { type RedisServer, redisTestsEnabled, startRedis } from '../helpers/redis.js';
import { type FakeGemini, startFakeGemini } from '../standins/gemini.js';

const repo = join(import.meta.dirname, '..', '..');

/** Jobs that record when they start and end (wall clock, comparable across processes). */
function recorder() {
  const runs: Array<[number, number]> = [];
  return {
    runs,
    starts: () => runs.map(([start]) => start).sort((a, b) => a - b),
    job<T>(value: T, durationMs = 0) {
      return async () => {
        const run: [number, number] = [Date.now(), Number.NaN];
        runs.push(run);
        if (durationMs > 0) await new Promise((resolve) => setTimeout(resolve, durationMs));
        run[1] = Date.now();
        return value;
      };
    },
  };
}

/** The most runs in progress at one moment. */
function mostAtOnce(runs: ReadonlyArray<readonly [number, number]>): number {
  const events = runs.flatMap(([start, end]) => [
    [start, 1],
    [end, -1],
  ]);
  // An end at the same millisecond as a start frees its place first.
  events.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0) || (a[1] ?? 0) - (b[1] ?? 0));
  let now = 0;
  let most = 0;
  for (const [, change] of events) {
    now += change ?? 0;
    most = Math.max(most, now);
  }
  return most;
}

/** The item for job `n` when jobs go round `items` in turn. */
function nth<T>(items: readonly T[], n: number): T {
  const item = items[n % items.length];
  if (item === undefined) throw new Error('no items');
  return item;
}

function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((time, i) => time - (times[i] ?? time));
}

describe('the start pacer, in this process', () => {
  const stores: LimiterStore[] = [];
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });

  it('spaces starts by minIntervalMs, so that no window holds more than the limit', async () => {
    const store = createLimiterStore();
    stores.push(store);
    const pacer = store.startPacer({
      id: 'gemini:a',
      minIntervalMs: 150,
      maxConcurrent: 10,
      maxRunMs: 60_000,
    });
    const jobs = recorder();

    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => pacer.schedule(jobs.job(n))));

    expect(results).toEqual([1, 2, 3, 4, 5, 6]);
    const starts = jobs.starts();
    // bottleneck gives each job a slot 150 ms after the one before; a start whose timer fires late
    // (a busy event loop) can come close to the next, so windows are counted, not single gaps:
    // three intervals hold three slots, and a late one.
    expect((starts.at(-1) ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(0.7 * 5 * 150);
    expect(maxInWindow(starts, 150 * 3)).toBeLessThanOrEqual(4);
  });

  it('never runs more than maxConcurrent jobs at once', async () => {
    const store = createLimiterStore();
    stores.push(store);
    const pacer = store.startPacer({
      id: 'gemini:b',
      minIntervalMs: 1,
      maxConcurrent: 2,
      maxRunMs: 60_000,
    });
    const jobs = recorder();

    await Promise.all([1, 2, 3, 4, 5].map((n) => pacer.schedule(jobs.job(n, 40))));

    expect(mostAtOnce(jobs.runs)).toBe(2);
  });

  it('passes on a failing job’s error to its caller only', async () => {
    const store = createLimiterStore();
    stores.push(store);
    const pacer = store.startPacer({
      id: 'gemini:c',
      minIntervalMs: 1,
      maxConcurrent: 1,
      maxRunMs: 60_000,
    });

    const failing = pacer.schedule(() => Promise.reject(new Error('quota')));
    const fine = pacer.schedule(() => Promise.resolve('ok'));

    await expect(failing).rejects.toThrow('quota');
    await expect(fine).resolves.toBe('ok');
  });
});

describe('the keyed pacer (one per Discord channel), in this process', () => {
  const store = createLimiterStore();
  afterAll(() => store.close());

  it('runs one key’s jobs in order: a burst of two, then about minIntervalMs apart', async () => {
    const pacer = store.keyedPacer({
      id: 'channel-a',
      minIntervalMs: 150,
      burst: 2,
      maxRunMs: 60_000,
    });
    const jobs = recorder();

    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((v) => pacer.run('channel-1', jobs.job(v))),
    );

    expect(results).toEqual(['a', 'b', 'c', 'd']);
    const [burst, ...paced] = gaps(jobs.starts());
    expect(burst).toBeLessThan(100);
    // Refilled on a 100 ms heartbeat: one token every 150 ms, up to a heartbeat late.
    for (const gap of paced) {
      expect(gap).toBeGreaterThanOrEqual(140);
      expect(gap).toBeLessThan(150 + 100 + 80);
    }
  });

  it('runs one key’s jobs one at a time', async () => {
    const pacer = store.keyedPacer({
      id: 'channel-b',
      minIntervalMs: 1,
      burst: 2,
      maxRunMs: 60_000,
    });
    const jobs = recorder();

    await Promise.all([1, 2, 3].map((n) => pacer.run('channel-1', jobs.job(n, 30))));

    expect(mostAtOnce(jobs.runs)).toBe(1);
  });

  it('does not make one key wait for another', async () => {
    const pacer = store.keyedPacer({
      id: 'channel-c',
      minIntervalMs: 5_000,
      burst: 1,
      maxRunMs: 60_000,
    });
    const jobs = recorder();

    const began = Date.now();
    await Promise.all(['a', 'b', 'c'].map((key) => pacer.run(key, jobs.job(key))));

    expect(Date.now() - began).toBeLessThan(1_000);
  });
});

const withRedis = redisTestsEnabled();

describe.runIf(withRedis)('limits shared through Redis', () => {
  let redis: RedisServer;
  const stores: LimiterStore[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await redis.stop();
  });

  function store(namespace: string): LimiterStore {
    const made = createLimiterStore({ redisUrl: redis.url, namespace });
    stores.push(made);
    return made;
  }

  it('keeps one pace for two stores with the same limiter id, as for two processes', async () => {
    const [first, second] = [store('bot-1'), store('bot-1')];
    const pacers = [first, second].map((s) =>
      s.startPacer({
        id: 'gemini:shared',
        minIntervalMs: 100,
        maxConcurrent: 10,
        maxRunMs: 60_000,
      }),
    );
    await Promise.all([first.ready(), second.ready()]);
    const jobs = recorder();

    await Promise.all(Array.from({ length: 10 }, (_, n) => nth(pacers, n).schedule(jobs.job(n))));

    const starts = jobs.starts();
    expect(starts).toHaveLength(10);
    // Five from each store, one pace between them all.
    expect((starts.at(-1) ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(0.7 * 9 * 100);
    expect(maxInWindow(starts, 100 * 4)).toBeLessThanOrEqual(5);
  });

  it('keeps two bots on one Redis apart (different namespaces share nothing)', async () => {
    const pacers = [store('bot-a'), store('bot-b')].map((s) =>
      s.startPacer({
        id: 'gemini:shared',
        minIntervalMs: 2_000,
        maxConcurrent: 10,
        maxRunMs: 60_000,
      }),
    );
    const jobs = recorder();

    const began = Date.now();
    await Promise.all(pacers.map((pacer, n) => pacer.schedule(jobs.job(n))));

    // Each bot's first start is free: neither waits the other's 2 s.
    expect(Date.now() - began).toBeLessThan(1_500);
  });

  it('shares one concurrency limit between stores', async () => {
    const pacers = [store('bot-c'), store('bot-c'), store('bot-c')].map((s) =>
      s.startPacer({ id: 'gemini:c', minIntervalMs: 1, maxConcurrent: 2, maxRunMs: 60_000 }),
    );
    const jobs = recorder();

    await Promise.all(
      Array.from({ length: 9 }, (_, n) => nth(pacers, n).schedule(jobs.job(n, 50))),
    );

    expect(jobs.runs).toHaveLength(9);
    expect(mostAtOnce(jobs.runs)).toBe(2);
  });

  it('paces one Discord channel across stores, and keeps channels apart', async () => {
    const pacers = [store('bot-d'), store('bot-d')].map((s) =>
      s.keyedPacer({ id: 'discord-channel', minIntervalMs: 200, burst: 2, maxRunMs: 60_000 }),
    );
    const jobs = recorder();

    await Promise.all(
      Array.from({ length: 4 }, (_, n) => nth(pacers, n).run('channel-1', jobs.job(n))),
    );

    const starts = jobs.starts();
    // Two at once (the burst), then one per 200 ms: four starts take at least 350 ms in all.
    expect((starts.at(-1) ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(350);
    const other = recorder();
    const began = Date.now();
    await Promise.all(pacers.map((pacer) => pacer.run('channel-2', other.job(0))));
    expect(Date.now() - began).toBeLessThan(300);
  });

  it('holds the pace and the concurrency for three processes at once', async () => {
    const jobsEach = 6;
    const children = [1, 2, 3].map(() =>
      spawn(
        join(repo, 'node_modules', '.bin', 'tsx'),
        [
          join(repo, 'test', 'helpers', 'limiter-child.ts'),
          redis.url,
          'bot-p',
          String(jobsEach),
          '100',
          '2',
        ],
        { cwd: repo, stdio: ['pipe', 'pipe', 'inherit'] },
      ),
    );
    const outputs = children.map((child) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      return {
        ready: new Promise<void>((resolve, reject) => {
          child.stdout.on('data', () => {
            if (text.includes('ready\n')) resolve();
          });
          child.once('exit', (code) => reject(new Error(`child exited with ${code}: ${text}`)));
        }),
        done: new Promise<string>((resolve) => child.once('exit', () => resolve(text))),
      };
    });
    await Promise.all(outputs.map((output) => output.ready));
    for (const child of children) child.stdin.write('go\n');
    const texts = await Promise.all(outputs.map((output) => output.done));

    const runs = texts.flatMap((text) => {
      const line = text.split('\n').find((l) => l.startsWith('{'));
      return (JSON.parse(line ?? '{"runs":[]}') as { runs: Array<[number, number]> }).runs;
    });
    expect(runs).toHaveLength(3 * jobsEach);
    expect(mostAtOnce(runs)).toBeLessThanOrEqual(2);
    const starts = runs.map(([start]) => start).sort((a, b) => a - b);
    // 18 starts at one per 100 ms: three slots in any 250 ms, and room for one that left late on
    // a loaded machine. Each process alone would start its first two at once: six together.
    expect(maxInWindow(starts, 250)).toBeLessThanOrEqual(4);
    expect((starts.at(-1) ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(0.7 * 17 * 100);
  }, 60_000);
});

describe.runIf(withRedis)('two bots with one REDIS_URL', () => {
  let redis: RedisServer;
  let gemini: FakeGemini;
  const startHarness = useHarness();
  beforeAll(async () => {
    redis = await startRedis();
    gemini = await startFakeGemini({ apiKey: testGeminiKey });
  });
  afterAll(async () => {
    await gemini.close();
    await redis.stop();
  });

  it('share one Gemini limit: their requests together keep its pace, none over quota', async () => {
    // 300 a minute: one start per 202 ms for both bots together.
    gemini.setRequestsPerMinute(300);
    const env = { REDIS_URL: redis.url, GEMINI_REQUESTS_PER_MINUTE: '300' };
    const bots = await Promise.all(
      [1, 2].map(() => startHarness({ backend: 'platform', gemini, env })),
    );
    // One answer each first: a bot's first message costs it one-time work (hundreds of ms for two
    // in one test process) that would hold back its timers, and bunch the starts measured.
    for (const [b, h] of bots.entries()) {
      const dm = h.discord.sendDm({ userId: `20000000000000000${b}`, content: 'first' });
      await h.discord.waitFor(
        () => h.discord.messages(dm.channel_id).some((m) => m.content.includes('I hear you')),
        15_000,
      );
    }
    const before = gemini.chatRequests().length;
    const sent = bots.flatMap((h, b) =>
      [1, 2, 3].map((n) => ({
        h,
        dm: h.discord.sendDm({ userId: `10000000000000000${b}${n}`, content: `hello ${b}.${n}` }),
      })),
    );
    for (const { h, dm } of sent) {
      await h.discord.waitFor(
        () => h.discord.messages(dm.channel_id).some((m) => m.content.includes('I hear you')),
        15_000,
      );
    }

    const starts = gemini
      .chatRequests()
      .slice(before)
      .map((request) => request.at)
      .sort((a, b) => a - b);
    expect(starts).toHaveLength(6);
    // Slots 202 ms apart for both bots together; windows are counted, not single gaps (a late
    // timer can bring one start close to the next). Alone, each bot would start its three within
    // 404 ms: six in one window.
    expect((starts.at(-1) ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(0.7 * 5 * 202);
    expect(maxInWindow(starts, 600)).toBeLessThanOrEqual(4);
    expect(gemini.overLimit()).toBe(0);
  }, 30_000);
});

describe.runIf(withRedis)('when Redis goes away', () => {
  it('moves a job waiting for Redis to this process’s limiter, and sends new ones there', async () => {
    const redis = await startRedis();
    const fallbacks: boolean[] = [];
    const store = createLimiterStore({
      redisUrl: redis.url,
      fallbackAfterMs: 300,
      onFallback: (again) => fallbacks.push(again),
    });
    try {
      const pacer = store.startPacer({
        id: 'gemini:outage',
        minIntervalMs: 10_000,
        maxConcurrent: 5,
        maxRunMs: 60_000,
      });
      await store.ready();
      await expect(pacer.schedule(() => Promise.resolve('first'))).resolves.toBe('first');
      // Its slot is 10 s away in Redis; Redis dies meanwhile.
      const waiting = pacer.schedule(() => Promise.resolve('second'));
      redis.kill();
      const began = Date.now();

      await expect(waiting).resolves.toBe('second');
      // A reply's edits, in a channel never seen before, go through this process's pacer too.
      const channels = store.keyedPacer({
        id: 'discord-channel',
        minIntervalMs: 10_000,
        burst: 1,
        maxRunMs: 60_000,
      });
      await expect(channels.run('channel-9', () => Promise.resolve('sent'))).resolves.toBe('sent');
      expect(Date.now() - began).toBeLessThan(5_000);
      expect(fallbacks).toEqual([false]);
    } finally {
      await store.close();
      await redis.stop();
    }
  });
});
