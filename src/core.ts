import { join } from 'node:path';
import type { Config } from './config.js';
import { createConversation, type Turn, type TurnResult } from './conversation/conversation.js';
import { createForgetGenerations } from './conversation/forget-generations.js';
import { createConversationHistory, type PersonHistory } from './conversation/history.js';
import { defaultPersona } from './conversation/persona.js';
import type { ReplyTarget } from './conversation/reply-target.js';
import { createTurnQueue } from './conversation/turn-queue.js';
import { createLimiterStore, type LimiterStore } from './limits/bottleneck-limiters.js';
import { createRateGate, startIntervalMs } from './limits/rate-gate.js';
import { limitChatModel } from './limits/limited-chat-model.js';
import { createGeminiChatModel, useGeminiBaseUrl } from './llm/gemini.js';
import { withRetries } from './llm/retrying-chat-model.js';
import type { Logger } from './logger.js';
import { memoryErrorCode } from './ops/memory-error-code.js';
import { type Metrics, noMetrics } from './ops/metrics.js';
import { countingReferrals, timedGate } from './ops/observed.js';
import { createMemoryStore } from './memory/create-memory-store.js';
import { createDurableWriteQueue, type MemoryWriteQueue } from './memory/durable-write-queue.js';
import type { MemoryWriteJob } from './memory/memory-store.js';
import type { MemoryStore } from './memory/memory-store.js';
import type { MemoryUserId } from './memory/user-id.js';
import { createCrisisFirst } from './safety/crisis-first.js';
import { createDisclosureSchedule, type PersonDisclosures } from './safety/disclosure.js';
import { createHeldExchanges } from './safety/held-exchanges.js';
import { createReferralCounts } from './safety/referral-counts.js';
import { createSafetySettings, type SafetySettings } from './safety/safety-settings.js';
import { makePrivateDir } from './storage/private-files.js';

/** The parts of the app shared by the Discord bot and the terminal chat. */
export interface Core {
  /**
   * Makes DATA_DIR private (0700, created if missing) and starts the memory write worker, which
   * picks up writes an earlier run left on disk. Call once, before the first `submit`.
   */
  start(): void;
  /**
   * Checks a message for a crisis the moment it is read and, for one, posts the crisis lines to
   * `target` at once; returns the turn to submit (with what the safety rules need).
   */
  screen(turn: Turn, target: ReplyTarget): Turn;
  /**
   * Queues one message for an answer: per person in order, within the rate limits. A turn not
   * screened yet is screened first.
   */
  submit(turn: Turn, target: ReplyTarget): Promise<TurnResult>;
  memory: MemoryStore;
  /** The limiters' state: in this process, or shared by every process through Redis (REDIS_URL). */
  limiters: LimiterStore;
  /** Resolves when turns in flight and their memory writes (flushed, not waiting for a batch) have settled, or after `timeoutMs`; returns how many are left. */
  whenIdle(timeoutMs: number): Promise<number>;
  /**
   * Forgets a person's short-term conversation: their turns queued or in flight will record
   * nothing; waits for the turn running now (bounded) and for their memory writes in flight.
   */
  forgetShortTerm(userId: MemoryUserId): Promise<void>;
  /**
   * Resolves once the exchanges queued for memory so far are durable (a worker's go to Redis
   * after `submit` resolves): a message is marked answered only after, so that a worker killed
   * in between leaves it to be answered, and remembered, again.
   */
  writesAccepted(): Promise<void>;
  /** Clears text deleted so far (landed or discarded memory writes) from the WAL of the write queue's file. */
  clearDeletedText(): void;
  /** Each person's safety settings (region, locale, under 18). */
  safety: SafetySettings;
  /**
   * Queues for long-term memory the crisis exchange held back under `key`, which its person
   * agreed to; false when it is no longer held (expired, forgotten, or already remembered).
   */
  rememberWithheld(userId: MemoryUserId, key: string): boolean;
  /** Waits for turns and pending memory writes, then releases the memory store. */
  close(timeoutMs: number): Promise<void>;
  /**
   * The person's short-term state (conversations, AI-notice schedule, greetings, safety
   * settings), for the next process that serves them (see src/scale/worker-app.ts).
   */
  exportPerson(userId: MemoryUserId): PersonSnapshot;
  /** Replaces the person's short-term state with one exported by another process. */
  importPerson(userId: MemoryUserId, snapshot: PersonSnapshot): void;
}

