// The memory write queue that a split bot's workers share, on a real redis-server: what one worker
// queued, any worker writes (once, in each person's order), a worker that stops or dies leaves
// nothing stranded, /forget reaches every worker's jobs, and a Redis out of reach loses nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createDurableWriteQueue,
  type MemoryWriteQueue,
} from '../../src/memory/durable-write-queue.js';
import type { MemoryWriteJob } from '../../src/memory/memory-store.js';
import type { MemoryUserId } from '../../src/memory/user-id.js';
import {
  createRedisWriteQueue,
  type RedisWriteQueueOptions,
} from '../../src/scale/redis-write-queue.js';
import { silentLogger } from '../fakes/core-fakes.js';
import { freePort } from '../helpers/free-port.js';
import { type RedisServer, redisTestsEnabled, startRedis } from '../helpers/redis.js';

const person = (n: number) => `discord:1${String(n).padStart(17, '0')}` as MemoryUserId;
const alice = person(1);
const bob = person(2);

function job(userId: MemoryUserId, text: string): MemoryWriteJob {
  return { userId, messages: [{ role: 'user', content: text }], origin: { kind: 'dm' } };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(
  condition: () => boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A write the tests record: who, what (the texts joined), and which worker wrote it. */
interface Written {
  userId: string;
  texts: string[];
  worker: string;
}

describe.runIf(redisTestsEnabled())('the Redis memory write queue', () => {
  let redis: RedisServer;
  let namespaces = 0;
  let namespace: string;
  let dir: string;
  let open: MemoryWriteQueue[];
  let written: Written[];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  afterEach(async () => {
    await Promise.all(open.map((queue) => queue.stop(1_000)));
    rmSync(dir, { recursive: true, force: true });
  });

  function fresh(): void {
    namespace = `writes-test-${++namespaces}`;
    dir = mkdtempSync(join(tmpdir(), 'wellness0-redis-writes-'));
    open = [];
    written = [];
  }

  /** A worker's queue: in Redis, with a queue on disk of its own behind it. */
  function worker(
    name: string,
    options: Partial<RedisWriteQueueOptions> & {
      write?: (job: MemoryWriteJob) => Promise<void>;
    } = {},
  ): MemoryWriteQueue {
    const record = async (each: MemoryWriteJob) => {
      written.push({
        userId: each.userId,
        texts: each.messages.map((message) => message.content),
        worker: name,
      });
    };
    const write = options.write ?? record;
    const fallback = createDurableWriteQueue({
      path: join(dir, `${name}.db`),
      logger: silentLogger,
      write,
      initialRetryDelayMs: 10,
      maxRetryDelayMs: 50,
    });
    const queue = createRedisWriteQueue({
      redisUrl: redis.url,
      namespace,
      logger: silentLogger,
      fallback,
      leaseMs: 1_000,
      pollMs: 20,
      initialRetryDelayMs: 10,
      maxRetryDelayMs: 50,
      ...options,
      write,
    });
    open.push(queue);
    return queue;
  }

  it('writes every job any worker queued exactly once, each person’s in order, spread over the workers', async () => {
    fresh();
    const queues = [worker('a'), worker('b'), worker('c')];
    for (const queue of queues) queue.start();
    const people = 30;
    const each = 4;
    for (let n = 0; n < each; n++) {
      for (let p = 0; p < people; p++) queues[p % 3]?.enqueue(job(person(p), `${p}:${n}`));
    }
    await until(() => written.length === people * each, 20_000, 'every write');
    await sleep(200);
    expect(written).toHaveLength(people * each);
    for (let p = 0; p < people; p++) {
      const theirs = written.filter((each) => each.userId === person(p)).flatMap((w) => w.texts);
      expect(theirs).toEqual([0, 1, 2, 3].map((n) => `${p}:${n}`));
    }
    // More than one worker wrote (the people are spread over them).
    expect(new Set(written.map((each) => each.worker)).size).toBeGreaterThan(1);
    expect(queues[0]?.stats().depth).toBe(0);
  });

  it('leaves what a stopping worker queued to the others, who write it', async () => {
    fresh();
    // Worker a cannot reach mem0: its writes fail and wait for a retry.
    const leaving = worker('a', {
      write: async () => {
        throw new Error('mem0 out of reach');
      },
      initialRetryDelayMs: 60_000,
      maxRetryDelayMs: 60_000,
    });
    leaving.start();
    leaving.enqueue(job(alice, 'told to a'));
    leaving.enqueue(job(bob, 'also told to a'));
    await sleep(300);
    await leaving.stop(1_000);
    expect(written).toHaveLength(0);
    // Its retry time has not come; a worker started later takes them when it has.
    const staying = worker('b', { now: () => Date.now() + 120_000 });
    staying.start();
    await until(() => written.length === 2, 10_000, 'the jobs left by the stopped worker');
    expect(written.map((each) => each.texts[0]).sort()).toEqual(['also told to a', 'told to a']);
    expect(written.every((each) => each.worker === 'b')).toBe(true);
  });

  it('takes a person’s jobs from a worker that died holding them once its hold has run out', async () => {
    fresh();
    const queue = worker('b');
    // Queued by a worker that then died mid-write: its hold is still on the person.
    const raw = new Redis(redis.url);
    try {
      const enqueuer = worker('a');
      enqueuer.enqueue(job(alice, 'queued before the crash'));
      await until(() => enqueuer.stats().depth >= 0 && written.length === 0, 1_000);
      await sleep(100);
      await raw.set(`${namespace}:memory-writes:person:${alice}:lease`, 'dead-worker', 'PX', 800);
      const heldAt = Date.now();
      queue.start();
      await until(() => written.length === 1, 10_000, 'the dead worker’s job');
      expect(Date.now() - heldAt).toBeGreaterThanOrEqual(700);
      expect(written[0]).toMatchObject({ worker: 'b', texts: ['queued before the crash'] });
    } finally {
      raw.disconnect();
    }
  });

  it('retries a failing write with backoff, and gives up into dead letters that /forget deletes', async () => {
    fresh();
    let failures = 0;
    const queue = worker('a', {
      maxAttempts: 3,
      write: async (each) => {
        if (each.messages[0]?.content === 'never lands') {
          failures += 1;
          throw new Error('refused');
        }
        written.push({ userId: each.userId, texts: ['landed'], worker: 'a' });
      },
    });
    queue.start();
    queue.enqueue(job(alice, 'never lands'));
    await until(() => failures === 3, 10_000, 'three attempts');
    await sleep(300);
    const raw = new Redis(redis.url);
    try {
      expect(await raw.zcard(`${namespace}:memory-writes:dead-letters`)).toBe(1);
      expect(failures).toBe(3);
      const dead = await raw.hgetall(`${namespace}:memory-writes:person:${alice}:dead`);
      expect(Object.values(dead)[0]).toContain('"r":"attempts"');
      await queue.discard(alice);
      expect(await raw.zcard(`${namespace}:memory-writes:dead-letters`)).toBe(0);
      expect(await raw.exists(`${namespace}:memory-writes:person:${alice}:dead`)).toBe(0);
    } finally {
      raw.disconnect();
    }
  });

  it('/forget removes a person’s jobs whichever worker queued them, and waits for the one being written', async () => {
    fresh();
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    let writing = 0;
    const a = worker('a', {
      write: async (each) => {
        writing += 1;
        await blocked;
        written.push({ userId: each.userId, texts: ['first'], worker: 'a' });
      },
    });
    // Worker b only queues (not started): what it queued waits in Redis.
    const b = worker('b');
    a.start();
    a.enqueue(job(alice, 'first'));
    await until(() => writing === 1, 5_000, 'the write in flight');
    b.enqueue(job(alice, 'second'));
    b.enqueue(job(alice, 'third'));
    b.enqueue(job(bob, 'bob keeps his'));
    await sleep(200);
    let discarded: number | undefined;
    const forgetting = b.discard(alice).then((count) => {
      discarded = count;
    });
    // Longer than a hold lasts (1 s here): a renews it while it writes, and /forget waits on.
    await sleep(1_600);
    // Still waiting: a's write of alice's first exchange has not settled.
    expect(discarded).toBeUndefined();
    release();
    await forgetting;
    // Its two waiting jobs, and the one being written (in Redis until its write settles).
    expect(discarded).toBe(3);
    await until(() => written.some((each) => each.userId === bob), 5_000, 'bob’s write');
    await sleep(300);
    expect(written.filter((each) => each.userId === alice)).toHaveLength(1);
  });

  it('drops unwritten the jobs queued before the person asked to be forgotten', async () => {
    fresh();
    const forgotten: { at?: number } = {};
    const queue = worker('a', {
      forgottenAt: async (userId) => (userId === alice ? forgotten.at : undefined),
      batchWindowMs: 300,
      maxJobsPerBatch: 5,
    });
    queue.start();
    queue.enqueue(job(alice, 'before the forget'));
    queue.enqueue(job(bob, 'not forgotten'));
    await sleep(50);
    forgotten.at = Date.now();
    await sleep(50);
    queue.enqueue(job(alice, 'after the forget'));
    await until(() => written.length === 2, 5_000, 'the writes');
    await sleep(500);
    expect(written.map((each) => each.texts.join('|')).sort()).toEqual([
      'after the forget',
      'not forgotten',
    ]);
  });

  it('merges a person’s exchanges queued within the batch window into one write', async () => {
    fresh();
    const a = worker('a', { batchWindowMs: 400, maxJobsPerBatch: 3 });
    const b = worker('b', { batchWindowMs: 400, maxJobsPerBatch: 3 });
    a.start();
    b.start();
    a.enqueue(job(alice, 'one'));
    // Each person's exchanges come from the worker serving them then: one after the other (a
    // worker marks a message answered only once its exchange is accepted).
    await a.accepted();
    b.enqueue(job(alice, 'two'));
    await b.accepted();
    a.enqueue(job(alice, 'three'));
    a.enqueue(job(alice, 'four'));
    await until(() => written.length === 2, 5_000, 'two writes');
    expect(written.map((each) => each.texts)).toEqual([['one', 'two', 'three'], ['four']]);
  });

  it('writes a batch as soon as it is full, without waiting out the window', async () => {
    fresh();
    const queue = worker('a', { batchWindowMs: 5_000, maxJobsPerBatch: 2 });
    queue.start();
    const started = Date.now();
    queue.enqueue(job(alice, 'one'));
    await sleep(30);
    queue.enqueue(job(alice, 'two'));
    await until(() => written.length === 1, 4_000, 'the full batch');
    expect(written[0]?.texts).toEqual(['one', 'two']);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('stops within its time when Redis hangs, leaving what Redis did not answer on disk', async () => {
    fresh();
    const queue = worker('a', {
      write: async () => {
        throw new Error('not now');
      },
    });
    queue.start();
    redis.pause();
    try {
      queue.enqueue(job(alice, 'said while Redis hung'));
      await sleep(200);
      const stopping = Date.now();
      await queue.stop(1_500);
      expect(Date.now() - stopping).toBeLessThan(4_000);
    } finally {
      redis.resume();
    }
    // The next run on the same disk writes it.
    const after = createDurableWriteQueue({
      path: join(dir, 'a.db'),
      logger: silentLogger,
      write: async (each) => {
        written.push({ userId: each.userId, texts: ['from disk'], worker: 'a' });
      },
    });
    after.start();
    try {
      await until(() => written.length === 1, 5_000, 'the write from disk');
    } finally {
      await after.stop(1_000);
    }
  });

  it('queues on this process’s disk when Redis is out of reach, and writes from there', async () => {
    fresh();
    const closedPort = await freePort();
    const queue = worker('a', { redisUrl: `redis://127.0.0.1:${closedPort}` });
    queue.start();
    queue.enqueue(job(alice, 'said while Redis was down'));
    await until(() => written.length === 1, 10_000, 'the write from disk');
    expect(written[0]?.texts).toEqual(['said while Redis was down']);
    expect(await queue.whenEmpty(2_000)).toBe(true);
  });
});
