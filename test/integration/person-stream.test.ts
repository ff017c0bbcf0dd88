// The person stream that will carry messages from the gateway to the workers, on a real
// redis-server: order per person across workers, nothing lost when a worker dies or stops.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonEvent, PersonStream } from '../../src/scale/person-stream.js';
import { createRedisPersonStream } from '../../src/scale/redis-person-stream.js';
import { type RedisServer, redisTestsEnabled, startRedis } from '../helpers/redis.js';

const repo = join(import.meta.dirname, '..', '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe.runIf(redisTestsEnabled())('the Redis person stream', () => {
  let redis: RedisServer;
  const streams: PersonStream[] = [];
  let namespaces = 0;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(streams.map((stream) => stream.close()));
    await redis.stop();
  });

  function stream(namespace: string, leaseMs = 30_000, window = 1): PersonStream {
    const made = createRedisPersonStream({ redisUrl: redis.url, namespace, leaseMs, window });
    streams.push(made);
    return made;
  }
  const freshNamespace = () => `test-${++namespaces}`;

  it('hands each event to one of three workers once, each person’s in the order published', async () => {
    const ns = freshNamespace();
    const handled: Array<PersonEvent & { worker: number }> = [];
    const running = new Map<string, number>();
    let overlapped = false;
    for (const worker of [0, 1, 2]) {
      stream(ns).consume(async (event) => {
        // Never two events of one person at once, whichever workers hold them.
        if ((running.get(event.personKey) ?? 0) > 0) overlapped = true;
        running.set(event.personKey, (running.get(event.personKey) ?? 0) + 1);
        await sleep(Math.floor(Math.random() * 5));
        handled.push({ ...event, worker });
        running.set(event.personKey, (running.get(event.personKey) ?? 1) - 1);
      });
    }
    const gateway = stream(ns);
    const people = 40;
    const each = 5;
    // Each round at once for everyone (a person's events stay in order), so that announcements
    // pile up and the workers contend for the same people.
    for (let n = 0; n < each; n++) {
      await Promise.all(
        Array.from({ length: people }, (_, p) =>
          gateway.publish({ personKey: `p${p}`, eventId: `m-${p}-${n}`, payload: `${n}` }),
        ),
      );
    }

    await until(() => handled.length >= people * each, 20_000, 'every event');
    await sleep(200);
    expect(handled).toHaveLength(people * each);
    expect(new Set(handled.map((e) => e.eventId)).size).toBe(people * each);
    for (let p = 0; p < people; p++) {
      const mine = handled.filter((e) => e.personKey === `p${p}`).map((e) => e.payload);
      expect(mine).toEqual(['0', '1', '2', '3', '4']);
    }
    expect(overlapped).toBe(false);
    // The work is spread: more than one worker handled someone's events.
    expect(new Set(handled.map((e) => e.worker)).size).toBeGreaterThan(1);
  });

  it('with a window, hands over a person’s events that arrive while one is in hand, in order, and removes each only when done', async () => {
    const ns = freshNamespace();
    const taken: string[] = [];
    const finish = new Map<string, () => void>();
    const worker = stream(ns, 30_000, 4);
    worker.consume(
      (event) =>
        new Promise<void>((resolve) => {
          taken.push(event.eventId);
          finish.set(event.eventId, resolve);
        }),
    );
    const gateway = stream(ns);
    await gateway.publish({ personKey: 'p', eventId: 'm-1', payload: 'a' });
    await until(() => taken.length === 1, 5_000, 'the first event');
    await gateway.publish({ personKey: 'p', eventId: 'm-2', payload: 'b' });
    await gateway.publish({ personKey: 'p', eventId: 'm-3', payload: 'c' });
    // Handed over while m-1 is still being handled (with no window, they would wait for it).
    await until(() => taken.length === 3, 5_000, 'the later events');
    expect(taken).toEqual(['m-1', 'm-2', 'm-3']);

    // m-3 done first: nothing is removed while m-1 and m-2 are still in hand.
    const { Redis } = await import('ioredis');
    const peek = new Redis(redis.url);
    const list = `${ns}:person-stream:events:p`;
    finish.get('m-3')?.();
    await sleep(200);
    expect(await peek.llen(list)).toBe(3);
    finish.get('m-1')?.();
    await sleep(200);
    expect(await peek.llen(list)).toBe(2);
    finish.get('m-2')?.();
    await sleep(200);
    expect(await peek.llen(list)).toBe(0);
    peek.disconnect();
    // Each once: none handed over again while in hand.
    expect(taken).toEqual(['m-1', 'm-2', 'm-3']);
  });

  it('sets aside an event that keeps failing, and deletes a person’s set-aside events (their words) on request', async () => {
    const ns = freshNamespace();
    const handled: string[] = [];
    const worker = stream(ns);
    worker.consume(async (event) => {
      if (event.payload === 'always fails') throw new Error('broken');
      handled.push(event.eventId);
    });
    const gateway = stream(ns);
    await gateway.publish({ personKey: 'p1', eventId: 'm-1', payload: 'always fails' });
    await gateway.publish({ personKey: 'p2', eventId: 'm-2', payload: 'always fails' });
    await gateway.publish({ personKey: 'p1', eventId: 'm-3', payload: 'fine' });
    await until(() => handled.includes('m-3'), 10_000, 'the event after the failing one');

    const { Redis } = await import('ioredis');
    const peek = new Redis(redis.url);
    const dead = `${ns}:person-stream:dead`;
    for (let i = 0; i < 50 && (await peek.llen(dead)) < 2; i++) await sleep(100);
    expect(await peek.llen(dead)).toBe(2);
    expect(await peek.ttl(dead)).toBeGreaterThan(0);
    expect(await worker.dropDeadLetters('p1')).toBe(1);
    const left = (await peek.lrange(dead, 0, -1)).map(
      (entry) => JSON.parse(entry) as { personKey: string },
    );
    expect(left.map((entry) => entry.personKey)).toEqual(['p2']);
    peek.disconnect();
  });

  it('drops an event id published twice, as a gateway replaying after a reconnect would', async () => {
    const ns = freshNamespace();
    const handled: string[] = [];
    stream(ns).consume(async (event) => {
      handled.push(event.eventId);
    });
    const gateway = stream(ns);

    expect(await gateway.publish({ personKey: 'p', eventId: 'm-1', payload: 'a' })).toBe(true);
    expect(await gateway.publish({ personKey: 'p', eventId: 'm-1', payload: 'a' })).toBe(false);
    await gateway.publish({ personKey: 'p', eventId: 'm-2', payload: 'b' });

    await until(() => handled.length >= 2, 5_000, 'two events');
    await sleep(200);
    expect(handled).toEqual(['m-1', 'm-2']);
  });

  it('handles a failed event again before the person’s next one', async () => {
    const ns = freshNamespace();
    const attempts: string[] = [];
    let failuresLeft = 1;
    stream(ns).consume(async (event) => {
      attempts.push(event.eventId);
      if (event.eventId === 'm-1' && failuresLeft-- > 0) throw new Error('worker hiccup');
    });
    const gateway = stream(ns);
    await gateway.publish({ personKey: 'p', eventId: 'm-1', payload: 'a' });
    await gateway.publish({ personKey: 'p', eventId: 'm-2', payload: 'b' });

    await until(() => attempts.includes('m-2'), 5_000, 'the second event');
    expect(attempts).toEqual(['m-1', 'm-1', 'm-2']);
  });

  it('gives the events of a worker killed mid-event to another, the interrupted one first', async () => {
    const ns = freshNamespace();
    const leaseMs = 1_000;
    const child = spawn(
      join(repo, 'node_modules', '.bin', 'tsx'),
      [join(repo, 'test', 'helpers', 'stream-child.ts'), redis.url, ns, String(leaseMs)],
      { cwd: repo, detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await until(() => output.includes('consuming'), 20_000, 'the child worker');
      const gateway = stream(ns);
      await gateway.publish({ personKey: 'p', eventId: 'm-1', payload: 'a' });
      await until(() => output.includes('took p m-1'), 10_000, 'the child taking m-1');
      await gateway.publish({ personKey: 'p', eventId: 'm-2', payload: 'b' });
      process.kill(-(child.pid ?? 0), 'SIGKILL');
      await exited;

      const handled: string[] = [];
      stream(ns, leaseMs).consume(async (event) => {
        handled.push(event.eventId);
      });
      await until(() => handled.length >= 2, 10_000, 'the survivor handling both');
      expect(handled).toEqual(['m-1', 'm-2']);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      }
    }
  }, 40_000);

  it('takes over the person of a worker killed after holding them longer than a lease, while another worker was watching', async () => {
    const ns = freshNamespace();
    const leaseMs = 600;
    const handled: string[] = [];
    // Watching from the start: it sees the child's announcement idle past a lease while the
    // child still renews, and the announcement of m-2, which the child's lease keeps from it.
    stream(ns, leaseMs).consume(async (event) => {
      handled.push(event.eventId);
    });
    const child = spawn(
      join(repo, 'node_modules', '.bin', 'tsx'),
      [join(repo, 'test', 'helpers', 'stream-child.ts'), redis.url, ns, String(leaseMs)],
      { cwd: repo, detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await until(() => output.includes('consuming'), 20_000, 'the child worker');
      const gateway = stream(ns);
      // Until the child has it: the watcher takes what is published before the child reads.
      for (let n = 0; !output.includes('took'); n++) {
        handled.splice(0);
        await gateway.publish({ personKey: `p${n}`, eventId: `p${n}-1`, payload: 'a' });
        await sleep(300);
      }
      const person = /took (\S+) /.exec(output)?.[1] ?? '';
      await gateway.publish({ personKey: person, eventId: `${person}-2`, payload: 'b' });
      await sleep(leaseMs * 4);
      // Nothing of the child's person while it lives, however long it holds them.
      expect(handled.filter((id) => id.startsWith(`${person}-`))).toEqual([]);
      process.kill(-(child.pid ?? 0), 'SIGKILL');
      await exited;

      await until(() => handled.length >= 2, 10_000, 'the watcher taking over both');
      expect(handled).toEqual([`${person}-1`, `${person}-2`]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      }
    }
  }, 40_000);

  it('leaves a stopping worker’s waiting events to another at once, not after its lease', async () => {
    const ns = freshNamespace();
    const first: string[] = [];
    const leaving = stream(ns, 60_000);
    const consumer = leaving.consume(async (event) => {
      first.push(event.eventId);
      await sleep(300);
    });
    const gateway = stream(ns);
    for (const n of [1, 2, 3]) {
      await gateway.publish({ personKey: 'p', eventId: `m-${n}`, payload: `${n}` });
    }
    await until(() => first.length === 1, 5_000, 'the first event');
    const stopped = consumer.stop();
    const second: string[] = [];
    stream(ns, 60_000).consume(async (event) => {
      second.push(event.eventId);
    });
    await stopped;

    await until(() => first.length + second.length >= 3, 5_000, 'the rest');
    expect([...first, ...second]).toEqual(['m-1', 'm-2', 'm-3']);
    expect(second.length).toBeGreaterThan(0);
  });
});
