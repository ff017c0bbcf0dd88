// What the bot reports for operations, as our own interface: the core and the Discord layer call
// it, one implementation (prometheus-metrics.ts) turns it into Prometheus series. Every label is
// one of the bounded lists below, never an id or any text: a label value that named a person,
// a channel or a server would put them in the metrics store, one series each.

import type { ChatModelError } from '../llm/chat-model.js';
import type { WriteQueueStats } from '../memory/write-queue-stats.js';
import type { ReferralTrigger } from '../safety/referral-counts.js';

/**
 * How a message's turn ended: answered, a notice instead of an answer, answered through a later
 * message of the same person (a burst, or past the waiting cap: one answer for both), or failed.
 */
export const turnOutcomes = ['answered', 'notice', 'merged', 'failed'] as const;
/** One of {@link turnOutcomes}. */
export type TurnOutcome = (typeof turnOutcomes)[number];

/** What made the bot send crisis lines (as counted in referral-counts.ts). */
export const referralTriggers = [
  'detected',
  'safety-block',
] as const satisfies readonly ReferralTrigger[];

/** Why a Gemini call failed: the codes of ChatModelError. */
export const geminiErrorCodes = [
  'rate-limited',
  'unavailable',
  'timeout',
  'rejected',
  'unauthorized',
] as const satisfies readonly ChatModelError['code'][];
/** One of {@link geminiErrorCodes}. */
export type GeminiErrorCode = (typeof geminiErrorCodes)[number];

/** The memory calls whose failures are counted: recall, the first-contact lookup, writes. */
export const memoryOperations = ['search', 'list', 'add'] as const;
/** One of {@link memoryOperations}. */
export type MemoryOperation = (typeof memoryOperations)[number];

/** Why a memory call failed (see memory-error-code.ts). */
export const memoryErrorCodes = [
  'timeout',
  'unreachable',
  'unauthorized',
  'rate-limited',
  'unavailable',
  'rejected',
  'other',
] as const;
/** One of {@link memoryErrorCodes}. */
export type MemoryErrorCode = (typeof memoryErrorCodes)[number];

/**
 * What a job waited for: a Gemini slot for an answer, or for mem0's memory extraction (same
 * gate, same quota), or the per-channel pace of Discord sends and edits.
 */
export const limiterReasons = ['gemini-answer', 'gemini-memory', 'discord-channel'] as const;
/** One of {@link limiterReasons}. */
export type LimiterReason = (typeof limiterReasons)[number];

/** One turn as it ended, timed from the moment the bot received the message. */
export interface EndedTurn {
  outcome: TurnOutcome;
  /** Until the first text of the answer was handed to the reply; undefined when none was. */
  firstTextMs: number | undefined;
  /** Until the final text was delivered. */
  finalTextMs: number;
}

/** The queues read at scrape time; each function is cheap and never waits. */
export interface QueueSources {
  /** People with messages queued or a turn running (TurnQueue.activeUsers). */
  activePeople(): number;
  /** Jobs waiting for a Gemini slot, answers and memory extraction (RateGate.waiting). */
  geminiWaiting(): number;
  /** The durable memory write queue; it throws once the queue is stopped. */
  memoryWrites(): WriteQueueStats;
}

/** The queues' depths at one moment. */
export interface QueueDepths {
  activePeople: number;
  geminiWaiting: number;
  memoryWrites: WriteQueueStats;
}

/** What the bot reports for operations; every method returns at once and never throws. */
export interface Metrics {
  /** One turn ended (answered, a notice, or failed). */
  turnEnded(turn: EndedTurn): void;
  /** Crisis lines went to someone (counted like referral-counts.ts counts them). */
  crisisReferral(trigger: ReferralTrigger): void;
  /** A Gemini call failed for good (after its retries). */
  geminiError(code: GeminiErrorCode): void;
  /** A memory call failed. */
  memoryError(operation: MemoryOperation, code: MemoryErrorCode): void;
  /** A job waited `ms` in a limiter before it started (0 when it started at once). */
  limiterWait(ms: number, reason: LimiterReason): void;
  /** Reads these queues at each scrape from now on. */
  watchQueues(queues: QueueSources): void;
}

/** Metrics that record nothing: for when METRICS_PORT is unset, the terminal chat and tests. */
export const noMetrics: Metrics = {
  turnEnded() {},
  crisisReferral() {},
  geminiError() {},
  memoryError() {},
  limiterWait() {},
  watchQueues() {},
};
