import { describe, expect, it } from 'vitest';
import { createDisclosureSchedule, disclosureEveryMs } from '../../src/safety/disclosure.js';

const minuteMs = 60_000;
const adult = { minor: false };
const minor = { minor: true };
/** What a reply said: the AI notice or not, never a break reminder. */
const said = (disclosed: boolean) => ({ disclosed, breakReminded: false });
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
    schedule.replied(key, said(false));
  }
}

describe('createDisclosureSchedule', () => {
  it('is due at the start of a session for a conversation it has not seen', () => {
    const { schedule } = scheduleOnClock();

    expect(schedule.due('ada|dm', adult)).toBe('session-start');
  });

  it('is not due for the next reply within the idle time', () => {
    const clock = scheduleOnClock();
    clock.schedule.replied('ada|dm', said(true));

    clock.wait(idleMs - 1);

    expect(clock.schedule.due('ada|dm', adult)).toBeUndefined();
  });

  it('is due at the start of a new session after the idle time of quiet', () => {
    const clock = scheduleOnClock();
    clock.schedule.replied('ada|dm', said(true));

    clock.wait(idleMs);

    expect(clock.schedule.due('ada|dm', adult)).toBe('session-start');
  });

  it('is due again after three hours of continued conversation', () => {
    const clock = scheduleOnClock();
    clock.schedule.replied('ada|dm', said(true));

    keepTalking(clock, 'ada|dm', disclosureEveryMs);

    expect(clock.schedule.due('ada|dm', adult)).toBe('three-hours');
  });

  it('is not due shortly before three hours of continued conversation', () => {
    const clock = scheduleOnClock();
    clock.schedule.replied('ada|dm', said(true));

    keepTalking(clock, 'ada|dm', disclosureEveryMs - 20 * minuteMs);
    clock.wait(20 * minuteMs - 1);

    expect(clock.schedule.due('ada|dm', adult)).toBeUndefined();
  });

  it('counts the three hours from the last reply that carried the notice', () => {
    const clock = scheduleOnClock();
    clock.schedule.replied('ada|dm', said(true));
    clock.wait(2 * 60 * minuteMs);
    clock.schedule.replied('ada|dm', said(true));

    clock.wait(20 * minuteMs);
    clock.schedule.replied('ada|dm', said(false));
    clock.wait(20 * minuteMs);
    clock.schedule.replied('ada|dm', said(false));
    clock.wait(20 * minuteMs);

    // Three hours since the first notice, one since the second.
    expect(clock.schedule.due('ada|dm', adult)).toBeUndefined();
  });

  it('keeps the time of the last notice when a reply without one is recorded', () => {
    const clock = scheduleOnClock();
    clock.schedule.replied('ada|dm', said(true));

    keepTalking(clock, 'ada|dm', disclosureEveryMs - 20 * minuteMs);
    clock.wait(20 * minuteMs);
    clock.schedule.replied('ada|dm', said(false));

    expect(clock.schedule.due('ada|dm', adult)).toBe('three-hours');
  });

  it('keeps conversations apart', () => {
    const clock = scheduleOnClock();
    clock.schedule.replied('ada|dm', said(true));

    expect(clock.schedule.due('grace|dm', adult)).toBe('session-start');
  });

  it('forgets the least recently used conversation first when it holds too many', () => {
    const clock = scheduleOnClock({ maxConversations: 2 });
    clock.schedule.replied('ada|dm', said(true));
    clock.schedule.replied('grace|dm', said(true));
    // Ada replies again, so Grace is now the least recently used.
    clock.wait(minuteMs);
    clock.schedule.replied('ada|dm', said(true));

    clock.schedule.replied('linus|dm', said(true));

    expect(clock.schedule.due('grace|dm', adult)).toBe('session-start');
    expect(clock.schedule.due('ada|dm', adult)).toBeUndefined();
    expect(clock.schedule.due('linus|dm', adult)).toBeUndefined();
  });

  it('reminds a minor of a break three hours into the session, whatever else said it is an AI', () => {
    const clock = scheduleOnClock();
    clock.schedule.replied('ada|dm', said(true));
    for (let elapsed = 0; elapsed < disclosureEveryMs; elapsed += 20 * minuteMs) {
      clock.wait(20 * minuteMs);
      // Crisis lines and greetings say it is an AI, but are no break reminder.
      clock.schedule.replied('ada|dm', said(true));
    }

    expect(clock.schedule.due('ada|dm', minor)).toBe('break-reminder');
    expect(clock.schedule.due('ada|dm', adult)).toBeUndefined();
  });

  it("counts a minor's three hours from the last break reminder", () => {
    const clock = scheduleOnClock();
    clock.schedule.replied('ada|dm', said(true));
    keepTalking(clock, 'ada|dm', disclosureEveryMs);
    clock.schedule.replied('ada|dm', { disclosed: true, breakReminded: true });

    clock.wait(20 * minuteMs);

    expect(clock.schedule.due('ada|dm', minor)).toBeUndefined();
  });
});