/** A person's short-term state, as JSON can carry it. */
export interface PersonSnapshot {
  history: PersonHistory;
  disclosures: PersonDisclosures;
  /** Places (`<userId>|<place>`) where they were greeted already. */
  greeted: string[];
  safety: { region: string | null; locale: string | null; minor: boolean };
}

/** What the core takes besides Config. */
export interface CoreExtras {
  firstContactNote?: string;
  /** The clock of the disclosure schedule (tests move it on by hours). */
  now?: () => number;
  /** Told of turns' failures, waits, referrals and queues (none recorded when absent). */
  metrics?: Metrics;
  /**
   * When a person last asked to be forgotten in any process (a worker of a split bot): memory
   * writes queued here before then are dropped unwritten (see DurableWriteQueueOptions).
   */
  forgottenAt?: (userId: string) => Promise<number | undefined>;
  /**
   * The memory write queue every process shares (a worker's, in Redis), built from the real
   * write and this process's queue on disk, which takes what the shared one cannot. Without it,
   * the queue on disk is the only one.
   */
  /**
   * Keeps each person's safety settings in this process's memory instead of DATA_DIR (a worker:
   * Redis holds them, and a copy on its disk would outlive a /forget handled elsewhere).
   */
  safetySettingsInMemory?: boolean;
  sharedWrites?: (parts: {
    write: (job: MemoryWriteJob) => Promise<void>;
    fallback: MemoryWriteQueue;
  }) => MemoryWriteQueue;
}

// How long /forget waits for the person's turn in flight to end; it records nothing either way.
const forgetWaitsForTurnMs = 30_000;

