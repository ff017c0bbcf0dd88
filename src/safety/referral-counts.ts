import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * How many crisis messages were answered with crisis lines, by day (UTC) and region, and nothing
 * else: no person, message, place or time of day. California's SB 243 asks operators for a yearly
 * count of crisis referrals from 2027-07-01.
 */
export interface ReferralCounts {
  /**
   * Counts one message answered with the crisis lines of `region` (`unknown` when none was
   * known): a crisis detected, or an answer Gemini blocked for safety.
   */
  count(region: string | undefined, trigger: ReferralTrigger): void;
  /** Every count so far: day (YYYY-MM-DD) → region → trigger → referrals. */
  snapshot(): ReferralDays;
}

/** What made the bot send crisis lines. */
export type ReferralTrigger = 'detected' | 'safety-block';

/** Referrals by day (YYYY-MM-DD, UTC), region and trigger. */
export type ReferralDays = Record<string, Record<string, Partial<Record<ReferralTrigger, number>>>>;

/** The file's shape; `version` lets a later format be told apart. */
interface ReferralFile {
  version: 1;
  days: ReferralDays;
}

/**
 * Referral counts kept in a JSON file (0600), rewritten whole on each count through a temporary
 * file and a rename, so that a crash leaves the old counts or the new ones, never half a file.
 * The file is read on first use; one that cannot be read is moved aside (kept, for the operator
 * to look at) and counting starts again, so a statistics file can never stop the crisis protocol.
 */
export function createReferralCounts(options: {
  path: string;
  now?: () => number;
  /** Told where an unreadable file was moved. */
  onUnreadable?: (movedTo: string, error: unknown) => void;
}): ReferralCounts {
  const now = options.now ?? Date.now;
  let loaded: ReferralDays | undefined;
  const load = (): ReferralDays => {
    if (loaded !== undefined) return loaded;
    try {
      loaded = readReferralDays(options.path);
    } catch (error) {
      const movedTo = `${options.path}.unreadable-${now()}`;
      renameSync(options.path, movedTo);
      options.onUnreadable?.(movedTo, error);
      loaded = {};
    }
    return loaded;
  };
  return {
    count(region, trigger) {
      const days = load();
      const day = new Date(now()).toISOString().slice(0, 10);
      const counts = ((days[day] ??= {})[region ?? 'unknown'] ??= {});
      counts[trigger] = (counts[trigger] ?? 0) + 1;
      const file: ReferralFile = { version: 1, days };
      const temporary = `${options.path}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
      renameSync(temporary, options.path);
    },
    snapshot: () => structuredClone(load()),
  };
}

/** The counts in `path`; none when it does not exist yet. A file that cannot be read is an error. */
export function readReferralDays(path: string): ReferralDays {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return {};
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<ReferralFile>;
  if (parsed.version !== 1 || typeof parsed.days !== 'object' || parsed.days === null) {
    throw new Error(`${path} is not a referral counts file of this version`);
  }
  return parsed.days;
}

/** Totals per region and trigger over the days whose date starts with `prefix` (a year: `2027`). */
export function referralTotals(
  days: ReferralDays,
  prefix: string,
): Record<string, Partial<Record<ReferralTrigger, number>>> {
  const totals: Record<string, Partial<Record<ReferralTrigger, number>>> = {};
  for (const [day, regions] of Object.entries(days)) {
    if (!day.startsWith(prefix)) continue;
    for (const [region, triggers] of Object.entries(regions)) {
      const into = (totals[region] ??= {});
      for (const [trigger, n] of Object.entries(triggers) as Array<[ReferralTrigger, number]>) {
        into[trigger] = (into[trigger] ?? 0) + n;
      }
    }
  }
  return totals;
}
