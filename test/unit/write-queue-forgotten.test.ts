// The durable write queue of one worker of a split bot, told when each person last asked to be
// forgotten anywhere (`forgottenAt`): it deletes their exchanges queued at or before then without
// writing them, writes everything else, and never writes a job it could not check.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createDurableWriteQueue,
  type DurableWriteQueueOptions,
  type MemoryWriteQueue,
} from '../../src/memory/durable-write-queue.js';
import type { MemoryWriteJob } from '../../src/memory/memory-store.js';
import type { MemoryUserId } from '../../src/memory/user-id.js';
import { silentLogger } from '../fakes/core-fakes.js';

const alice = 'discord:111111111111111111' as MemoryUserId;
const bob = 'discord:222222222222222222' as MemoryUserId;

function job(userId: MemoryUserId, text: string): MemoryWriteJob {
  return { userId, messages: [{ role: 'user', content: text }], origin: { kind: 'dm' } };
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

let dir: string;
let open: MemoryWriteQueue[];
/** The queue's clock (ms since the epoch); it moves only when a test moves it. */
let clock: number;
/** Texts of the writes that reached the memory backend, in order. */
let written: string[];

function openQueue(
  options: Pick<DurableWriteQueueOptions, 'forgottenAt'> & Partial<DurableWriteQueueOptions>,
): MemoryWriteQueue {
  const queue = createDurableWriteQueue({
    path: join(dir, 'memory-writes.sqlite'),
    logger: silentLogger,
    write: async (each) => {
      written.push(each.messages.map((message) => message.content).join('|'));
    },
    initialRetryDelayMs: 10,
    maxRetryDelayMs: 50,
    now: () => clock,
    ...options,
  });
  open.push(queue);
  return queue;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wellness0-write-queue-forgotten-'));
  open = [];
  clock = 1_000_000;
  written = [];
});

afterEach(async () => {
  for (const queue of open) await queue.stop(100);
  rmSync(dir, { recursive: true, force: true });
});

describe('a durable write queue told when people asked to be forgotten', () => {
  it('deletes unwritten a job created at the very time its person asked to be forgotten', async () => {
    const asked: string[] = [];
    const queue = openQueue({
      forgottenAt: async (userId) => {
        asked.push(userId);
        return 1_000_000;
      },
    });
    queue.enqueue(job(alice, 'my sister is visiting'));
    queue.start();

    expect(await queue.whenEmpty(2_000)).toBe(true);
    expect(asked).toEqual([alice]);
    expect(written).toEqual([]);
    expect(queue.stats().depth).toBe(0);
  });

  it('deletes the jobs created before the time and writes those created after it', async () => {
    const queue = openQueue({
      forgottenAt: async () => 1_000_500,
      // One batch would hold all three jobs: the queue must split it at the time.
      maxJobsPerBatch: 10,
    });
    queue.enqueue(job(alice, 'an hour before'));
    clock += 500;
    queue.enqueue(job(alice, 'just before'));
    clock += 1;
    queue.enqueue(job(alice, 'just after'));
    queue.start();

    expect(await queue.whenEmpty(2_000)).toBe(true);
    expect(written).toEqual(['just after']);
    expect(queue.stats().depth).toBe(0);
  });

  it("writes other people's jobs queued at the same time", async () => {
    const queue = openQueue({
      forgottenAt: async (userId) => (userId === alice ? clock : undefined),
    });
    queue.enqueue(job(alice, 'forget this'));
    queue.enqueue(job(bob, 'remember this'));
    queue.start();

    expect(await queue.whenEmpty(2_000)).toBe(true);
    expect(written).toEqual(['remember this']);
  });

  it('writes every job of someone who never asked to be forgotten', async () => {
    const queue = openQueue({ forgottenAt: async () => undefined });
    queue.enqueue(job(alice, 'first'));
    queue.enqueue(job(alice, 'second'));
    queue.start();

    expect(await queue.whenEmpty(2_000)).toBe(true);
    expect(written).toEqual(['first', 'second']);
  });

  it('writes nothing while it cannot learn the time, and writes the job once it can', async () => {
    let redisUp = false;
    let checks = 0;
    const queue = openQueue({
      forgottenAt: async () => {
        checks += 1;
        if (!redisUp) throw new Error('Redis is out of reach');
        return undefined;
      },
    });
    queue.enqueue(job(alice, 'I slept better'));
    queue.start();

    await until(() => checks >= 1 && queue.stats().inFlight === 0);
    expect(written).toEqual([]);
    // Still on disk, for the retry.
    expect(queue.stats().depth).toBe(1);

    redisUp = true;
    // Past the longest retry delay: the retry is due.
    clock += 1_000;

    expect(await queue.whenEmpty(2_000)).toBe(true);
    expect(written).toEqual(['I slept better']);
    expect(checks).toBeGreaterThanOrEqual(2);
  });
});
