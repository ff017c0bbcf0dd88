import type { LimiterStore } from './bottleneck-limiters.js';
import type { KeyedPacer } from './keyed-pacer.js';

/**
 * The pace of the bot's sends and edits in each Discord channel: two back to back, then one per
 * `replyEditIntervalMs`. Discord's per-channel limit is the bot's, whichever process sends, so it
 * is shared like the other limits. A send or edit counts as running for at most `releaseAfterMs`
 * (WORKER_LEASE_SECONDS, at least 15 s: discord.js's request timeout), so that a process that
 * dies mid-send frees its channel as soon as its people go to another worker.
 */
export function discordChannelPacer(
  limiters: LimiterStore,
  limits: { replyEditIntervalMs: number; releaseAfterMs: number },
): KeyedPacer {
  return limiters.keyedPacer({
    id: 'discord-channel',
    minIntervalMs: limits.replyEditIntervalMs,
    burst: 2,
    maxRunMs: Math.max(15_000, limits.releaseAfterMs),
  });
}
