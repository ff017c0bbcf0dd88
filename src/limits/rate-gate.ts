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

/**
 * Starts jobs at a limit's pace and concurrency, in the order they are scheduled: a bottleneck
 * limiter (see bottleneck-limiters.ts), in this process or shared by every process through Redis.
 */
export interface StartPacer {
  /** Runs `job` once the pace and the concurrency allow; resolves or rejects as it does. */
  schedule<T>(job: () => Promise<T>): Promise<T>;
}

/**
 * The least time between two starts for `requestsPerMinute`: 60 s / requestsPerMinute plus 1%, so
 * that no sliding minute ever holds more than `requestsPerMinute` starts. The headroom absorbs a
 * request that leaves a little late (a busy event loop), which would otherwise let the next ones
 * land within the same minute at the service as the one before.
 */
export function startIntervalMs(requestsPerMinute: number): number {
  return (60_000 / requestsPerMinute) * 1.01;
}

/** Options of a RateGate. */
export interface RateGateOptions {
  /** Paces the starts and bounds the concurrency; every job the gate admits starts through it. */
  pacer: StartPacer;
  /** The pacer's limit, from which waits are estimated (see startIntervalMs). */
  requestsPerMinute: number;
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
  run: () => Promise<unknown>;
  fail: (error: unknown) => void;
  cancelNotice: (() => void) | undefined;
}

/**
 * A RateGate that decides which waiting job starts next (answers first, extraction for its
 * share) and leaves when to the pacer: every job scheduled adds one start to the pacer's line, and
 * when the pacer starts it, the gate hands it the job whose turn it is. So the pace and the
 * concurrency can be shared by several processes while each keeps its own order.
 */
export function createRateGate(options: RateGateOptions): RateGate {
  const intervalMs = startIntervalMs(options.requestsPerMinute);
  // 1 would give background every start; config allows 0 or 2 and more.
  const backgroundEvery = Math.max(0, Math.floor(options.backgroundEvery ?? 0));
  const foreground: Waiting[] = [];
  const background: Waiting[] = [];
  // When the pacer last started one of this gate's jobs: the next start is about an interval later.
  let lastStartAt = -Infinity;
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

  /** Runs the job whose turn it is, now that the pacer has started one: there is always one. */
  function startNext(): Promise<unknown> {
    lastStartAt = clock.now();
    const toBackground = backgroundNext(
      foreground.length,
      background.length,
      foregroundSinceBackground,
    );
    const next = (toBackground ? background : foreground).shift();
    if (next === undefined) return Promise.resolve();
    foregroundSinceBackground = countAfterStart(foregroundSinceBackground, toBackground);
    next.cancelNotice?.();
    return next.run();
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
    const untilSlotMs = Math.max(0, lastStartAt + intervalMs - clock.now());
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
          // Settles for the pacer once the job has, failing or not, so its concurrency is freed.
          run: () => (async () => job())().then(resolve, reject),
          fail: reject,
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
        options.pacer.schedule(startNext).catch((error: unknown) => {
          // The pacer itself failed (Redis refused a command): this job, or whichever took its
          // start, cannot run; the oldest waiting one fails in its place, so that none hangs.
          const failed = line.includes(entry) ? entry : (foreground[0] ?? background[0]);
          if (failed === undefined) return;
          for (const waiting of [foreground, background]) {
            const at = waiting.indexOf(failed);
            if (at !== -1) waiting.splice(at, 1);
          }
          failed.cancelNotice?.();
          failed.fail(error);
        });
      });
    },
    waiting: () => foreground.length + background.length,
  };
}
