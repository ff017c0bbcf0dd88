import { type Clock, systemClock } from './clock.js';

/** Why a job is still waiting, and roughly for how long: what `onWaiting` is told. */
export interface GateWait {
  /**
   * `people-ahead`: foreground jobs (other people's answers) wait ahead of this one.
   * `answer-limit`: it is next, and waits only for the pace or for a running job to finish.
   */
  reason: 'people-ahead' | 'answer-limit';
  /** Its place in line (1 = next): for a foreground job, among the foreground jobs waiting. */
  placeInLine: number;
  /** About how long until it starts: its slot, with the extraction share's slots before it. */
  waitMs: number;
}

/** Admits work at a steady pace and a bounded concurrency, first come first served. */
export interface RateGate {
  /**
   * Runs `job` once it is admitted. While it waits longer than the notice delay, `onWaiting`
   * is told why and for about how long, once. Background jobs are admitted when no foreground
   * job waits, and for their share of starts (`backgroundEvery`) while one does.
   */
  schedule<T>(
    job: () => Promise<T>,
    onWaiting?: (wait: GateWait) => void,
    options?: { background?: boolean },
  ): Promise<T>;
  /** How many jobs are waiting. */
  waiting(): number;
}

/** Options of a RateGate. */
export interface RateGateOptions {
  requestsPerMinute: number;
  maxConcurrent: number;
  /** Waiting longer than this triggers `onWaiting`. */
  noticeAfterMs: number;
  /**
   * While background jobs wait, at least one start in this many goes to the oldest of them, so
   * that background work (memory extraction) is not starved by a line that never empties, and no
   * more while foreground jobs wait too; 0 (the default): background jobs start only when no
   * foreground job waits, with no bound on their wait.
   *
   * The bound: with the concurrency not full, a background job starts within `backgroundEvery`
   * intervals (60 s / requestsPerMinute, +1%) per background job ahead of it, itself included.
   * With the defaults (10 a minute, every 4th) that is about 24 s per job, so extraction gets at
   * least 2.5 calls a minute under any chat. The write queue keeps at most one batch per person
   * (4 in all) in the gate, and a batch waits at most its window (MEMORY_BATCH_WINDOW_MS, 30 s)
   * or for that person's batch before it, so under continuous chat by P people (P ≤ 4) the
   * oldest unwritten exchange is at most about max(30 s, P × 24 s) + P × 24 s old, plus the
   * extraction calls' own time: about 100 s for two people.
   */
  backgroundEvery?: number;
  clock?: Clock;
}

interface Waiting {
  start: () => void;
  cancelNotice: (() => void) | undefined;
}

/**
 * A RateGate that spaces starts evenly, 60 s / requestsPerMinute apart (plus 1% headroom), so no
 * sliding minute ever holds more than `requestsPerMinute` starts, unlike a refilled reservoir.
 * One timer waits for the next slot: a job that may start starts in the same tick.
 * (bottleneck, used before, yields to the timer queue several times per job: about 5 ms on every
 * answer, and its spacing drifted by as much, leaving about 7% of the limit unused.)
 */
export function createRateGate(options: RateGateOptions): RateGate {
  // The headroom absorbs a request that leaves a little late (a busy event loop), which would
  // otherwise let the next ones land within the same minute at the service as the one before.
  const intervalMs = (60_000 / options.requestsPerMinute) * 1.01;
  // 1 would give background every start; config allows 0 or 2 and more.
  const backgroundEvery = Math.max(0, Math.floor(options.backgroundEvery ?? 0));
  const foreground: Waiting[] = [];
  const background: Waiting[] = [];
  let running = 0;
  let nextSlotAt = -Infinity;
  let slotTimer: (() => void) | undefined;
  // Foreground starts since the last background start, capped at the share's threshold.
  let foregroundSinceBackground = 0;
  const clock = options.clock ?? systemClock;

  /** Whether the next start goes to background, given the lines' lengths and the count so far. */
  function backgroundNext(foregroundWaiting: number, backgroundWaiting: number, since: number) {
    if (backgroundWaiting === 0) return false;
    if (foregroundWaiting === 0) return true;
    return backgroundEvery > 0 && since >= backgroundEvery - 1;
  }

  /** The count of foreground starts since the last background one, after one more start. */
  function countAfterStart(since: number, toBackground: boolean): number {
    return toBackground ? 0 : Math.min(since + 1, Math.max(0, backgroundEvery - 1));
  }

  function admit(): void {
    while (running < options.maxConcurrent) {
      const toBackground = backgroundNext(
        foreground.length,
        background.length,
        foregroundSinceBackground,
      );
      const line = toBackground ? background : foreground;
      if (line.length === 0) return;
      const now = clock.now();
      if (now < nextSlotAt) {
        slotTimer ??= clock.setTimer(
          () => {
            slotTimer = undefined;
            admit();
          },
          Math.ceil(nextSlotAt - now),
        );
        return;
      }
      // Counted from the start itself when it came late (a timer fires in whole milliseconds, a
      // job may arrive after an idle spell), so that no two starts are ever closer than the
      // interval; the cost is a little drift, up to a millisecond a slot.
      nextSlotAt = Math.max(now, nextSlotAt) + intervalMs;
      const next = line.shift();
      if (next === undefined) return;
      foregroundSinceBackground = countAfterStart(foregroundSinceBackground, toBackground);
      next.cancelNotice?.();
      running++;
      next.start();
    }
  }

  /**
   * How many starts come before the job at `index` of its line, following the same choice as
   * `admit` (the share included), assuming no other job arrives meanwhile.
   */
  function startsBefore(index: number, inBackground: boolean): number {
    let fg = foreground.length;
    let bg = background.length;
    let since = foregroundSinceBackground;
    // Jobs still ahead of this one in its own line.
    let ahead = index;
    let starts = 0;
    for (;;) {
      const toBackground = backgroundNext(fg, bg, since);
      if (toBackground === inBackground) {
        if (ahead === 0) return starts;
        ahead--;
      }
      if (toBackground) bg--;
      else fg--;
      since = countAfterStart(since, toBackground);
      starts++;
    }
  }

  /** What `onWaiting` is told about `entry`; undefined once it has left the line. */
  function describeWait(entry: Waiting): GateWait | undefined {
    const inBackground = background.includes(entry);
    const index = (inBackground ? background : foreground).indexOf(entry);
    if (index === -1) return undefined;
    const starts = startsBefore(index, inBackground);
    const untilSlotMs = Math.max(0, nextSlotAt - clock.now());
    // Foreground jobs that will start before this one: other people's answers, for a background
    // job all of those before its turn.
    const foregroundAhead = inBackground ? starts - index : index;
    return {
      reason: foregroundAhead > 0 ? 'people-ahead' : 'answer-limit',
      placeInLine: inBackground ? starts + 1 : index + 1,
      waitMs: Math.ceil(untilSlotMs + starts * intervalMs),
    };
  }

  return {
    schedule(job, onWaiting, scheduleOptions) {
      return new Promise((resolve, reject) => {
        const line = scheduleOptions?.background ? background : foreground;
        const entry: Waiting = {
          cancelNotice: undefined,
          start: () => {
            (async () => job())()
              .then(resolve, reject)
              .finally(() => {
                running--;
                admit();
              });
          },
        };
        if (onWaiting !== undefined) {
          entry.cancelNotice = clock.setTimer(
            () => {
              const wait = describeWait(entry);
              if (wait !== undefined) onWaiting(wait);
            },
            options.noticeAfterMs,
            { unref: true },
          );
        }
        line.push(entry);
        admit();
      });
    },
    waiting: () => foreground.length + background.length,
  };
}
