import type { Clock } from '../../src/limits/clock.js';

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

/** Lets every promise callback and I/O callback queued so far run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A Clock that moves only when told: timers fire in time order, with promises settled in between. */
export interface ManualClock extends Clock {
  /** Resolves after `ms` on this clock. */
  sleep(ms: number): Promise<void>;
  /** Moves the clock on by `ms`, firing the timers due on the way. */
  advance(ms: number): Promise<void>;
  /** Moves the clock from timer to timer until `promise` settles; throws if it waits on no timer. */
  run<T>(promise: Promise<T>): Promise<T>;
}

export function createManualClock(startAt = 1_000): ManualClock {
  let now = startAt;
  let seq = 0;
  const timers: Timer[] = [];

  function nextTimer(until: number): Timer | undefined {
    let next: Timer | undefined;
    for (const timer of timers) {
      if (timer.cancelled || timer.at > until) continue;
      if (
        next === undefined ||
        timer.at < next.at ||
        (timer.at === next.at && timer.seq < next.seq)
      )
        next = timer;
    }
    return next;
  }

  async function fire(timer: Timer): Promise<void> {
    timers.splice(timers.indexOf(timer), 1);
    now = Math.max(now, timer.at);
    timer.callback();
    await settle();
  }

  const clock: ManualClock = {
    now: () => now,
    setTimer(callback, ms) {
      const timer: Timer = { at: now + Math.max(0, ms), seq: seq++, callback, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    sleep: (ms) => new Promise<void>((resolve) => clock.setTimer(resolve, ms)),
    async advance(ms) {
      const until = now + ms;
      await settle();
      for (let timer = nextTimer(until); timer !== undefined; timer = nextTimer(until)) {
        await fire(timer);
      }
      now = until;
    },
    async run(promise) {
      let settled = false;
      const done = promise.finally(() => {
        settled = true;
      });
      // Handled here too, so that a rejection while timers still fire is not reported as unhandled.
      done.catch(() => undefined);
      await settle();
      while (!settled) {
        const timer = nextTimer(Infinity);
        if (timer === undefined) throw new Error('waiting on nothing the clock can move');
        await fire(timer);
      }
      return done;
    },
  };
  return clock;
}
