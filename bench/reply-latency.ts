import { startBotProcess } from './bot-process.js';
import { type Percentiles, percentile, percentiles, round, sleep, tableRow } from './stats.js';
import type { CompactDiscordRequest, SentDm, StandInsProcess } from './standins-process.js';
import { createTutorialPipeline, type TutorialTimings } from './tutorial-pipeline.js';

/** Injected upstream latencies and the shape of the load. */
export interface ReplyLatencyOptions {
  /** DMs, one per user. */
  messages: number;
  /** Gap between two users' DMs. */
  spacingMs: number;
  /** Gemini's time to first token and to the full answer. */
  ttftMs: number;
  totalMs: number;
  /** Every mem0 Platform call (add, search, get all) takes this long. */
  mem0Ms: number;
}

/** What the reply-latency section measured. */
export interface ReplyLatencyResult {
  options: ReplyLatencyOptions;
  botFirstText: Percentiles;
  botFinalText: Percentiles;
  /** From MESSAGE_CREATE until the bot's Gemini call started (memory search included). */
  botToGeminiCall: Percentiles;
  tutorialFirstText: Percentiles;
  limitFirstText: number;
  limitFinalText: number;
  botOverheadP50: { firstText: number; finalText: number };
  /**
   * The limit plus what the same SDKs and stand-ins add per call, as the tutorial's own steps
   * measured it in this run (its search, generate and send steps over their injected latency).
   */
  sdkFloorFirstText: number;
  botOverheadOverSdkFloorP50: number;
  tutorialOverBotFirstTextP50: number;
  tutorialStepsP50: Record<keyof TutorialTimings, number>;
}

const userId = (base: bigint, i: number) => String(base + BigInt(i));

function isWrite(r: CompactDiscordRequest, channelId: string): boolean {
  return (
    (r.method === 'POST' && r.path === `/channels/${channelId}/messages`) ||
    (r.method === 'PATCH' && r.path.startsWith(`/channels/${channelId}/messages/`))
  );
}

/**
 * The bot's reply latency under a burst of users, side by side with the physical limit (memory
 * search plus Gemini's time to first token or full text) and the tutorial's awaited pipeline,
 * all against the stand-ins process.
 */
export async function measureReplyLatency(
  standIns: StandInsProcess,
  options: ReplyLatencyOptions,
): Promise<ReplyLatencyResult> {
  await standIns.injectLatency(options);
  const bot = await startBotProcess({
    standIns,
    backend: 'platform',
    // Limits out of the way: this section measures the path of one message, not the limits.
    env: {
      GEMINI_REQUESTS_PER_MINUTE: '60000',
      GEMINI_MAX_CONCURRENT: '1000',
      USER_TURNS_PER_MINUTE: '1000',
      QUEUE_NOTICE_AFTER_MS: '600000',
    },
  });
  let sent: SentDm[];
  try {
    // A few answered messages first, so that connections are open and code is warm.
    const before = await standIns.answeredChannels();
    await standIns.sendDms(
      Array.from({ length: 5 }, (_, i) => ({
        userId: userId(290000000000000000n, i),
        content: `warming up ${i}`,
      })),
      100,
    );
    await standIns.waitUntilAnsweredAndQuiet(before + 5, 500, 30_000);
    sent = await standIns.sendDms(
      Array.from({ length: options.messages }, (_, i) => ({
        userId: userId(300000000000000000n, i),
        content: `bench ${i}: I slept badly again and work is stressing me out`,
      })),
      options.spacingMs,
    );
    await standIns.waitUntilAnsweredAndQuiet(
      before + 5 + options.messages,
      1_500,
      60_000 + options.messages * 1_000,
    );
  } finally {
    await bot.stop();
  }

  const requests = await standIns.discordRequests();
  const gemini = (await standIns.geminiRequests()).filter((r) => r.kind === 'chat');
  const firstText: number[] = [];
  const finalText: number[] = [];
  const toGemini: number[] = [];
  for (const [i, dm] of sent.entries()) {
    const writes = requests.filter((r) => isWrite(r, dm.channelId));
    const first = writes.find((w) => w.method === 'POST');
    const last = writes.at(-1);
    if (!first || !last) throw new Error(`no reply recorded in channel ${dm.channelId}`);
    firstText.push(first.at - dm.at);
    finalText.push(last.at - dm.at);
    const call = gemini.find((g) => g.lastUserText?.includes(`bench ${i}:`));
    if (call) toGemini.push(call.at - dm.at);
  }

  const tutorial = await measureTutorial(standIns, options);
  const limitFirstText = options.mem0Ms + options.ttftMs;
  const limitFinalText = options.mem0Ms + Math.max(options.ttftMs, options.totalMs);
  const botFirstText = percentiles(firstText);
  const botFinalText = percentiles(finalText);
  const tutorialFirstText = percentiles(tutorial.map((t) => t.totalMs));
  const keys = Object.keys(tutorial[0] ?? {}) as Array<keyof TutorialTimings>;
  const stepP50 = (key: keyof TutorialTimings) =>
    percentile(
      tutorial.map((t) => t[key]),
      50,
    );
  const sdkFloorFirstText = round(
    limitFirstText +
      (stepP50('searchMs') - options.mem0Ms) +
      (stepP50('generateMs') - options.totalMs) +
      stepP50('sendMs'),
  );
  return {
    options,
    botFirstText,
    botFinalText,
    botToGeminiCall: percentiles(toGemini),
    tutorialFirstText,
    limitFirstText,
    limitFinalText,
    botOverheadP50: {
      firstText: round(botFirstText.p50 - limitFirstText),
      finalText: round(botFinalText.p50 - limitFinalText),
    },
    sdkFloorFirstText,
    botOverheadOverSdkFloorP50: round(botFirstText.p50 - sdkFloorFirstText),
    tutorialOverBotFirstTextP50: Math.round((tutorialFirstText.p50 / botFirstText.p50) * 100) / 100,
    tutorialStepsP50: Object.fromEntries(
      keys.map((key) => [
        key,
        round(
          percentile(
            tutorial.map((t) => t[key]),
            50,
          ),
        ),
      ]),
    ) as Record<keyof TutorialTimings, number>,
  };
}