/** Builds memory, model and conversation from Config; performs no I/O until `start` or first use. */
export function createCore(config: Config, logger: Logger, extras: CoreExtras = {}): Core {
  useGeminiBaseUrl(config.geminiBaseUrl);
  const limiters = createLimiterStore({
    redisUrl: config.redisUrl,
    onError: logAtMostEveryMinute(logger, 'limiter store (Redis) error'),
    onFallback(sharedAgain) {
      if (sharedAgain) logger.info('limiter store (Redis) is back; limits are shared again');
      else
        logger.warn(
          'limiter store (Redis) out of reach; limits are kept in this process until it is back',
        );
    },
  });
  // One limit per model and API key's project: every process with the same model shares it.
  const geminiGate = createRateGate({
    pacer: limiters.startPacer({
      id: `gemini:${config.geminiModel}`,
      minIntervalMs: startIntervalMs(config.limits.geminiRequestsPerMinute),
      maxConcurrent: config.limits.geminiMaxConcurrent,
      // Longer than a request may take (GEMINI_TIMEOUT_MS), so that only a dead process's
      // requests stop counting.
      maxRunMs: config.geminiTimeoutMs + 30_000,
    }),
    requestsPerMinute: config.limits.geminiRequestsPerMinute,
    noticeAfterMs: config.limits.queueNoticeAfterMs,
    backgroundEvery: config.limits.memoryExtractionEvery,
  });
  const metrics = extras.metrics ?? noMetrics;
  // Every call's wait for its Gemini slot is measured, answers apart from memory extraction.
  const gate = timedGate(geminiGate, metrics);
  // mem0 open source extracts memories with the same Gemini model, under the same quota: its
  // calls take their turn in the same gate: after the answers waiting, but at least one start in
  // every MEMORY_EXTRACTION_EVERY, so that memories are written under continuous chat too.
  const memory = createMemoryStore(config, (call) =>
    gate.schedule(call, undefined, { background: true }),
  );
  // Exchanges to remember, on disk until mem0 has them: retried across outages and restarts.
  // A person's exchanges in one place are batched, since every mem0 add costs an extraction call.
  const write = (job: MemoryWriteJob) =>
    memory.add(job.userId, job.messages, job.origin).catch((error: unknown) => {
      metrics.memoryError('add', memoryErrorCode(error));
      throw error;
    });
  const localWrites = createDurableWriteQueue({
    path: join(config.dataDir, 'memory-writes.db'),
    write,
    logger,
    batchWindowMs: config.memoryBatch.windowMs,
    maxJobsPerBatch: config.memoryBatch.maxExchanges,
    ...(extras.forgottenAt === undefined ? {} : { forgottenAt: extras.forgottenAt }),
  });
  const writes = extras.sharedWrites?.({ write, fallback: localWrites }) ?? localWrites;
  // Retries outside the gate, so that every attempt waits for its own slot in the rate limit.
  const model = withRetries(
    limitChatModel(
      createGeminiChatModel({
        apiKey: config.geminiApiKey,
        model: config.geminiModel,
        baseUrl: config.geminiBaseUrl,
        requestTimeoutMs: config.geminiTimeoutMs,
        // Room for a few messages of answer (and the thinking before it), not for a flood.
        maxOutputTokens: 8_192,
        thinkingLevel: config.geminiThinking.answers,
      }),
      gate,
    ),
    { maxAttempts: 3, initialDelayMs: 1_000, maxDelayMs: 20_000 },
  );
  const history = createConversationHistory({ ...config.history, maxConversations: 10_000 });
  const generations = createForgetGenerations();
  const safetySettings = createSafetySettings({
    path: extras.safetySettingsInMemory ? ':memory:' : join(config.dataDir, 'safety-settings.db'),
  });
  const referrals = countingReferrals(
    createReferralCounts({
      path: join(config.dataDir, 'crisis-referrals.json'),
      onUnreadable: (movedTo, error) =>
        logger.error({ err: error, movedTo }, 'referral counts file unreadable; moved aside'),
    }),
    metrics,
  );
  const held = createHeldExchanges({
    sessionIdleMs: config.history.idleExpiryMs,
    ...(extras.now === undefined ? {} : { now: extras.now }),
  });
  const disclosure = createDisclosureSchedule({
    idleMs: config.history.idleExpiryMs,
    ...(extras.now === undefined ? {} : { now: extras.now }),
  });
  const greeted = new Set<string>();
  const crisisFirst = createCrisisFirst({
    resources: config.crisis.resources,
    settings: safetySettings,
    referrals,
    defaultRegion: config.crisis.defaultRegion,
    logger,
  });
  const conversation = createConversation({
    memory,
    model,
    history,
    ...(extras.firstContactNote === undefined ? {} : { firstContactNote: extras.firstContactNote }),
    persona: config.persona ?? defaultPersona,
    maxMemoriesPerPrompt: config.maxMemoriesPerPrompt,
    memorySearchTimeoutMs: config.memorySearchTimeoutMs,
    maxMessageChars: config.maxMessageChars,
    remember: (job) => writes.enqueue(job),
    generations,
    greeted,
    logger,
    metrics,
    safety: {
      resources: config.crisis.resources,
      disclosure,
      held,
      referrals,
    },
  });
  const queue = createTurnQueue({
    conversation,
    userTurnsPerMinute: config.limits.userTurnsPerMinute,
    mergeWindowMs: config.limits.userMergeWindowMs,
    maxWaitingMessages: config.limits.userMaxWaitingMessages,
    logger,
  });
  metrics.watchQueues({
    activePeople: () => queue.activeUsers(),
    geminiWaiting: () => geminiGate.waiting(),
    memoryWrites: () => writes.stats(),
  });
  const turnsInFlight = new Set<Promise<unknown>>();
  async function whenIdle(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    await Promise.race([
      Promise.allSettled([...turnsInFlight]),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
    // Whoever waits for idle is leaving (a stop, the chat's exit): no exchange will join a batch.
    writes.flush();
    const emptied = await writes.whenEmpty(Math.max(0, deadline - Date.now()));
    return turnsInFlight.size + (emptied ? 0 : writes.stats().depth);
  }
  return {
    start() {
      makePrivateDir(config.dataDir);
      writes.start();
      limiters.ready().catch((error: unknown) => {
        logger.error({ err: error }, 'limiter store (Redis) not ready');
      });
    },
    screen: (turn, target) => ({ ...turn, safety: crisisFirst.screen(turn, target) }),
    submit(turn, target) {
      // Before the queue, the limits, memory and the model: the crisis lines go out at once.
      const safety = turn.safety ?? crisisFirst.screen(turn, target);
      const turnDone = queue.submit(
        { ...turn, generation: generations.current(turn.userId), safety },
        target,
      );
      const tracked: Promise<unknown> = turnDone.then(
        () => turnsInFlight.delete(tracked),
        () => turnsInFlight.delete(tracked),
      );
      turnsInFlight.add(tracked);
      return turnDone;
    },
    memory,
    limiters,
    whenIdle,
    safety: safetySettings,
    rememberWithheld(userId, key) {
      const job = held.release(userId, key);
      if (job === undefined) return false;
      writes.enqueue(job);
      return true;
    },
    clearDeletedText: () => writes.clearDeletedText(),
    writesAccepted: () => writes.accepted(),
    exportPerson(userId) {
      const safety = safetySettings.get(userId);
      return {
        history: history.exportPerson(userId),
        disclosures: disclosure.exportPerson(userId),
        greeted: [...greeted].filter((key) => key.startsWith(`${userId}|`)),
        safety: {
          region: safety.region ?? null,
          locale: safety.locale ?? null,
          minor: safety.minor,
        },
      };
    },
    importPerson(userId, snapshot) {
      history.importPerson(userId, snapshot.history);
      disclosure.importPerson(userId, snapshot.disclosures);
      for (const key of [...greeted]) if (key.startsWith(`${userId}|`)) greeted.delete(key);
      for (const key of snapshot.greeted) if (key.startsWith(`${userId}|`)) greeted.add(key);
      const { region, locale, minor } = snapshot.safety;
      const local = safetySettings.get(userId);
      // Nothing known: nothing kept (not a row of defaults).
      if (region === null && locale === null && !minor) {
        safetySettings.forget(userId);
      } else if (
        local.region !== (region ?? undefined) ||
        local.locale !== (locale ?? undefined) ||
        local.minor !== minor
      ) {
        safetySettings.update(userId, {
          region: region ?? undefined,
          locale: locale ?? undefined,
          minor,
        });
      }
    },
    async forgetShortTerm(userId) {
      // First, so that no turn of theirs records anything from now on; then let the one running
      // finish on Discord (it will not be remembered) before its history is cleared.
      generations.advance(userId);
      await Promise.race([
        queue.turnEnded(userId),
        new Promise((resolve) => setTimeout(resolve, forgetWaitsForTurnMs).unref()),
      ]);
      history.forgetPerson(userId);
      held.forget(userId);
      await writes.discard(userId);
    },
    async close(timeoutMs) {
      const started = Date.now();
      const left = await whenIdle(timeoutMs);
      if (left > 0) {
        logger.warn(
          { pending: left },
          'turns or memory writes still pending at shutdown; queued writes stay on disk for the next start',
        );
      }
      await writes.stop(Math.max(1_000, timeoutMs - (Date.now() - started)));
      safetySettings.close();
      held.close();
      await memory.close();
      await limiters.close();
    },
  };
}

/** A log of `message` with the error's code, at most once a minute (a reconnecting client repeats it). */
function logAtMostEveryMinute(logger: Logger, message: string): (error: unknown) => void {
  let loggedAt = -Infinity;
  return (error) => {
    if (Date.now() - loggedAt < 60_000) return;
    loggedAt = Date.now();
    logger.error({ err: error }, message);
  };
}
