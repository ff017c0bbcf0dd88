import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createReferralCounts, referralTotals } from '../../src/safety/referral-counts.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wellness0-referrals-'));
  path = join(dir, 'crisis-referrals.json');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A clock that reads whatever `at` is set to. */
function clockAt(iso: string): { now: () => number; set(next: string): void } {
  let at = Date.parse(iso);
  return { now: () => at, set: (next) => (at = Date.parse(next)) };
}

describe('createReferralCounts', () => {
  it('counts referrals by UTC day, region and trigger', () => {
    const clock = clockAt('2027-07-01T10:00:00Z');
    const counts = createReferralCounts({ path, now: clock.now });

    counts.count('GB', 'detected');
    counts.count('GB', 'detected');
    counts.count('GB', 'safety-block');
    counts.count('US', 'detected');
    // 23:30 in UTC-5 on 1 July is already 2 July in UTC.
    clock.set('2027-07-01T23:30:00-05:00');
    counts.count('GB', 'detected');

    expect(counts.snapshot()).toEqual({
      '2027-07-01': { GB: { detected: 2, 'safety-block': 1 }, US: { detected: 1 } },
      '2027-07-02': { GB: { detected: 1 } },
    });
  });

  it('counts a referral without a region under unknown', () => {
    const counts = createReferralCounts({ path, now: clockAt('2027-07-01T10:00:00Z').now });

    counts.count(undefined, 'detected');

    expect(counts.snapshot()).toEqual({ '2027-07-01': { unknown: { detected: 1 } } });
  });

  it('keeps its counts across a restart, adding to them', () => {
    const clock = clockAt('2027-07-01T10:00:00Z');
    createReferralCounts({ path, now: clock.now }).count('DE', 'detected');

    const reopened = createReferralCounts({ path, now: clock.now });
    reopened.count('DE', 'detected');

    expect(reopened.snapshot()).toEqual({ '2027-07-01': { DE: { detected: 2 } } });
  });

  it('writes a 0600 file holding only days, regions, triggers and counts', () => {
    const counts = createReferralCounts({ path, now: clockAt('2027-07-01T10:00:00Z').now });

    counts.count('GB', 'detected');
    counts.count(undefined, 'safety-block');

    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      version: 1,
      days: { '2027-07-01': { GB: { detected: 1 }, unknown: { 'safety-block': 1 } } },
    });
  });

  it('creates no file before the first count', () => {
    createReferralCounts({ path });

    expect(() => statSync(path)).toThrow(/ENOENT/);
  });

  it('moves a file that is not JSON aside, keeping it, and counts on', () => {
    writeFileSync(path, '{"version": 1, "days": {');
    const moved: string[] = [];
    const counts = createReferralCounts({
      path,
      now: clockAt('2027-07-01T10:00:00Z').now,
      onUnreadable: (movedTo) => moved.push(movedTo),
    });

    counts.count('US', 'detected');

    expect(moved).toHaveLength(1);
    expect(readFileSync(moved[0] ?? '', 'utf8')).toBe('{"version": 1, "days": {');
    expect(counts.snapshot()).toEqual({ '2027-07-01': { US: { detected: 1 } } });
  });

  it('moves a file of another version aside rather than adding to it', () => {
    writeFileSync(path, JSON.stringify({ version: 2, days: {} }));
    const moved: unknown[] = [];
    const counts = createReferralCounts({ path, onUnreadable: (_, error) => moved.push(error) });

    expect(counts.snapshot()).toEqual({});
    expect(String(moved[0])).toMatch(/not a referral counts file/);
  });

  it('reads nothing when it is built', () => {
    writeFileSync(path, 'not json');

    expect(() => createReferralCounts({ path })).not.toThrow();
    expect(readFileSync(path, 'utf8')).toBe('not json');
  });

  it('does not let a change to a snapshot change the counts', () => {
    const counts = createReferralCounts({ path, now: clockAt('2027-07-01T10:00:00Z').now });
    counts.count('GB', 'detected');

    const snapshot = counts.snapshot();
    snapshot['2027-07-01'] = {};

    expect(counts.snapshot()).toEqual({ '2027-07-01': { GB: { detected: 1 } } });
  });
});

describe('referralTotals', () => {
  it('sums the days of one year by region and trigger, leaving other years out', () => {
    const totals = referralTotals(
      {
        '2026-12-31': { GB: { detected: 5 } },
        '2027-01-01': { GB: { detected: 1 }, US: { 'safety-block': 2 } },
        '2027-12-31': { GB: { detected: 3, 'safety-block': 1 }, unknown: { detected: 1 } },
        '2028-01-01': { US: { detected: 7 } },
      },
      '2027',
    );

    expect(totals).toEqual({
      GB: { detected: 4, 'safety-block': 1 },
      US: { 'safety-block': 2 },
      unknown: { detected: 1 },
    });
  });
});
