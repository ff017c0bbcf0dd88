import { maxInWindow } from '../test/helpers/max-in-window.js';
import { mb, type Percentiles, percentiles, round, tableRow } from './stats.js';
import type { SentDm, StandInsProcess } from './standins-process.js';
import { type ProbeReading, startBotProcess } from './bot-process.js';

/** The burst: how many people, how many messages each, and the limits it meets. */
export interface ThroughputOptions {
  users: number;
  messagesPerUser: number;
  /** Gap between two messages, sent round by round: one person's messages are `users` gaps apart. */
  spacingMs: number;
  /** GEMINI_REQUESTS_PER_MINUTE of the bot, and the stand-in's per-model quota. */
  geminiRequestsPerMinute: number;
  geminiMaxConcurrent: number;
  ttftMs: number;
  totalMs: number;
  mem0Ms: number;
}

/** What the throughput section measured. */
export interface ThroughputResult {
  options: ThroughputOptions;
  messages: number;
  /** Gemini chat calls: one per turn (a person's queued messages are answered together). */
  turns: number;
  answeredExactlyOnce: boolean;
  unanswered: number;
  answeredTwice: number;
  durationS: number;
  /** Chat calls started while others waited, against what the limit allows in that time. */
  geminiUtilisation: number;
  geminiOverLimitAtStandIn: number;
  geminiPeakStartsPerMinute: number;
  discordPeakRequestsPerSecond: number;
  /** From a message's MESSAGE_CREATE to the start of the Gemini call that answers it. */
  queueWaitMs: Percentiles & { max: number };
  rssIdleMb: number;
  rssPeakMb: number;
  /** After the burst, once idle, after a garbage collection. */
  rssAfterMb: number;
  eventLoopLagP99Ms: number;
}

/**
 * Many people writing at once under a Gemini requests-per-minute limit: every message answered
 * exactly once, the limit used fully and never exceeded, waits, memory and event-loop lag.
 */
export async function measureThroughput(
  standIns: StandInsProcess,
  options: ThroughputOptions,
): Promise<ThroughputResult> {
  await standIns.injectLatency(options);
  await standIns.setGeminiRequestsPerMinute(options.geminiRequestsPerMinute);
  const gemini0 = (await standIns.geminiRequests()).length;
  const discord0 = (await standIns.discordRequests()).length;
  const overLimit0 = await standIns.geminiOverLimit();
  const answered0 = await standIns.answeredChannels();
  const bot = await startBotProcess({
    standIns,
    backend: 'platform',
    env: {
      GEMINI_REQUESTS_PER_MINUTE: String(options.geminiRequestsPerMinute),
      GEMINI_MAX_CONCURRENT: String(options.geminiMaxConcurrent),
    },
  });
  await bot.resetProbe();
  const rssIdle = bot.probe().rss;
  const dms: Array<{ userId: string; content: string; key: string }> = [];
  for (let m = 0; m < options.messagesPerUser; m++) {
    for (let u = 0; u < options.users; u++) {
      const key = `[u${u}m${m}]`;
      dms.push({
        userId: String(500000000000000000n + BigInt(u)),
        content: `${key} I could not sleep and my thoughts keep racing about work`,
        key,
      });
    }
  }
  let sent: SentDm[];
  let during: ProbeReading;
  let rssAfter: number;
  try {
    sent = await standIns.sendDms(dms, options.spacingMs);
    await standIns.waitUntilAnsweredAndQuiet(answered0 + options.users, 3_000, 900_000);
    during = bot.probe();
    await bot.resetProbe();
    rssAfter = bot.probe().rss;
  } finally {
    await bot.stop();
    await standIns.setGeminiRequestsPerMinute(undefined);
  }

  const chats = (await standIns.geminiRequests()).slice(gemini0).filter((r) => r.kind === 'chat');
  const discord = (await standIns.discordRequests()).slice(discord0);
  const sentAt = new Map(dms.map((dm, i) => [dm.key, sent[i]?.at ?? 0]));
  const coveredBy = new Map<string, number[]>();
  for (const chat of chats) {
    for (const key of chat.lastUserText?.match(/\[u\d+m\d+\]/g) ?? []) {
      coveredBy.set(key, [...(coveredBy.get(key) ?? []), chat.at]);
    }
  }
  const unanswered = dms.filter((dm) => !coveredBy.has(dm.key)).length;
  const answeredTwice = [...coveredBy.values()].filter((starts) => starts.length > 1).length;
  const waits = dms.flatMap((dm) => {
    const start = coveredBy.get(dm.key)?.[0];
    return start === undefined ? [] : [start - (sentAt.get(dm.key) ?? 0)];
  });
  const starts = chats.map((c) => c.at).sort((a, b) => a - b);
  const first = starts[0] ?? 0;
  const last = starts.at(-1) ?? 0;
  const allowed = ((last - first) / 60_000) * options.geminiRequestsPerMinute;
  const waitPercentiles = percentiles(waits);
  return {
    options,
    messages: dms.length,
    turns: chats.length,
    answeredExactlyOnce: unanswered === 0 && answeredTwice === 0,
    unanswered,
    answeredTwice,
    durationS: round(((sent.at(-1)?.at ?? first) - (sent[0]?.at ?? first) + (last - first)) / 1000),
    geminiUtilisation: allowed > 0 ? round(((starts.length - 1) / allowed) * 100) / 100 : 0,
    geminiOverLimitAtStandIn: (await standIns.geminiOverLimit()) - overLimit0,
    geminiPeakStartsPerMinute: maxInWindow(starts, 60_000),
    discordPeakRequestsPerSecond: maxInWindow(
      discord.map((r) => r.at),
      1_000,
    ),
    queueWaitMs: { ...waitPercentiles, max: round(Math.max(0, ...waits)) },
    rssIdleMb: mb(rssIdle),
    rssPeakMb: mb(during.peakRss),
    rssAfterMb: mb(rssAfter),
    eventLoopLagP99Ms: round(during.lagP99Ms),
  };
}

/** The throughput table. */
export function formatThroughput(r: ThroughputResult): string {
  const o = r.options;
  return [
    `Throughput: ${o.users} people × ${o.messagesPerUser} messages, one every ${o.spacingMs} ms, ` +
      `Gemini limit ${o.geminiRequestsPerMinute}/min, ${o.geminiMaxConcurrent} at once; ` +
      `Gemini ${o.ttftMs}/${o.totalMs} ms, mem0 ${o.mem0Ms} ms`,
    tableRow('messages / turns (Gemini chat calls)', [r.messages, r.turns]),
    tableRow('every message answered exactly once', [
      r.answeredExactlyOnce ? 'yes' : `no: ${r.unanswered} unanswered, ${r.answeredTwice} twice`,
    ]),
    tableRow('Gemini utilisation while work waited', [`${Math.round(r.geminiUtilisation * 100)}%`]),
    tableRow('Gemini peak starts in any minute', [r.geminiPeakStartsPerMinute]),
    tableRow('Gemini calls over the quota (stand-in)', [r.geminiOverLimitAtStandIn]),
    tableRow('Discord peak requests in any second', [r.discordPeakRequestsPerSecond]),
    tableRow('queue wait, ms (p50 / p95 / max)', [
      r.queueWaitMs.p50,
      r.queueWaitMs.p95,
      r.queueWaitMs.max,
    ]),
    tableRow('RSS MB (idle / peak / after)', [r.rssIdleMb, r.rssPeakMb, r.rssAfterMb]),
    tableRow('event-loop lag p99 during the burst (ms)', [r.eventLoopLagP99Ms]),
    tableRow('duration (s)', [r.durationS]),
  ].join('\n');
}
