import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createLogger } from '../../src/logger.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createDurableWriteQueue,
  type DurableWriteQueueOptions,
  type MemoryWriteQueue,
} from '../../src/memory/durable-write-queue.js';
import type { MemoryOrigin, MemoryWriteJob } from '../../src/memory/memory-store.js';
import type { MemoryUserId } from '../../src/memory/user-id.js';
import { silentLogger } from '../fakes/core-fakes.js';

const repo = join(import.meta.dirname, '..', '..');
const alice = 'discord:111111111111111111' as MemoryUserId;
const bob = 'discord:222222222222222222' as MemoryUserId;
const carol = 'discord:333333333333333333' as MemoryUserId;
const dave = 'discord:444444444444444444' as MemoryUserId;

/** A job whose single message reads `text`, so that writes can be told apart. */
function job(userId: MemoryUserId, text: string): MemoryWriteJob {
  return { userId, messages: [{ role: 'user', content: text }], origin: { kind: 'dm' } };
}

function textOf(written: MemoryWriteJob): string {
  return written.messages.map((message) => message.content).join('|');
}

/** A memory backend that records each write; each attempt is settled as the test scripts it. */
class RecordingWriter {
  /** Texts of writes that landed, in the order they landed. */
  readonly landed: string[] = [];
  /** Every attempt: its text and when it began. */
  readonly attempts: Array<{ text: string; at: number }> = [];
  running = 0;
  mostRunning = 0;
  private readonly runningPerUser = new Map<string, number>();
  mostRunningForOneUser = 0;
  private readonly held: Array<{ text: string; release: () => void; fail: () => void }> = [];

  constructor(
    private readonly behaviour: {
      /** How long each write takes before landing, in ms (0: at once). */
      durationMs?: number;
      /** How many times each text fails before it lands. */
      failuresPerText?: number;
      /** Writes wait until the test releases them. */
      hold?: boolean;
    } = {},
  ) {}

  readonly write = async (written: MemoryWriteJob): Promise<void> => {
    const text = textOf(written);
    const failedBefore = this.attempts.filter((attempt) => attempt.text === text).length;
    this.attempts.push({ text, at: performance.now() });
    this.running++;
    this.mostRunning = Math.max(this.mostRunning, this.running);
    const userRunning = (this.runningPerUser.get(written.userId) ?? 0) + 1;
    this.runningPerUser.set(written.userId, userRunning);
    this.mostRunningForOneUser = Math.max(this.mostRunningForOneUser, userRunning);
    try {
      if (this.behaviour.hold === true) {
        await new Promise<void>((resolve, reject) => {
          this.held.push({ text, release: resolve, fail: () => reject(new Error('mem0 is down')) });
        });
      } else if ((this.behaviour.durationMs ?? 0) > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.behaviour.durationMs));
      }
      if (failedBefore < (this.behaviour.failuresPerText ?? 0)) {
        throw Object.assign(new Error(`429 while remembering "${text}"`), { status: 429 });
      }
      this.landed.push(text);
    } finally {
      this.running--;
      this.runningPerUser.set(written.userId, userRunning - 1);
    }
  };

  /** Texts of the writes now waiting for the test. */
  heldTexts(): string[] {
    return this.held.map((entry) => entry.text);
  }

  /** Lets the held write of `text` land (`fail`: reject it instead). */
  settle(text: string, outcome: 'land' | 'fail' = 'land'): void {
    const index = this.held.findIndex((entry) => entry.text === text);
    const entry = this.held[index];
    if (entry === undefined) throw new Error(`no write of "${text}" is held`);
    this.held.splice(index, 1);
    if (outcome === 'land') entry.release();
    else entry.fail();
  }
}

