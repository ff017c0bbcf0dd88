import { describe, expect, it } from 'vitest';
import { createDisclosureSchedule, disclosureEveryMs } from '../../src/safety/disclosure.js';

const minuteMs = 60_000;
const idleMs = 30 * minuteMs;

/** A schedule on a clock that only moves when told. */
function scheduleOnClock(options: { maxConversations?: number } = {}) {
  let at = Date.parse('2027-07-01T09:00:00Z');
  const schedule = createDisclosureSchedule({ idleMs, now: () => at, ...options });
  return { schedule, wait: (ms: number) => (at += ms) };
}

/** Replies in `key` every 20 minutes (within the idle time) until `totalMs` have passed. */
function keepTalking(
  { schedule, wait }: ReturnType<typeof scheduleOnClock>,
  key: string,
  totalMs: number,
): void {
  for (let elapsed = 0; elapsed < totalMs; elapsed += 20 * minuteMs) {
    wait(20 * minuteMs);
    schedule.replied(key, false);
  }
}

describe('createDisclosureSchedule', () => {
  it('is due at the start of a session for a conversation it has not seen', () => {
    const { schedule } = scheduleOnClock();

    expect(schedule.due('ada|dm')).toBe('session-start');
  });

  it('is not due for the next reply within the idle time', () => {
    const clock = scheduleOnClock();
    clock.schedule.replied('ada|dm', true);

    clock.wait(idleMs - 1);

    expect(clock.schedule.due('ada|dm')).toBeUndefined();
  });

  it('is due at the start of a new session after the idle time of quiet', () => {
    const clock = scheduleOnClock();
    clock.schedule.replied('ada|dm', true);

    clock.wait(idleMs);

    expect(clock.schedule.due('ada|dm')).toBe('session-start');
  });

  it('is due again after three hours of continued conversation', () => {
    const clock = scheduleOnClock();
    clock.schedule.replied('ada|dm', true);

    keepTalking(clock, 'ada|dm', disclosureEveryMs);

    expect(clock.schedule.due('ada|dm')).toBe('three-hours');
  });

  it('is not due shortly before three hours of continued conversation', () => {
    const clock = scheduleOnClock();
    clock.schedule.replied('ada|dm', true);

    keepTalking(clock, 'ada|dm', disclosureEveryMs - 20 * minuteMs);
    clock.wait(20 * minuteMs - 1);

    expect(clock.schedule.due('ada|dm')).toBeUndefined();
  });

  it('counts the three hours from the last reply that carried the notice', () => {
    const clock = scheduleOnClock();
    clock.schedule.replied('ada|dm', true);
    clock.wait(2 * 60 * minuteMs);
    clock.schedule.replied('ada|dm', true);

    clock.wait(20 * minuteMs);
    clock.schedule.replied('ada|dm', false);
    clock.wait(20 * minuteMs);
    clock.schedule.replied('ada|dm', false);
    clock.wait(20 * minuteMs);

    // Three hours since the first notice, one since the second.
    expect(clock.schedule.due('ada|dm')).toBeUndefined();
  });

  it('keeps the time of the last notice when a reply without one is recorded', () => {
    const clock = scheduleOnClock();
    clock.schedule.replied('ada|dm', true);

    keepTalking(clock, 'ada|dm', disclosureEveryMs - 20 * minuteMs);
    clock.wait(20 * minuteMs);
    clock.schedule.replied('ada|dm', false);

    expect(clock.schedule.due('ada|dm')).toBe('three-hours');
  });

  it('keeps conversations apart', () => {
    const clock = scheduleOnClock();
    clock.schedule.replied('ada|dm', true);

    expect(clock.schedule.due('grace|dm')).toBe('session-start');
  });

  it('forgets the least recently used conversation first when it holds too many', () => {
    const clock = scheduleOnClock({ maxConversations: 2 });
    clock.schedule.replied('ada|dm', true);
    clock.schedule.replied('grace|dm', true);
    // Ada replies again, so Grace is now the least recently used.
    clock.wait(minuteMs);
    clock.schedule.replied('ada|dm', true);

    clock.schedule.replied('linus|dm', true);

    expect(clock.schedule.due('grace|dm')).toBe('session-start');
    expect(clock.schedule.due('ada|dm')).toBeUndefined();
    expect(clock.schedule.due('linus|dm')).toBeUndefined();
  });
});