/** Runs the tutorial's pipeline for as many users, with the same spacing, on the same stand-ins. */
async function measureTutorial(
  standIns: StandInsProcess,
  options: ReplyLatencyOptions,
): Promise<TutorialTimings[]> {
  const env = standIns.env;
  const pipeline = createTutorialPipeline({
    discordApiBase: env.DISCORD_API_URL ?? '',
    discordToken: env.DISCORD_TOKEN ?? '',
    geminiBaseUrl: env.GOOGLE_GEMINI_BASE_URL ?? '',
    geminiApiKey: env.GEMINI_API_KEY ?? '',
    geminiModel: 'gemini-3.5-flash',
    mem0Host: env.MEM0_HOST ?? '',
    mem0ApiKey: env.MEM0_API_KEY ?? '',
  });
  const users = Array.from({ length: options.messages }, (_, i) => userId(400000000000000000n, i));
  const channels = await Promise.all(users.map((id) => pipeline.openDm(id)));
  const runs: Array<Promise<TutorialTimings>> = [];
  for (const [i, id] of users.entries()) {
    const run = pipeline.answer({
      userId: id,
      channelId: channels[i] ?? '',
      text: `bench ${i}: I slept badly again and work is stressing me out`,
    });
    // Handled here so that a failure while later runs start is not an unhandled rejection.
    run.catch(() => undefined);
    runs.push(run);
    await sleep(options.spacingMs);
  }
  return Promise.all(runs);
}

/** The reply-latency table. */
export function formatReplyLatency(r: ReplyLatencyResult): string {
  const o = r.options;
  const p = (x: Percentiles) => [x.p50, x.p95, x.p99];
  return [
    `Reply latency: ${o.messages} DMs from ${o.messages} users, ${o.spacingMs} ms apart; ` +
      `every mem0 call ${o.mem0Ms} ms, Gemini first token ${o.ttftMs} ms / full text ${o.totalMs} ms`,
    tableRow('(ms, from MESSAGE_CREATE)', ['p50', 'p95', 'p99']),
    tableRow('bot: first text on Discord', p(r.botFirstText)),
    tableRow('bot: final text on Discord', p(r.botFinalText)),
    tableRow('bot: its Gemini call starts', p(r.botToGeminiCall)),
    tableRow('tutorial pipeline: its only text', p(r.tutorialFirstText)),
    tableRow('limit: first text (search + ttft)', [r.limitFirstText]),
    tableRow('limit: final text (search + total)', [r.limitFinalText]),
    tableRow('bot overhead over limit, first, p50', [r.botOverheadP50.firstText]),
    tableRow('bot overhead over limit, final, p50', [r.botOverheadP50.finalText]),
    tableRow('floor: limit + SDK/stand-in cost of a call', [r.sdkFloorFirstText]),
    tableRow('bot overhead over that floor, first, p50', [r.botOverheadOverSdkFloorP50]),
    tableRow('tutorial / bot, first text, p50 (×)', [r.tutorialOverBotFirstTextP50]),
    `  tutorial steps, p50 ms: ${Object.entries(r.tutorialStepsP50)
      .map(([k, v]) => `${k.replace(/Ms$/, '')} ${v}`)
      .join(', ')}`,
  ].join('\n');
}
