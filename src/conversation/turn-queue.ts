import type { Logger } from '../logger.js';
import type { Conversation, Turn, TurnResult } from './conversation.js';
import { crisisFallback } from '../safety/crisis-texts.js';
import { notices, slowDownNotice, waitingCapNotice } from './notices.js';
import type { ReplyTarget } from './reply-target.js';

/** Limits of the per-person queue. */
export interface TurnQueueOptions {
  conversation: Conversation;
  /** Most turns one person starts in any minute; more wait, with one notice. */
  userTurnsPerMinute: number;
  /** Queued messages that arrived within this many ms of the one before are answered together. */
  mergeWindowMs: number;
  /** Most messages answered together. */
  maxMergedMessages?: number;
  /** Most characters answered together. */
  maxMergedChars?: number;
  /**
   * Most messages one person may have waiting (default 10); a message beyond it is merged into
   * their newest one waiting from the same place, with one notice, so that a flood costs one
   * answer and a bounded amount of memory, and nothing is dropped.
   */
  maxWaitingMessages?: number;
  logger: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Serialises each person's turns: one at a time, in order, merged when sent in a quick burst or beyond a cap, never dropped. */
export interface TurnQueue {
  /** Queues one message; resolves when the turn that answers it has ended. */
  submit(turn: Turn, target: ReplyTarget): Promise<TurnResult>;
  /** How many people have messages queued or a turn running. */
  activeUsers(): number;
  /** Resolves when the person's turn running now (if any) has ended; never rejects. */
  turnEnded(userId: string): Promise<void>;
}

interface Pending {
  turn: Turn;
  target: ReplyTarget;
  receivedAt: number;
  /** A status was shown on this message's target; it must be cleared if another answers it. */
  noticed?: boolean;
  resolve: (result: TurnResult) => void;
  /** Messages merged into this one beyond the waiting cap (their text is in `turn.text`). */
  absorbed?: Array<Pick<Pending, 'target' | 'noticed' | 'resolve'>>;
}

interface UserState {
  queue: Pending[];
  running: boolean;
  /** Settles when the turn being answered now has ended. */
  current: Promise<unknown> | undefined;
  /** Start times of recent turns, for the per-minute limit. */
  starts: number[];
  /** Until when the person has already been told to slow down. */
  noticedUntil: number;
  /** The person was told that their messages are merged, since their last turn started. */
  capNoticed: boolean;
}

const minuteMs = 60_000;

/** Builds the per-person TurnQueue in front of the conversation core. */
export function createTurnQueue(options: TurnQueueOptions): TurnQueue {
  const now = options.now ?? Date.now;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxMergedMessages = options.maxMergedMessages ?? 10;
  const maxMergedChars = options.maxMergedChars ?? 4_000;
  const maxWaitingMessages = Math.max(1, options.maxWaitingMessages ?? 10);
  const users = new Map<string, UserState>();

  /** Takes the queued messages answered with `batch` (from the front of the queue) and adds them to it. */
  function takeBatch(state: UserState, batch: Pending[] = []): Pending[] {
    const taken: Pending[] = [];
    let chars = batch.reduce((sum, p) => sum + p.turn.text.length, 0);
    for (const next of state.queue) {
      const previous = batch.at(-1);
      if (previous !== undefined) {
        if (next.turn.placeId !== previous.turn.placeId) break;
        // Never one answer across a /forget: what came after is remembered, what came before not.
        if (next.turn.generation !== previous.turn.generation) break;
        if (next.receivedAt - previous.receivedAt > options.mergeWindowMs) break;
        if (batch.length >= maxMergedMessages || chars + next.turn.text.length > maxMergedChars) {
          break;
        }
      }
      batch.push(next);
      taken.push(next);
      chars += next.turn.text.length;
    }
    state.queue.splice(0, taken.length);
    return taken;
  }

  /**
   * Merges `turn` into the person's newest waiting message from the same place and forget
   * generation (never across them: that would answer one audience with another's words), which
   * is then answered through this message; false when there is none.
   */
  function absorb(
    state: UserState,
    turn: Turn,
    target: ReplyTarget,
    resolve: (result: TurnResult) => void,
  ): boolean {
    const into = state.queue.findLast(
      (pending) =>
        pending.turn.placeId === turn.placeId && pending.turn.generation === turn.generation,
    );
    if (into === undefined) return false;
    const crisis = turn.safety?.crisis.isCrisis && !into.turn.safety?.crisis.isCrisis;
    into.absorbed = [
      ...(into.absorbed ?? []),
      { target: into.target, resolve: into.resolve, ...(into.noticed ? { noticed: true } : {}) },
    ];
    into.turn = {
      ...into.turn,
      text: `${into.turn.text}\n${turn.text}`,
      ...(crisis ? { safety: turn.safety } : {}),
    };
    into.target = target;
    into.resolve = resolve;
    into.noticed = false;
    if (!state.capNoticed) {
      state.capNoticed = true;
      into.noticed = true;
      target.notice(waitingCapNotice).catch((error: unknown) => {
        options.logger.debug({ err: error }, 'waiting-cap notice failed');
      });
    }
    return true;
  }

  async function waitForAllowance(state: UserState): Promise<void> {
    for (;;) {
      const windowStart = now() - minuteMs;
      while ((state.starts[0] ?? Infinity) <= windowStart) state.starts.shift();
      if (state.starts.length < options.userTurnsPerMinute) return;
      const waitMs = (state.starts[0] ?? now()) + minuteMs - now();
      if (state.noticedUntil < now()) {
        state.noticedUntil = now() + waitMs;
        const newest = state.queue.at(-1);
        if (newest) newest.noticed = true;
        newest?.target.notice(slowDownNotice(waitMs)).catch((error: unknown) => {
          options.logger.debug({ err: error }, 'slow-down notice failed');
        });
      }
      await sleep(waitMs);
    }
  }

  async function drain(userId: string, state: UserState): Promise<void> {
    state.running = true;
    try {
      while (state.queue.length > 0) {
        await waitForAllowance(state);
        const batch = takeBatch(state);
        state.capNoticed = false;
        const first = batch[0];
        const last = batch.at(-1);
        if (first === undefined || last === undefined) break;
        state.starts.push(now());
        // A crisis in any of the messages puts the answer in crisis mode.
        const crisis = batch.find((p) => p.turn.safety?.crisis.isCrisis)?.turn.safety;
        const turn: Turn = {
          ...first.turn,
          text: batch.map((p) => p.turn.text).join('\n'),
          ...(crisis === undefined ? {} : { safety: crisis }),
        };
        let result: TurnResult;
        try {
          // Messages that arrive while the turn waits for the model join it, as a burst would.
          const responding = options.conversation.respond(turn, last.target, {
            takeQueued: () => takeBatch(state, batch).map((p) => p.turn),
          });
          state.current = responding.catch(() => undefined);
          result = await responding;
        } catch (error) {
          options.logger.error({ err: error }, 'turn failed');
          // After a crisis, never "try again later": the lines were posted (or go with this).
          const crisis = turn.safety?.crisis.isCrisis ? turn.safety : undefined;
          const lines =
            crisis?.crisisLines !== undefined && !(await crisis.crisisLines.delivered)
              ? `${crisis.crisisLines.text}\n\n`
              : '';
          const notice =
            crisis?.crisis.isCrisis === true
              ? lines + crisisFallback(crisis.crisis.language)
              : notices.unexpected;
          await last.target.complete(notice).catch(() => {});
          result = { kind: 'notice', memoriesUsed: 0 };
        }
        // A status shown on a message that was answered through another one is taken away.
        const answered = batch.flatMap((pending) => [pending, ...(pending.absorbed ?? [])]);
        for (const pending of answered) {
          if (pending.noticed && pending !== last) {
            await pending.target.complete('').catch((error: unknown) => {
              options.logger.debug({ err: error }, 'could not clear a notice');
            });
          }
        }
        for (const pending of answered) pending.resolve(result);
      }
    } finally {
      state.running = false;
      // Forget the person once nothing is queued and the per-minute window has passed.
      const lastStart = state.starts.at(-1) ?? 0;
      setTimeout(
        () => {
          if (!state.running && state.queue.length === 0 && users.get(userId) === state) {
            users.delete(userId);
          }
        },
        Math.max(0, lastStart + minuteMs - now()),
      ).unref();
    }
  }

  return {
    submit(turn, target) {
      return new Promise<TurnResult>((resolve) => {
        let state = users.get(turn.userId);
        if (state === undefined) {
          state = {
            queue: [],
            running: false,
            current: undefined,
            starts: [],
            noticedUntil: 0,
            capNoticed: false,
          };
          users.set(turn.userId, state);
        }
        if (state.queue.length >= maxWaitingMessages && absorb(state, turn, target, resolve))
          return;
        state.queue.push({ turn, target, receivedAt: now(), resolve });
        if (!state.running) void drain(turn.userId, state);
      });
    },
    activeUsers: () => [...users.values()].filter((s) => s.running || s.queue.length > 0).length,
    async turnEnded(userId) {
      const state = users.get(userId);
      if (state?.running) await state.current;
    },
  };
}
