import type { ReplyTarget } from '../conversation/reply-target.js';
import type { EndedTurn, TurnOutcome } from './metrics.js';

/** A ReplyTarget that notes when the answer's first text and its final text went out. */
export interface TimedReply {
  target: ReplyTarget;
  /**
   * The turn as it ended, timed from when the TimedReply was made; `merged` instead of `outcome`
   * when no text was completed here (the message was answered through a later one).
   */
  ended(outcome: TurnOutcome): EndedTurn;
}

/**
 * Wraps `target` from the moment a message is received: the first text is the first non-empty
 * `update` (the answer streaming in; statuses and the crisis lines are not the answer), or the
 * final text when the answer came whole; the final text is the last `complete` once delivered.
 */
export function timeReply(
  target: ReplyTarget,
  now: () => number = () => performance.now(),
): TimedReply {
  const startedAt = now();
  let firstTextAt: number | undefined;
  let finalTextAt: number | undefined;
  let completedWithText = false;
  return {
    target: {
      startTyping: () => target.startTyping(),
      notice: (text) => target.notice(text),
      update(textSoFar) {
        if (textSoFar !== '') firstTextAt ??= now();
        target.update(textSoFar);
      },
      async complete(text, offers) {
        await target.complete(text, offers);
        finalTextAt = now();
        if (text === '') return;
        completedWithText = true;
        firstTextAt ??= finalTextAt;
      },
      sendNow: (text) => target.sendNow(text),
    },
    ended(outcome) {
      const endedAt = finalTextAt ?? now();
      return {
        outcome: outcome !== 'failed' && !completedWithText ? 'merged' : outcome,
        firstTextMs: firstTextAt === undefined ? undefined : firstTextAt - startedAt,
        finalTextMs: endedAt - startedAt,
      };
    },
  };
}
