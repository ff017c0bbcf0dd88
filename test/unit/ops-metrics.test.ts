import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../../src/conversation/with-timeout.js';
import { memoryErrorCode } from '../../src/ops/memory-error-code.js';
import {
  geminiErrorCodes,
  limiterReasons,
  memoryErrorCodes,
  memoryOperations,
  noMetrics,
  type QueueSources,
  referralTriggers,
  turnOutcomes,
} from '../../src/ops/metrics.js';
import { createPrometheusMetrics } from '../../src/ops/prometheus-metrics.js';
import { timeReply } from '../../src/ops/turn-timing.js';
import { RecordingReplyTarget } from '../fakes/core-fakes.js';

const queues: QueueSources = {
  activePeople: () => 3,
  geminiWaiting: () => 2,
  memoryWrites: () => ({ depth: 5, oldestAgeMs: 1_500, inFlight: 1, deadLetters: 4 }),
};

/** The value of one series in a Prometheus text body (`name{labels}` exactly as printed). */
function series(body: string, name: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('Prometheus metrics', () => {
  it('times only answered turns, while counting every outcome', async () => {
    const metrics = createPrometheusMetrics();
    metrics.turnEnded({ outcome: 'answered', firstTextMs: 400, finalTextMs: 1_200 });
    metrics.turnEnded({ outcome: 'notice', firstTextMs: 30_000, finalTextMs: 30_000 });

    const text = await metrics.text();

    expect(series(text, 'wellness0_turns_total{outcome="answered"}')).toBe(1);
    expect(series(text, 'wellness0_turns_total{outcome="notice"}')).toBe(1);
    expect(series(text, 'wellness0_turns_total{outcome="failed"}')).toBe(0);
    expect(series(text, 'wellness0_turn_first_text_seconds_count')).toBe(1);
    expect(series(text, 'wellness0_turn_first_text_seconds_sum')).toBe(0.4);
    expect(series(text, 'wellness0_turn_first_text_seconds_bucket{le="0.5"}')).toBe(1);
    expect(series(text, 'wellness0_turn_final_text_seconds_sum')).toBe(1.2);
  });

  it('reads the queues when scraped, not when told of them', async () => {
    const metrics = createPrometheusMetrics();
    let people = 1;
    metrics.watchQueues({ ...queues, activePeople: () => people });
    people = 7;

    const text = await metrics.text();

    expect(series(text, 'wellness0_turn_queue_active_people')).toBe(7);
    expect(series(text, 'wellness0_gemini_queue_waiting')).toBe(2);
    expect(series(text, 'wellness0_memory_writes_waiting')).toBe(5);
    expect(series(text, 'wellness0_memory_writes_in_flight')).toBe(1);
    expect(series(text, 'wellness0_memory_write_oldest_age_seconds')).toBe(1.5);
    expect(series(text, 'wellness0_memory_write_dead_letters')).toBe(4);
  });

  it('still answers a scrape when a queue cannot be read (stopped), and reports no depths for readiness', async () => {
    const metrics = createPrometheusMetrics();
    metrics.watchQueues({
      ...queues,
      memoryWrites: () => {
        throw new Error('The memory write queue is stopped');
      },
    });

    const text = await metrics.text();

    expect(series(text, 'wellness0_turn_queue_active_people')).toBe(3);
    expect(metrics.queues()).toBeUndefined();
  });

  it('labels every series it records with values of its bounded lists only', async () => {
    const metrics = createPrometheusMetrics();
    for (const outcome of turnOutcomes)
      metrics.turnEnded({ outcome, firstTextMs: 1, finalTextMs: 2 });
    for (const trigger of referralTriggers) metrics.crisisReferral(trigger);
    for (const code of geminiErrorCodes) metrics.geminiError(code);
    for (const operation of memoryOperations) {
      for (const code of memoryErrorCodes) metrics.memoryError(operation, code);
    }
    for (const reason of limiterReasons) metrics.limiterWait(10, reason);
    const allowed = new Set<string>([
      ...turnOutcomes,
      ...referralTriggers,
      ...geminiErrorCodes,
      ...memoryOperations,
      ...memoryErrorCodes,
      ...limiterReasons,
    ]);

    const ours = (await metrics.text()).split('\n').filter((l) => l.startsWith('wellness0_'));
    const labelValues = ours.flatMap((line) =>
      [...line.matchAll(/(\w+)="([^"]*)"/g)].filter(([, name]) => name !== 'le').map((m) => m[2]),
    );

    expect(labelValues.length).toBeGreaterThan(40);
    expect(labelValues.filter((value) => value === undefined || !allowed.has(value))).toEqual([]);
  });

  it('keeps a registry of its own, so that two apps in one process count apart', async () => {
    const one = createPrometheusMetrics();
    const other = createPrometheusMetrics();
    one.crisisReferral('detected');

    const text = await other.text();

    expect(series(text, 'wellness0_crisis_referrals_total{trigger="detected"}')).toBe(0);
  });
});

describe('no metrics', () => {
  it('accepts every call and records nothing', () => {
    expect(() => {
      noMetrics.turnEnded({ outcome: 'answered', firstTextMs: undefined, finalTextMs: 1 });
      noMetrics.crisisReferral('detected');
      noMetrics.geminiError('timeout');
      noMetrics.memoryError('search', 'unreachable');
      noMetrics.limiterWait(5, 'gemini-answer');
      noMetrics.watchQueues(queues);
    }).not.toThrow();
  });
});

describe('turn timing', () => {
  it('takes the first non-empty update as the first text and the completed text as the final one', async () => {
    let now = 1_000;
    const timed = timeReply(new RecordingReplyTarget(), () => now);
    now = 1_050;
    await timed.target.notice('waiting in line');
    timed.target.update('');
    now = 1_300;
    timed.target.update('Hello');
    now = 1_400;
    timed.target.update('Hello there');
    now = 2_000;
    await timed.target.complete('Hello there, friend');

    expect(timed.ended('answered')).toEqual({
      outcome: 'answered',
      firstTextMs: 300,
      finalTextMs: 1_000,
    });
  });

  it('says merged for a message whose reply never got text (answered through a later one)', async () => {
    const timed = timeReply(new RecordingReplyTarget());
    // The turn queue takes away a status shown on a message answered through another one.
    await timed.target.complete('');

    expect(timed.ended('answered').outcome).toBe('merged');
    expect(timed.ended('answered').firstTextMs).toBeUndefined();
  });
});

describe('memory error codes', () => {
  it('calls a refused connection unreachable (what fetch throws for a closed port)', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const error = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);

    expect(memoryErrorCode(error)).toBe('unreachable');
  });

  it.each([
    ['HTTP_401', 'unauthorized'],
    ['HTTP_403', 'unauthorized'],
    ['HTTP_429', 'rate-limited'],
    ['HTTP_504', 'timeout'],
    ['HTTP_502', 'unavailable'],
    ['HTTP_400', 'rejected'],
  ] as const)("reads mem0's MemoryError errorCode %s as %s", (errorCode, code) => {
    const error = Object.assign(new Error('quoted upstream text'), {
      name: 'AuthenticationError',
      errorCode,
    });
    expect(memoryErrorCode(error)).toBe(code);
  });

  it('calls our own memory timeout a timeout, and anything unknown other', () => {
    expect(memoryErrorCode(new TimeoutError('timed out after 5 ms'))).toBe('timeout');
    expect(memoryErrorCode(new Error('something'))).toBe('other');
    expect(memoryErrorCode('a string')).toBe('other');
  });
});
