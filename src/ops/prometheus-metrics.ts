import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  geminiErrorCodes,
  type Metrics,
  type QueueDepths,
  type QueueSources,
  referralTriggers,
  turnOutcomes,
} from './metrics.js';

/** Metrics kept in a Prometheus registry of their own, and read out in its text format. */
export interface PrometheusMetrics extends Metrics {
  /** Every series now, in the Prometheus text format. */
  text(): Promise<string>;
  /** The Content-Type of {@link PrometheusMetrics.text}. */
  contentType: string;
  /** The queues now, for readiness; undefined until watched, or once one cannot be read (stopped). */
  queues(): QueueDepths | undefined;
}

// Time to first and to final text: a few hundred ms when Gemini is quick, up to a minute when
// answers wait in line for the per-minute limit.
const turnSecondsBuckets = [0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 45, 60];
// A limiter wait is usually nothing, a paced Discord edit up to about a second, a Gemini slot
// up to minutes under a low GEMINI_REQUESTS_PER_MINUTE.
const waitSecondsBuckets = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * Metrics in a prom-client Registry of their own (never the global one, so that two apps in a
 * process, as in tests, do not mix), with Node's default process metrics. Queue gauges are read
 * when scraped. Labels are the bounded lists of metrics.ts; each is created at 0, so that a rate
 * of something that never happened yet reads 0 instead of no data.
 */
export function createPrometheusMetrics(): PrometheusMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let sources: QueueSources | undefined;

  const turns = new Counter({
    name: 'wellness0_turns_total',
    help: 'Turns ended, by outcome: answered, a notice instead of an answer, or failed.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const firstText = new Histogram({
    name: 'wellness0_turn_first_text_seconds',
    help: 'From receiving a message to the first text of its answer, for answered turns.',
    buckets: turnSecondsBuckets,
    registers: [registry],
  });
  const finalText = new Histogram({
    name: 'wellness0_turn_final_text_seconds',
    help: 'From receiving a message to its final text delivered, for answered turns.',
    buckets: turnSecondsBuckets,
    registers: [registry],
  });
  const referrals = new Counter({
    name: 'wellness0_crisis_referrals_total',
    help: 'Crisis lines sent, by trigger: a crisis detected, or an answer Gemini blocked for safety.',
    labelNames: ['trigger'] as const,
    registers: [registry],
  });
  const geminiErrors = new Counter({
    name: 'wellness0_gemini_errors_total',
    help: 'Gemini calls of an answer that failed for good (after retries), by code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const memoryErrors = new Counter({
    name: 'wellness0_memory_errors_total',
    help: 'mem0 calls that failed, by operation and code.',
    labelNames: ['operation', 'code'] as const,
    registers: [registry],
  });
  const limiterWaits = new Histogram({
    name: 'wellness0_limiter_wait_seconds',
    help: 'How long a job waited in a limiter before it started, by what it waited for.',
    labelNames: ['reason'] as const,
    buckets: waitSecondsBuckets,
    registers: [registry],
  });
  for (const outcome of turnOutcomes) turns.inc({ outcome }, 0);
  for (const trigger of referralTriggers) referrals.inc({ trigger }, 0);
  for (const code of geminiErrorCodes) geminiErrors.inc({ code }, 0);

  /** Reads one queue; a queue that cannot be read (stopped) leaves its gauge as it was. */
  function gauge(name: string, help: string, read: (queues: QueueSources) => number): void {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        if (sources === undefined) return;
        try {
          this.set(read(sources));
        } catch {
          // The write queue throws once stopped; a scrape during shutdown keeps the last value.
        }
      },
    });
  }
  gauge(
    'wellness0_turn_queue_active_people',
    'People with messages queued or a turn running.',
    (queues) => queues.activePeople(),
  );
  gauge(
    'wellness0_gemini_queue_waiting',
    'Jobs waiting for a Gemini slot (answers and memory extraction).',
    (queues) => queues.geminiWaiting(),
  );
  gauge(
    'wellness0_memory_writes_waiting',
    'Memory writes on disk not yet written to mem0 (in flight included).',
    (queues) => queues.memoryWrites().depth,
  );
  gauge('wellness0_memory_writes_in_flight', 'Memory writes being written now.', (queues) => {
    return queues.memoryWrites().inFlight;
  });
  gauge(
    'wellness0_memory_write_oldest_age_seconds',
    'Age of the oldest memory write waiting; 0 when none waits.',
    (queues) => (queues.memoryWrites().oldestAgeMs ?? 0) / 1_000,
  );
  gauge(
    'wellness0_memory_write_dead_letters',
    'Memory writes given up on, kept for an operator to look at.',
    (queues) => queues.memoryWrites().deadLetters,
  );

  return {
    turnEnded({ outcome, firstTextMs, finalTextMs }) {
      turns.inc({ outcome });
      if (outcome !== 'answered') return;
      if (firstTextMs !== undefined) firstText.observe(firstTextMs / 1_000);
      finalText.observe(finalTextMs / 1_000);
    },
    crisisReferral: (trigger) => referrals.inc({ trigger }),
    geminiError: (code) => geminiErrors.inc({ code }),
    memoryError: (operation, code) => memoryErrors.inc({ operation, code }),
    limiterWait: (ms, reason) => limiterWaits.observe({ reason }, Math.max(0, ms) / 1_000),
    watchQueues(queues) {
      sources = queues;
    },
    text: () => registry.metrics(),
    contentType: registry.contentType,
    queues() {
      if (sources === undefined) return undefined;
      try {
        return {
          activePeople: sources.activePeople(),
          geminiWaiting: sources.geminiWaiting(),
          memoryWrites: sources.memoryWrites(),
        };
      } catch {
        return undefined;
      }
    },
  };
}