/** A logger that keeps every line it writes, as parsed JSON and as raw text. */
function recordingLogger() {
  const lines: string[] = [];
  // The bot's own logger, whose error serializer keeps an error's kind and never its message.
  const logger = createLogger({
    level: 'debug',
    secrets: [],
    destination: { write: (line: string) => void lines.push(line) },
  });
  return {
    logger,
    lines,
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

let dir: string;
let dbPath: string;
let open: MemoryWriteQueue[];

function openQueue(
  options: Pick<DurableWriteQueueOptions, 'write'> & Partial<DurableWriteQueueOptions>,
): MemoryWriteQueue {
  const queue = createDurableWriteQueue({
    path: dbPath,
    logger: silentLogger,
    initialRetryDelayMs: 10,
    maxRetryDelayMs: 50,
    ...options,
  });
  open.push(queue);
  return queue;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wellness0-write-queue-'));
  dbPath = join(dir, 'memory-writes.sqlite');
  open = [];
});

afterEach(async () => {
  vi.useRealTimers();
  for (const queue of open) await queue.stop(100);
  rmSync(dir, { recursive: true, force: true });
});

describe('durable write queue', () => {
  it('writes a job once and then removes it from disk', async () => {
    const writer = new RecordingWriter();
    const queue = openQueue({ write: writer.write });
    queue.start();
    queue.enqueue(job(alice, 'I started running again'));

    expect(await queue.whenEmpty(2_000)).toBe(true);
    expect(writer.landed).toEqual(['I started running again']);
    expect(queue.stats()).toEqual({
      depth: 0,
      oldestAgeMs: undefined,
      inFlight: 0,
      deadLetters: 0,
    });
  });

  it('passes the job to the write as it was enqueued', async () => {
    const written: MemoryWriteJob[] = [];
    const queue = openQueue({
      write: async (each) => {
        written.push(each);
      },
    });
    const original: MemoryWriteJob = {
      userId: alice,
      messages: [
        { role: 'user', content: 'my cat is called Miso' },
        { role: 'assistant', content: 'Miso is a lovely name.' },
      ],
      origin: {
        kind: 'guild',
        guildId: '500000000000000001',
        channelId: '600000000000000001',
        audienceChannelId: '600000000000000001',
      },
    };
    queue.enqueue(original);
    queue.start();

    expect(await queue.whenEmpty(2_000)).toBe(true);
    expect(written).toEqual([original]);
  });

  it('gives a server write queued by an earlier version the channel it was said in as audience', async () => {
    const written: MemoryWriteJob[] = [];
    const queue = openQueue({
      write: async (each) => {
        written.push(each);
      },
    });
    const origin = {
      kind: 'guild' as const,
      guildId: '500000000000000001',
      channelId: '600000000000000002',
    };
    queue.enqueue({ userId: alice, messages: [{ role: 'user', content: 'hi' }], origin });
    queue.start();

    expect(await queue.whenEmpty(2_000)).toBe(true);
    expect(written[0]?.origin).toEqual({ ...origin, audienceChannelId: origin.channelId });
  });

  it('writes the jobs of one user one at a time, in the order they were enqueued', async () => {
    const writer = new RecordingWriter({ durationMs: 5 });
    const queue = openQueue({ write: writer.write, concurrency: 4 });
    queue.start();
    for (const text of ['one', 'two', 'three', 'four', 'five']) queue.enqueue(job(alice, text));

    expect(await queue.whenEmpty(5_000)).toBe(true);
    expect(writer.landed).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(writer.mostRunningForOneUser).toBe(1);
  });

  it('writes different users in parallel, never more than `concurrency` at once', async () => {
    const writer = new RecordingWriter({ durationMs: 20 });
    const queue = openQueue({ write: writer.write, concurrency: 2 });
    for (const user of [alice, bob, carol, dave]) {
      queue.enqueue(job(user, `${user} first`));
      queue.enqueue(job(user, `${user} second`));
    }
    queue.start();

    expect(await queue.whenEmpty(5_000)).toBe(true);
    expect(writer.landed).toHaveLength(8);
    expect(writer.mostRunning).toBe(2);
    expect(writer.mostRunningForOneUser).toBe(1);
  });

  it('retries a failing write with growing delays until it lands, and writes it once', async () => {
    const writer = new RecordingWriter({ failuresPerText: 3 });
    const queue = openQueue({
      write: writer.write,
      initialRetryDelayMs: 20,
      maxRetryDelayMs: 1_000,
    });
    queue.start();
    queue.enqueue(job(alice, 'I slept badly'));

    expect(await queue.whenEmpty(5_000)).toBe(true);
    expect(writer.landed).toEqual(['I slept badly']);
    expect(writer.attempts).toHaveLength(4);
    const gaps = writer.attempts.slice(1).map((attempt, index) => {
      return attempt.at - (writer.attempts[index]?.at ?? 0);
    });
    // Equal jitter waits at least half of 20, 40 and 80 ms (less a millisecond of timer rounding).
    expect(gaps[0]).toBeGreaterThanOrEqual(9);
    expect(gaps[1]).toBeGreaterThanOrEqual(19);
    expect(gaps[2]).toBeGreaterThanOrEqual(39);
  });

  it('keeps a later job of a user waiting behind an earlier one that keeps failing', async () => {
    const writer = new RecordingWriter({ hold: true });
    const queue = openQueue({ write: writer.write });
    queue.start();
    queue.enqueue(job(alice, 'alice first'));
    queue.enqueue(job(alice, 'alice second'));
    queue.enqueue(job(bob, 'bob first'));
    await until(() => writer.heldTexts().length === 2);

    writer.settle('alice first', 'fail');
    writer.settle('bob first');
    await until(() => writer.heldTexts().length === 1);
    // The retry is of the failed job, not of the one behind it.
    expect(writer.heldTexts()).toEqual(['alice first']);
    writer.settle('alice first');
    await until(() => writer.heldTexts().length === 1);
    writer.settle('alice second');

    expect(await queue.whenEmpty(2_000)).toBe(true);
    expect(writer.landed).toEqual(['bob first', 'alice first', 'alice second']);
  });

  it('shows the depth and the age of the oldest job while writes fail', async () => {
    let clock = 1_000_000;
    const log = recordingLogger();
    const queue = openQueue({
      write: () => Promise.reject(new Error('mem0 is down')),
      logger: log.logger,
      now: () => clock,
    });
    queue.enqueue(job(alice, 'first'));
    clock += 1_000;
    queue.enqueue(job(bob, 'second'));
    clock += 4_000;
    queue.start();
    await until(() =>
      log.entries().some((entry) => entry.msg === 'memory write failed; will retry'),
    );

    expect(queue.stats()).toMatchObject({ depth: 2, oldestAgeMs: 5_000 });
    const failure = log.entries().find((entry) => entry.msg === 'memory write failed; will retry');
    expect(failure).toMatchObject({ level: 40, depth: 2, oldestAgeMs: 5_000 });
  });

  it('logs the depth at info while jobs wait', async () => {
    const log = recordingLogger();
    const writer = new RecordingWriter({ hold: true });
    const queue = openQueue({ write: writer.write, logger: log.logger, statsLogIntervalMs: 10 });
    queue.enqueue(job(alice, 'first'));
    queue.start();

    await until(() => log.entries().some((entry) => entry.msg === 'memory writes waiting'));
    const line = log.entries().find((entry) => entry.msg === 'memory writes waiting');
    expect(line).toMatchObject({ level: 30, depth: 1, inFlight: 1 });
    expect(line?.oldestAgeMs).toEqual(expect.any(Number));
  });

  it('never logs what was said', async () => {
    const log = recordingLogger();
    const writer = new RecordingWriter({ failuresPerText: 2 });
    const queue = openQueue({ write: writer.write, logger: log.logger });
    queue.start();
    queue.enqueue(job(alice, 'my secret diagnosis'));

    expect(await queue.whenEmpty(2_000)).toBe(true);
    expect(log.lines.length).toBeGreaterThan(2);
    expect(log.lines.join('\n')).not.toContain('secret diagnosis');
  });

  it('writes jobs left by an earlier run after a restart, each exactly once', async () => {
    const first = openQueue({ write: () => new Promise<void>(() => {}) });
    first.start();
    for (const text of ['a1', 'a2', 'a3']) first.enqueue(job(alice, text));
    for (const text of ['b1', 'b2']) first.enqueue(job(bob, text));
    await until(() => first.stats().inFlight === 2);
    await first.stop(20);

    const writer = new RecordingWriter();
    const second = openQueue({ write: writer.write });
    second.start();

    expect(await second.whenEmpty(5_000)).toBe(true);
    expect([...writer.landed].sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
    expect(writer.landed.filter((text) => text.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
  });

  it('keeps every enqueued job when its process is killed with SIGKILL', async () => {
    const jobs = 20;
    const child = spawn(
      join(repo, 'node_modules', '.bin', 'tsx'),
      [join(repo, 'test', 'helpers', 'queue-child.ts'), dbPath, String(jobs)],
      // Its own process group: tsx runs the script in a child process, and both must die.
      { cwd: repo, detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) => {
      child.once('exit', (_code, signal) => resolve(signal));
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('enqueued')) resolve();
      });
      child.once('exit', () => reject(new Error(`child exited early: ${output}`)));
    });
    process.kill(-(child.pid ?? 0), 'SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const writer = new RecordingWriter();
    const queue = openQueue({ write: writer.write });
    queue.start();

    expect(await queue.whenEmpty(5_000)).toBe(true);
    const expected = Array.from({ length: jobs }, (_, index) => `job ${index}`);
    expect([...writer.landed].sort()).toEqual([...expected].sort());
  });

  it('does not keep a process alive on its own while writes are failing', async () => {
    const child = spawn(
      join(repo, 'node_modules', '.bin', 'tsx'),
      [join(repo, 'test', 'helpers', 'queue-child.ts'), dbPath, '4', 'fail-and-exit'],
      { cwd: repo, detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
        reject(new Error('the child was kept alive'));
      }, 15_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    expect(exitCode).toBe(0);

    const writer = new RecordingWriter();
    const queue = openQueue({ write: writer.write });
    queue.start();
    expect(await queue.whenEmpty(5_000)).toBe(true);
    expect([...writer.landed].sort()).toEqual(['job 0', 'job 1', 'job 2', 'job 3']);
  });

  it("discards only that user's queued jobs and waits for the one in flight", async () => {
    const writer = new RecordingWriter({ hold: true });
    const queue = openQueue({ write: writer.write });
    queue.start();
    for (const text of ['alice 1', 'alice 2', 'alice 3']) queue.enqueue(job(alice, text));
    for (const text of ['bob 1', 'bob 2']) queue.enqueue(job(bob, text));
    await until(() => writer.heldTexts().length === 2);

    let removed: number | undefined;
    const discarding = queue.discard(alice).then((count) => {
      removed = count;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(removed).toBeUndefined();
    writer.settle('alice 1');
    await discarding;
    expect(removed).toBe(2);

    writer.settle('bob 1');
    await until(() => writer.heldTexts().length === 1);
    writer.settle('bob 2');
    expect(await queue.whenEmpty(2_000)).toBe(true);
    expect(writer.landed).toEqual(['alice 1', 'bob 1', 'bob 2']);
  });

  it('does not retry a discarded job whose write was in flight and failed', async () => {
    const writer = new RecordingWriter({ hold: true });
    const queue = openQueue({ write: writer.write });
    queue.start();
    queue.enqueue(job(alice, 'forget me'));
    await until(() => writer.heldTexts().length === 1);

    const discarding = queue.discard(alice);
    writer.settle('forget me', 'fail');

    expect(await discarding).toBe(0);
    expect(await queue.whenEmpty(1_000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(writer.attempts).toHaveLength(1);
  });

  it('drops a corrupt row with a log line and writes the others', async () => {
    const log = recordingLogger();
    const writer = new RecordingWriter();
    const queue = openQueue({ write: writer.write, logger: log.logger });
    queue.enqueue(job(alice, 'before'));
    queue.enqueue(job(alice, 'private words'));
    queue.enqueue(job(alice, 'after'));
    queue.enqueue(job(bob, 'wrong shape'));
    const raw = new Database(dbPath);
    raw
      .prepare('UPDATE memory_write_jobs SET payload = ? WHERE payload LIKE ?')
      .run('{"messages": [private words', '%private words%');
    raw
      .prepare('UPDATE memory_write_jobs SET payload = ? WHERE payload LIKE ?')
      .run('{"messages": "wrong shape", "origin": {}}', '%wrong shape%');
    raw.close();
    queue.start();

    expect(await queue.whenEmpty(2_000)).toBe(true);
    expect(writer.landed).toEqual(['before', 'after']);
    const dropped = log.entries().filter((e) => e.msg === 'dropped an unreadable memory write job');
    expect(dropped.map((entry) => entry.reason).sort()).toEqual([
      'payload has the wrong shape',
      'payload is not JSON',
    ]);
    expect(log.lines.join('\n')).not.toContain('private words');
  });

  it('waits for a job in flight at stop and keeps the ones not started', async () => {
    const writer = new RecordingWriter({ durationMs: 30 });
    const first = openQueue({ write: writer.write, concurrency: 1 });
    for (const text of ['one', 'two', 'three']) first.enqueue(job(alice, text));
    first.start();
    await until(() => writer.attempts.length === 1);
    await first.stop(1_000);
    expect(writer.landed).toEqual(['one']);

    const second = openQueue({ write: writer.write });
    second.start();
    expect(await second.whenEmpty(2_000)).toBe(true);
    expect(writer.landed).toEqual(['one', 'two', 'three']);
  });

  it('leaves no timer running after stop', async () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    const queue = openQueue({ write: () => Promise.reject(new Error('mem0 is down')) });
    queue.start();
    queue.enqueue(job(alice, 'first'));
    queue.enqueue(job(bob, 'second'));
    await vi.advanceTimersByTimeAsync(200);
    const waiting = queue.whenEmpty(60_000);
    expect(vi.getTimerCount()).toBeGreaterThan(0);

    await queue.stop(1_000);

    expect(vi.getTimerCount()).toBe(0);
    expect(await waiting).toBe(false);
  });

  it('refuses new jobs once stopped', async () => {
    const queue = openQueue({ write: async () => {} });
    await queue.stop(100);

    expect(() => queue.enqueue(job(alice, 'too late'))).toThrow(/stopped/);
  });
});

describe('durable write queue batching', () => {
  const inDm: MemoryOrigin = { kind: 'dm', channelId: '700000000000000001' };
  const inServer = (
    guildId: string,
    channelId = '800000000000000001',
    audienceChannelId = channelId,
  ): MemoryOrigin => ({ kind: 'guild', guildId, channelId, audienceChannelId });

  /** One exchange: what the person said and the bot's answer to it. */
  function exchange(userId: MemoryUserId, text: string, origin: MemoryOrigin = inDm) {
    return {
      userId,
      messages: [
        { role: 'user' as const, content: text },
        { role: 'assistant' as const, content: `re: ${text}` },
      ],
      origin,
    };
  }

  /** A write that records every job it is given; `failFirst` attempts reject. */
  function recordingWrite(failFirst = 0) {
    const written: MemoryWriteJob[] = [];
    let attempts = 0;
    return {
      written,
      texts: () => written.map((each) => each.messages.map((m) => m.content).join('|')),
      write: async (each: MemoryWriteJob) => {
        written.push(each);
        attempts++;
        if (attempts <= failFirst) throw new Error('mem0 is down');
      },
    };
  }

  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
  });

  it("merges one person's waiting exchanges in one scope into one write, messages in order", async () => {
    const recorder = recordingWrite();
    const queue = openQueue({ write: recorder.write, batchWindowMs: 1_000, maxJobsPerBatch: 6 });
    queue.start();
    queue.enqueue(exchange(alice, 'I slept badly'));
    await vi.advanceTimersByTimeAsync(300);
    queue.enqueue(exchange(alice, 'work was stressful'));
    queue.enqueue(exchange(alice, 'but my sister called'));
    await vi.advanceTimersByTimeAsync(1_000);

    expect(recorder.written).toEqual([
      {
        userId: alice,
        messages: [
          { role: 'user', content: 'I slept badly' },
          { role: 'assistant', content: 're: I slept badly' },
          { role: 'user', content: 'work was stressful' },
          { role: 'assistant', content: 're: work was stressful' },
          { role: 'user', content: 'but my sister called' },
          { role: 'assistant', content: 're: but my sister called' },
        ],
        origin: inDm,
      },
    ]);
    expect(await queue.whenEmpty(0)).toBe(true);
  });

  it('writes nothing until the oldest waiting exchange is a window old', async () => {
    const recorder = recordingWrite();
    const queue = openQueue({ write: recorder.write, batchWindowMs: 1_000, maxJobsPerBatch: 6 });
    queue.start();
    queue.enqueue(exchange(alice, 'first'));
    await vi.advanceTimersByTimeAsync(600);
    queue.enqueue(exchange(alice, 'second'));

    await vi.advanceTimersByTimeAsync(399);
    expect(recorder.written).toEqual([]);
    expect(queue.stats()).toMatchObject({ depth: 2, oldestAgeMs: 999 });

    await vi.advanceTimersByTimeAsync(1);
    expect(recorder.texts()).toEqual(['first|re: first|second|re: second']);
  });

  it('never merges exchanges from different memory scopes or different people', async () => {
    const recorder = recordingWrite();
    const queue = openQueue({ write: recorder.write, batchWindowMs: 1_000, maxJobsPerBatch: 6 });
    queue.start();
    queue.enqueue(exchange(alice, 'dm one'));
    queue.enqueue(exchange(alice, 'server A', inServer('500000000000000001')));
    queue.enqueue(exchange(alice, 'server B', inServer('500000000000000002')));
    queue.enqueue(exchange(bob, 'bob dm'));
    queue.enqueue(exchange(alice, 'dm two'));
    queue.enqueue(exchange(alice, 'server A again', inServer('500000000000000001')));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await queue.whenEmpty(1_000)).toBe(true);

    const byText = new Map(recorder.written.map((each) => [each.messages[0]?.content, each]));
    expect(recorder.written).toHaveLength(4);
    expect(byText.get('dm one')).toMatchObject({ userId: alice, origin: inDm });
    expect(byText.get('dm one')?.messages.map((m) => m.content)).toEqual([
      'dm one',
      're: dm one',
      'dm two',
      're: dm two',
    ]);
    expect(byText.get('server A')?.messages.map((m) => m.content)).toEqual([
      'server A',
      're: server A',
      'server A again',
      're: server A again',
    ]);
    expect(byText.get('server A')?.origin).toEqual(inServer('500000000000000001'));
    expect(byText.get('server B')?.messages).toHaveLength(2);
    expect(byText.get('bob dm')).toMatchObject({ userId: bob });
    expect(byText.get('bob dm')?.messages).toHaveLength(2);
  });

  it('names no channel for a batch said in a channel and its public thread', async () => {
    const recorder = recordingWrite();
    const queue = openQueue({ write: recorder.write, batchWindowMs: 1_000, maxJobsPerBatch: 6 });
    queue.start();
    const guildId = '500000000000000001';
    const general = '800000000000000001';
    queue.enqueue(exchange(alice, 'in general', inServer(guildId, general)));
    queue.enqueue(exchange(alice, 'in a thread', inServer(guildId, '800000000000000002', general)));
    await vi.advanceTimersByTimeAsync(1_000);

    expect(recorder.written.map((each) => each.origin)).toEqual([
      { kind: 'guild', guildId, audienceChannelId: general },
    ]);
  });

  it('never batches what was said in two channels of one server', async () => {
    const recorder = recordingWrite();
    const queue = openQueue({ write: recorder.write, batchWindowMs: 1_000, maxJobsPerBatch: 6 });
    queue.start();
    const guildId = '500000000000000001';
    queue.enqueue(exchange(alice, 'in the staff room', inServer(guildId, '800000000000000001')));
    queue.enqueue(exchange(alice, 'in the lobby', inServer(guildId, '800000000000000002')));
    await vi.advanceTimersByTimeAsync(1_000);

    expect(recorder.texts()).toHaveLength(2);
  });

  it('writes at once, without waiting for the window, when the most exchanges per batch are waiting', async () => {
    const recorder = recordingWrite();
    const queue = openQueue({ write: recorder.write, batchWindowMs: 30_000, maxJobsPerBatch: 3 });
    queue.start();
    for (const text of ['one', 'two', 'three', 'four']) queue.enqueue(exchange(alice, text));
    await vi.advanceTimersByTimeAsync(0);

    expect(recorder.texts()).toEqual(['one|re: one|two|re: two|three|re: three']);
    expect(queue.stats().depth).toBe(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(recorder.texts()).toHaveLength(2);
    expect(recorder.texts()[1]).toBe('four|re: four');
  });

  it("keeps one batch's messages within the character cap", async () => {
    const recorder = recordingWrite();
    const queue = openQueue({
      write: recorder.write,
      batchWindowMs: 1_000,
      maxJobsPerBatch: 6,
      maxBatchChars: 60,
    });
    queue.start();
    // Each exchange holds 2 × 12 + 4 = 28 characters: two fit in 60, a third does not.
    for (const text of ['aaaaaaaaaaa1', 'aaaaaaaaaaa2', 'aaaaaaaaaaa3']) {
      queue.enqueue(exchange(alice, text));
    }
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await queue.whenEmpty(1_000)).toBe(true);

    expect(recorder.written.map((each) => each.messages.length)).toEqual([4, 2]);
    expect(recorder.texts().join('|')).toBe(
      'aaaaaaaaaaa1|re: aaaaaaaaaaa1|aaaaaaaaaaa2|re: aaaaaaaaaaa2|aaaaaaaaaaa3|re: aaaaaaaaaaa3',
    );
  });

  it('with a window of 0 writes at once, and merges what waited behind the write in flight', async () => {
    const writer = new RecordingWriter({ hold: true });
    const queue = openQueue({ write: writer.write, batchWindowMs: 0, maxJobsPerBatch: 6 });
    queue.start();
    queue.enqueue(job(alice, 'first'));
    await vi.advanceTimersByTimeAsync(0);
    expect(writer.heldTexts()).toEqual(['first']);

    queue.enqueue(job(alice, 'second'));
    queue.enqueue(job(alice, 'third'));
    await vi.advanceTimersByTimeAsync(0);
    expect(writer.heldTexts()).toEqual(['first']);
    writer.settle('first');
    await vi.advanceTimersByTimeAsync(0);
    expect(writer.heldTexts()).toEqual(['second|third']);
    writer.settle('second|third');
    await vi.advanceTimersByTimeAsync(0);

    expect(writer.landed).toEqual(['first', 'second|third']);
    expect(await queue.whenEmpty(0)).toBe(true);
  });

  it('after a restart, writes waiting exchanges a window after they were first enqueued', async () => {
    const first = openQueue({
      write: recordingWrite().write,
      batchWindowMs: 10_000,
      maxJobsPerBatch: 6,
    });
    first.start();
    first.enqueue(exchange(alice, 'before the crash'));
    await vi.advanceTimersByTimeAsync(3_000);
    first.enqueue(exchange(alice, 'just before the crash'));
    await first.stop(100);
    await vi.advanceTimersByTimeAsync(4_000);

    const recorder = recordingWrite();
    const second = openQueue({ write: recorder.write, batchWindowMs: 10_000, maxJobsPerBatch: 6 });
    second.start();
    expect(second.stats()).toMatchObject({ depth: 2, oldestAgeMs: 7_000 });
    await vi.advanceTimersByTimeAsync(2_999);
    expect(recorder.written).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);

    expect(recorder.texts()).toEqual([
      'before the crash|re: before the crash|just before the crash|re: just before the crash',
    ]);
  });

  it('discards every waiting exchange of that person, and only theirs', async () => {
    const recorder = recordingWrite();
    const queue = openQueue({ write: recorder.write, batchWindowMs: 5_000, maxJobsPerBatch: 6 });
    queue.start();
    queue.enqueue(exchange(alice, 'forget this'));
    queue.enqueue(exchange(alice, 'and this', inServer('500000000000000001')));
    queue.enqueue(exchange(bob, 'keep mine'));
    queue.enqueue(exchange(alice, 'and this too'));

    expect(await queue.discard(alice)).toBe(3);
    await vi.advanceTimersByTimeAsync(5_000);

    expect(recorder.texts()).toEqual(['keep mine|re: keep mine']);
    expect(await queue.whenEmpty(0)).toBe(true);
  });

  it('retries a failed batch with every one of its exchanges, and writes them once it lands', async () => {
    const recorder = recordingWrite(1);
    const queue = openQueue({
      write: recorder.write,
      batchWindowMs: 1_000,
      maxJobsPerBatch: 6,
      initialRetryDelayMs: 400,
      maxRetryDelayMs: 400,
    });
    queue.start();
    for (const text of ['one', 'two', 'three']) queue.enqueue(exchange(alice, text));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(recorder.written).toHaveLength(1);
    expect(queue.stats()).toMatchObject({ depth: 3, inFlight: 0 });

    await vi.advanceTimersByTimeAsync(400);
    expect(recorder.texts()).toEqual([
      'one|re: one|two|re: two|three|re: three',
      'one|re: one|two|re: two|three|re: three',
    ]);
    expect(await queue.whenEmpty(0)).toBe(true);
  });

  it('waits between retries the backoff its random source draws, one draw per failure', async () => {
    const draws = [0, 0.5, 0.999_999];
    let drawn = 0;
    const recorder = recordingWrite(3);
    const queue = openQueue({
      write: recorder.write,
      initialRetryDelayMs: 100,
      maxRetryDelayMs: 1_000,
      random: () => draws[drawn++] ?? 0,
    });
    queue.start();
    queue.enqueue(exchange(alice, 'one'));
    await vi.advanceTimersByTimeAsync(0);
    expect(recorder.written).toHaveLength(1);

    // Equal jitter: half of 100, 200 and 400 ms, plus the draw's share of the other half.
    for (const [waitMs, attempts] of [
      [50, 2],
      [150, 3],
      [400, 4],
    ] as const) {
      await vi.advanceTimersByTimeAsync(waitMs - 1);
      expect(recorder.written).toHaveLength(attempts - 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(recorder.written).toHaveLength(attempts);
    }
    expect(drawn).toBe(3);
    expect(await queue.whenEmpty(0)).toBe(true);
  });

  it('counts every exchange of a batch in flight', async () => {
    const writer = new RecordingWriter({ hold: true });
    const queue = openQueue({ write: writer.write, batchWindowMs: 1_000, maxJobsPerBatch: 6 });
    queue.start();
    queue.enqueue(job(alice, 'one'));
    queue.enqueue(job(alice, 'two'));
    await vi.advanceTimersByTimeAsync(1_000);

    expect(queue.stats()).toMatchObject({ depth: 2, inFlight: 2 });
    writer.settle('one|two');
    await vi.advanceTimersByTimeAsync(0);
    expect(queue.stats()).toEqual({
      depth: 0,
      oldestAgeMs: undefined,
      inFlight: 0,
      deadLetters: 0,
    });
  });

  it('writes waiting exchanges at once when flushed, as at shutdown', async () => {
    const recorder = recordingWrite();
    const queue = openQueue({ write: recorder.write, batchWindowMs: 30_000, maxJobsPerBatch: 6 });
    queue.start();
    queue.enqueue(exchange(alice, 'one'));
    queue.enqueue(exchange(alice, 'two'));
    queue.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(recorder.texts()).toEqual(['one|re: one|two|re: two']);

    // The flush covers what was waiting when it was asked for; what comes later waits its window.
    queue.enqueue(exchange(alice, 'after the flush'));
    await vi.advanceTimersByTimeAsync(29_999);
    expect(recorder.texts()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(recorder.texts()).toHaveLength(2);
  });
});

describe('durable write queue bounds', () => {
  const dayMs = 24 * 60 * 60_000;
  const givenUp = 'memory write failed for good; moved to the dead letters';
  const full = 'memory write queue is full; its oldest jobs went to the dead letters';
  const backingUp = 'memory writes are backing up';

  /** A row of the dead-letter table, as an operator would read it. */
  interface DeadLetterRow {
    id: number;
    user_id: string;
    payload: string;
    created_at: number;
    attempts: number;
    failed_at: number;
    reason: string;
  }

  /** The dead letters in the queue's file, read with a connection of its own. */
  function deadLetterRows(): DeadLetterRow[] {
    const raw = new Database(dbPath, { readonly: true });
    try {
      return raw
        .prepare('SELECT * FROM memory_write_dead_letters ORDER BY id')
        .all() as DeadLetterRow[];
    } finally {
      raw.close();
    }
  }

  /** Whether `text` can still be read in the queue's file or its WAL. */
  function fileHolds(text: string): boolean {
    return ['', '-wal'].some((suffix) => {
      const path = `${dbPath}${suffix}`;
      return existsSync(path) && readFileSync(path).includes(text);
    });
  }

  /** A write that always fails, with an error whose message quotes what was said. */
  function failingWrite() {
    let attempts = 0;
    return {
      attempts: () => attempts,
      write: async (written: MemoryWriteJob) => {
        attempts++;
        throw Object.assign(new Error(`mem0 refused "${textOf(written)}"`), { status: 500 });
      },
    };
  }

  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
  });

  it('moves a write that keeps failing to the dead letters after maxAttempts, with a warning, and never retries it', async () => {
    const log = recordingLogger();
    const failing = failingWrite();
    // No jitter: retries 5 and 10 ms apart, so the third attempt fails 15 ms after the enqueue.
    const queue = openQueue({
      write: failing.write,
      logger: log.logger,
      maxAttempts: 3,
      random: () => 0,
    });
    queue.start();
    queue.enqueue(job(alice, 'my secret diagnosis'));
    await vi.advanceTimersByTimeAsync(1_000);

    expect(failing.attempts()).toBe(3);
    expect(queue.stats()).toMatchObject({ depth: 0, inFlight: 0, deadLetters: 1 });
    expect(await queue.whenEmpty(0)).toBe(true);
    expect(log.entries().filter((entry) => entry.msg === givenUp)).toEqual([
      expect.objectContaining({
        level: 40,
        reason: 'attempts',
        attempts: 3,
        jobs: 1,
        jobIds: [1],
        oldestAgeMs: 15,
      }),
    ]);
    expect(deadLetterRows()).toEqual([
      expect.objectContaining({ id: 1, user_id: alice, attempts: 3, reason: 'attempts' }),
    ]);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(failing.attempts()).toBe(3);
    expect(log.lines.join('\n')).not.toContain('secret diagnosis');
    expect(log.lines.join('\n')).not.toContain('mem0 refused');
  });

  it('moves a failing write to the dead letters once its oldest job is older than maxAgeMs', async () => {
    const failing = failingWrite();
    const queue = openQueue({
      write: failing.write,
      maxAgeMs: 5_000,
      initialRetryDelayMs: 1_000,
      maxRetryDelayMs: 1_000,
      // No jitter: an attempt every 500 ms, the twelfth at 5.5 s, the first past 5 s of age.
      random: () => 0,
    });
    queue.start();
    queue.enqueue(job(alice, 'first'));
    await vi.advanceTimersByTimeAsync(5_499);
    expect(queue.stats()).toMatchObject({ depth: 1, deadLetters: 0 });

    await vi.advanceTimersByTimeAsync(1);
    expect(queue.stats()).toMatchObject({ depth: 0, deadLetters: 1 });
    expect(deadLetterRows()).toEqual([
      expect.objectContaining({ user_id: alice, attempts: 12, reason: 'age' }),
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(failing.attempts()).toBe(12);
  });

  it('keeps the newest maxDepth jobs when more are enqueued, moving the oldest to the dead letters with one warning', async () => {
    const log = recordingLogger();
    const writer = new RecordingWriter();
    const queue = openQueue({ write: writer.write, logger: log.logger, maxDepth: 3 });
    for (const text of ['one', 'two', 'three', 'four', 'five', 'six']) {
      queue.enqueue(job(alice, text));
    }

    expect(queue.stats()).toMatchObject({ depth: 3, deadLetters: 3 });
    expect(log.entries().filter((entry) => entry.msg === full)).toEqual([
      expect.objectContaining({ level: 40, reason: 'overflow', depth: 3, maxDepth: 3, moved: 1 }),
    ]);
    expect(deadLetterRows().map((row) => [row.id, row.reason])).toEqual([
      [1, 'overflow'],
      [2, 'overflow'],
      [3, 'overflow'],
    ]);
    queue.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(await queue.whenEmpty(0)).toBe(true);
    expect(writer.landed).toEqual(['four', 'five', 'six']);
  });

  it('repeats the full warning at most once a minute while the queue stays full, counting every job moved', async () => {
    const log = recordingLogger();
    const queue = openQueue({ write: async () => {}, logger: log.logger, maxDepth: 2 });
    for (const text of ['one', 'two', 'three', 'four', 'five']) queue.enqueue(job(alice, text));
    await vi.advanceTimersByTimeAsync(59_999);
    queue.enqueue(job(alice, 'six'));
    await vi.advanceTimersByTimeAsync(1);
    queue.enqueue(job(alice, 'seven'));

    const warnings = log.entries().filter((entry) => entry.msg === full);
    expect(warnings.map((entry) => entry.moved)).toEqual([1, 4]);
    expect(queue.stats()).toMatchObject({ depth: 2, deadLetters: 5 });
  });

  it('never moves a job in flight to make room', async () => {
    const writer = new RecordingWriter({ hold: true });
    const queue = openQueue({ write: writer.write, maxDepth: 2 });
    queue.start();
    queue.enqueue(job(alice, 'first'));
    await vi.advanceTimersByTimeAsync(0);
    expect(writer.heldTexts()).toEqual(['first']);
    queue.enqueue(job(alice, 'second'));
    queue.enqueue(job(alice, 'third'));
    expect(queue.stats()).toMatchObject({ depth: 2, inFlight: 1, deadLetters: 1 });

    writer.settle('first');
    await vi.advanceTimersByTimeAsync(0);
    writer.settle('third');
    await vi.advanceTimersByTimeAsync(0);
    expect(writer.landed).toEqual(['first', 'third']);
    expect(await queue.whenEmpty(0)).toBe(true);
  });

  it('warns once when the backlog passes warnDepth, and again only after it fell back and passed it again', async () => {
    const log = recordingLogger();
    const writer = new RecordingWriter();
    const queue = openQueue({ write: writer.write, logger: log.logger, warnDepth: 2 });
    const warnings = () => log.entries().filter((entry) => entry.msg === backingUp);
    for (const text of ['one', 'two', 'three', 'four']) queue.enqueue(job(alice, text));
    expect(warnings()).toEqual([
      expect.objectContaining({ level: 40, depth: 3, warnDepth: 2, maxDepth: 10_000 }),
    ]);
    // Still over a minute later: the same crossing, no new warning.
    await vi.advanceTimersByTimeAsync(61_000);
    queue.enqueue(job(alice, 'five'));
    expect(warnings()).toHaveLength(1);

    queue.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(await queue.whenEmpty(0)).toBe(true);
    for (const text of ['six', 'seven', 'eight']) queue.enqueue(job(alice, text));
    expect(warnings()).toHaveLength(2);
    expect(warnings()[1]).toMatchObject({ depth: 3 });
    expect(queue.stats().deadLetters).toBe(0);
  });

  it("removes that person's dead letters and their text when they ask to forget, and not another person's", async () => {
    const queue = openQueue({
      write: failingWrite().write,
      maxAttempts: 1,
      batchWindowMs: 10_000,
      maxJobsPerBatch: 6,
    });
    queue.start();
    queue.enqueue(job(alice, 'alice private words'));
    queue.enqueue(job(bob, 'bob words'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(queue.stats()).toMatchObject({ depth: 0, deadLetters: 2 });
    queue.enqueue(job(alice, 'alice still waiting'));

    // Only the queued job counts, as before there were dead letters.
    expect(await queue.discard(alice)).toBe(1);
    expect(queue.stats()).toMatchObject({ depth: 0, deadLetters: 1 });
    expect(deadLetterRows().map((row) => row.user_id)).toEqual([bob]);
    expect(fileHolds('alice private words')).toBe(false);
    expect(fileHolds('bob words')).toBe(true);
  });

  it('keeps no dead letter of a job discarded while its last attempt was in flight', async () => {
    const writer = new RecordingWriter({ hold: true });
    const queue = openQueue({ write: writer.write, maxAttempts: 1 });
    queue.start();
    queue.enqueue(job(alice, 'forget me'));
    await vi.advanceTimersByTimeAsync(0);

    const discarding = queue.discard(alice);
    writer.settle('forget me', 'fail');

    expect(await discarding).toBe(0);
    expect(queue.stats()).toMatchObject({ depth: 0, deadLetters: 0 });
    expect(deadLetterRows()).toEqual([]);
  });

  it('deletes dead letters older than a week at start, and keeps newer ones', async () => {
    const first = openQueue({ write: failingWrite().write, maxAttempts: 1 });
    first.start();
    first.enqueue(job(alice, 'an old failure'));
    await vi.advanceTimersByTimeAsync(0);
    vi.setSystemTime(Date.now() + 5 * dayMs);
    first.enqueue(job(bob, 'a newer failure'));
    await vi.advanceTimersByTimeAsync(0);
    expect(first.stats().deadLetters).toBe(2);
    await first.stop(100);

    vi.setSystemTime(Date.now() + 2 * dayMs + 1);
    const second = openQueue({ write: async () => {} });
    second.start();

    expect(second.stats().deadLetters).toBe(1);
    expect(deadLetterRows().map((row) => row.user_id)).toEqual([bob]);
    expect(fileHolds('an old failure')).toBe(false);
    expect(fileHolds('a newer failure')).toBe(true);
  });

  it('deletes dead letters past their retention on its once-a-minute timer', async () => {
    const queue = openQueue({
      write: failingWrite().write,
      maxAttempts: 1,
      deadLetterRetentionMs: 90_000,
    });
    queue.start();
    queue.enqueue(job(alice, 'a failure'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(queue.stats().deadLetters).toBe(1);
    expect(fileHolds('a failure')).toBe(true);

    await vi.advanceTimersByTimeAsync(60_000);
    expect(queue.stats().deadLetters).toBe(0);
    expect(fileHolds('a failure')).toBe(false);
  });

  it('keeps dead letters across a stop and a start of the same file, without retrying them', async () => {
    const first = openQueue({ write: failingWrite().write, maxAttempts: 1 });
    first.start();
    first.enqueue(job(alice, 'failed for good'));
    await vi.advanceTimersByTimeAsync(0);
    await first.stop(100);

    const writer = new RecordingWriter();
    const second = openQueue({ write: writer.write });
    second.start();
    await vi.advanceTimersByTimeAsync(0);

    expect(second.stats()).toEqual({
      depth: 0,
      oldestAgeMs: undefined,
      inFlight: 0,
      deadLetters: 1,
    });
    expect(await second.whenEmpty(0)).toBe(true);
    expect(writer.attempts).toEqual([]);
  });

  it('logs the stats when dead letters were added though nothing waits, and not again until more are', async () => {
    const log = recordingLogger();
    const queue = openQueue({
      write: failingWrite().write,
      logger: log.logger,
      maxAttempts: 1,
      statsLogIntervalMs: 1_000,
    });
    const statsLines = () => log.entries().filter((entry) => entry.msg === 'memory writes waiting');
    queue.start();
    queue.enqueue(job(alice, 'first'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(statsLines()).toEqual([
      expect.objectContaining({ level: 30, depth: 0, inFlight: 0, deadLetters: 1 }),
    ]);

    await vi.advanceTimersByTimeAsync(3_000);
    expect(statsLines()).toHaveLength(1);
    queue.enqueue(job(bob, 'second'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(statsLines()).toHaveLength(2);
    expect(statsLines()[1]).toMatchObject({ depth: 0, deadLetters: 2 });
  });
});
