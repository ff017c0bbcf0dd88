// Wrappers that report to Metrics what passes through one of our own interfaces, so that the
// limiter and the referral counts need not know that metrics exist.

import type { RateGate } from '../limits/rate-gate.js';
import type { ReferralCounts } from '../safety/referral-counts.js';
import type { Metrics } from './metrics.js';

/**
 * The gate, telling `metrics` how long each job waited for its slot: answers as `gemini-answer`,
 * background jobs (mem0's memory extraction) as `gemini-memory`.
 */
export function timedGate(gate: RateGate, metrics: Pick<Metrics, 'limiterWait'>): RateGate {
  return {
    schedule(job, onWaiting, options) {
      const queuedAt = performance.now();
      const reason = options?.background === true ? 'gemini-memory' : 'gemini-answer';
      return gate.schedule(
        () => {
          metrics.limiterWait(performance.now() - queuedAt, reason);
          return job();
        },
        onWaiting,
        options,
      );
    },
    waiting: () => gate.waiting(),
  };
}

/** The referral counts, telling `metrics` of each referral (also when the file cannot be written). */
export function countingReferrals(
  referrals: ReferralCounts,
  metrics: Pick<Metrics, 'crisisReferral'>,
): ReferralCounts {
  return {
    count(region, trigger) {
      metrics.crisisReferral(trigger);
      referrals.count(region, trigger);
    },
    snapshot: () => referrals.snapshot(),
  };
}
