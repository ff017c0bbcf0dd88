import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useGeminiBaseUrl } from '../src/llm/gemini.js';
import {
  createIndexedMem0Memory,
  createMem0OpenSourceStore,
} from '../src/memory/mem0-open-source.js';
import { memoryUserIdForDiscord } from '../src/memory/user-id.js';
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
  /** Every Gemini embedding request (the local store's recall) takes this long. */
  embeddingMs: number;
  /** Searches of the local store timed on their own, with and without the prefetch. */
  recallSearches: number;
}

/** The bot's latency on one memory backend. */
export interface BackendLatency {
  botFirstText: Percentiles;
  botFinalText: Percentiles;
  /** From MESSAGE_CREATE until the bot's Gemini call started (memory search included). */
  botToGeminiCall: Percentiles;
  /** What recall needs at least: the Platform's search, or one embedding for the local store. */
  recallLimitMs: number;
  limitFirstText: number;
  limitFinalText: number;
  botOverheadP50: { firstText: number; finalText: number; toGeminiCall: number };
  /** Gemini embedding requests per DM answered (the local store's recall; 0 on the Platform). */
  embeddingRequestsPerDm: number;
}

/** The local store's search timed on its own, in this process, against the same stand-ins. */
export interface LocalRecallResult {
  oneEmbeddingMs: number;
  /** The bot's search: the query and its entities embedded in one request. */
  prefetched: Percentiles;
  /** mem0's own search, as before: the query, then its entities, one request after the other. */
  mem0TwoRequests: Percentiles;
  embeddingRequestsPerSearch: { prefetched: number; mem0TwoRequests: number };
}

/** What the reply-latency section measured. */
export interface ReplyLatencyResult {
  options: ReplyLatencyOptions;
  platform: BackendLatency;
  openSource: BackendLatency;
  localRecall: LocalRecallResult;
  tutorialFirstText: Percentiles;
  /**
   * The Platform limit plus what the same SDKs and stand-ins add per call, as the tutorial's own
   * steps measured it in this run (its search, generate and send steps over their injected latency).
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

const benchText = (i: number) =>
  `bench ${i}: I slept badly again and my sister Ana says work is stressing me out`;

/** One burst of DMs to a fresh bot on `backend`, timed from the stand-ins' own records. */
async function measureBackend(
  standIns: StandInsProcess,
  options: ReplyLatencyOptions,
  backend: 'platform' | 'open-source',
  base: bigint,
): Promise<BackendLatency> {
  const bot = await startBotProcess({
    standIns,
    backend,
    // Limits out of the way: this section measures the path of one message, not the limits.
    env: {
      GEMINI_REQUESTS_PER_MINUTE: '60000',
      GEMINI_MAX_CONCURRENT: '1000',
      USER_TURNS_PER_MINUTE: '1000',
      QUEUE_NOTICE_AFTER_MS: '600000',
    },
  });
  let sent: SentDm[];
  const geminiBefore = (await standIns.geminiRequests()).length;
  try {
    // A few answered messages first, so that connections are open and code is warm.
    const before = await standIns.answeredChannels();
    await standIns.sendDms(
      Array.from({ length: 5 }, (_, i) => ({
        userId: userId(base, i),
        content: `warming up ${i}`,
      })),
      100,
    );
    await standIns.waitUntilAnsweredAndQuiet(before + 5, 500, 30_000);
    sent = await standIns.sendDms(
      Array.from({ length: options.messages }, (_, i) => ({
        userId: userId(base + 1000n, i),
        content: benchText(i),
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
  const allGemini = (await standIns.geminiRequests()).slice(geminiBefore);
  const gemini = allGemini.filter((r) => r.kind === 'chat');
  const firstText: number[] = [];
  const finalText: number[] = [];
  const toGemini: number[] = [];
  const firstDmAt = sent[0]?.at ?? 0;
  for (const [i, dm] of sent.entries()) {
    const writes = requests.filter((r) => isWrite(r, dm.channelId) && r.setsContent);
    const first = writes.find((w) => w.method === 'POST');
    // The finished text; buttons (the first-contact offer) are added by an edit of their own.
    const last = writes.at(-1);
    if (!first || !last) throw new Error(`no reply recorded in channel ${dm.channelId}`);
    firstText.push(first.at - dm.at);
    finalText.push(last.at - dm.at);
    const call = gemini.find((g) => g.lastUserText?.includes(`bench ${i}:`));
    if (call) toGemini.push(call.at - dm.at);
  }
  // Recall's embeddings: those sent during the burst, before any memory write could start.
  const burstEnd = Math.max(...requests.map((r) => r.at));
  const embeddings = allGemini.filter(
    (r) => r.kind === 'embedding' && r.at >= firstDmAt && r.at <= burstEnd,
  ).length;
  const recallLimitMs = backend === 'platform' ? options.mem0Ms : options.embeddingMs;
  const limitFirstText = recallLimitMs + options.ttftMs;
  const limitFinalText = recallLimitMs + Math.max(options.ttftMs, options.totalMs);
  const botFirstText = percentiles(firstText);
  const botFinalText = percentiles(finalText);
  const botToGeminiCall = percentiles(toGemini);
  return {
    botFirstText,
    botFinalText,
    botToGeminiCall,
    recallLimitMs,
    limitFirstText,
    limitFinalText,
    botOverheadP50: {
      firstText: round(botFirstText.p50 - limitFirstText),
      finalText: round(botFinalText.p50 - limitFinalText),
      toGeminiCall: round(botToGeminiCall.p50 - recallLimitMs),
    },
    embeddingRequestsPerDm: round(embeddings / Math.max(1, sent.length)),
  };
}

/**
 * The local store's search on its own: the bot's (one embedding request) against mem0's own
 * (two, one after the other), on the same memories and the same stand-in.
 */
async function measureLocalRecall(
  standIns: StandInsProcess,
  options: ReplyLatencyOptions,
): Promise<LocalRecallResult> {
  useGeminiBaseUrl(standIns.env.GOOGLE_GEMINI_BASE_URL);
  const dataDir = mkdtempSync(join(tmpdir(), 'wellness0-bench-recall-'));
  const storeOptions = {
    dataDir,
    geminiApiKey: standIns.env.GEMINI_API_KEY ?? '',
    llmModel: 'gemini-3.8-flash',
    embeddingModel: 'gemini-embedding-001',
    embeddingDimensions: 768,
  };
  const person = memoryUserIdForDiscord('310000000000000001');
  const seeded = createIndexedMem0Memory(storeOptions);
  try {
    const { memory } = await seeded.ready();
    for (const text of [
      'My sister Ana moved to Lisbon in May',
      'Work has been stressful since the reorganisation',
      'I sleep badly before big meetings',
      'I adopted a cat named Miso',
      'Ana and I talk on Sundays',
      'I started running in the mornings',
    ]) {
      await memory.add(text, { userId: person, infer: false });
    }
    const timeSearches = async (search: (query: string) => Promise<unknown>) => {
      const before = (await standIns.geminiRequests()).length;
      const times: number[] = [];
      for (let i = 0; i < options.recallSearches; i++) {
        const started = performance.now();
        await search(benchText(i));
        times.push(performance.now() - started);
      }
      const embeddings = (await standIns.geminiRequests())
        .slice(before)
        .filter((r) => r.kind === 'embedding').length;
      return { times: percentiles(times), perSearch: round(embeddings / options.recallSearches) };
    };
    const direct = await timeSearches((query) =>
      memory.search(query, { filters: { user_id: person }, topK: 8 }),
    );
    await seeded.close();
    const store = createMem0OpenSourceStore(storeOptions);
    try {
      const prefetched = await timeSearches((query) =>
        store.search(person, query, { limit: 8, origin: { kind: 'dm', channelId: '1' } }),
      );
      return {
        oneEmbeddingMs: options.embeddingMs,
        prefetched: prefetched.times,
        mem0TwoRequests: direct.times,
        embeddingRequestsPerSearch: {
          prefetched: prefetched.perSearch,
          mem0TwoRequests: direct.perSearch,
        },
      };
    } finally {
      await store.close();
    }
  } finally {
    await seeded.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The bot's reply latency under a burst of users on both memory backends, side by side with the
 * physical limit (memory search, or one embedding, plus Gemini's time to first token or full
 * text) and the tutorial's awaited pipeline, all against the stand-ins process.
 */
export async function measureReplyLatency(
  standIns: StandInsProcess,
  options: ReplyLatencyOptions,
): Promise<ReplyLatencyResult> {
  await standIns.injectLatency(options);
  const platform = await measureBackend(standIns, options, 'platform', 300000000000000000n);
  const openSource = await measureBackend(standIns, options, 'open-source', 320000000000000000n);
  const localRecall = await measureLocalRecall(standIns, options);
  const tutorial = await measureTutorial(standIns, options);
  const tutorialFirstText = percentiles(tutorial.map((t) => t.totalMs));
  const keys = Object.keys(tutorial[0] ?? {}) as Array<keyof TutorialTimings>;
  const stepP50 = (key: keyof TutorialTimings) =>
    percentile(
      tutorial.map((t) => t[key]),
      50,
    );
  const sdkFloorFirstText = round(
    platform.limitFirstText +
      (stepP50('searchMs') - options.mem0Ms) +
      (stepP50('generateMs') - options.totalMs) +
      stepP50('sendMs'),
  );
  return {
    options,
    platform,
    openSource,
    localRecall,
    tutorialFirstText,
    sdkFloorFirstText,
    botOverheadOverSdkFloorP50: round(platform.botFirstText.p50 - sdkFloorFirstText),
    tutorialOverBotFirstTextP50:
      Math.round((tutorialFirstText.p50 / platform.botFirstText.p50) * 100) / 100,
    tutorialStepsP50: Object.fromEntries(keys.map((key) => [key, round(stepP50(key))])) as Record<
      keyof TutorialTimings,
      number
    >,
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
    geminiModel: 'gemini-3.8-flash',
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
  const backendRows = (name: string, b: BackendLatency) => [
    tableRow(`${name}: first text on Discord`, p(b.botFirstText)),
    tableRow(`${name}: final text on Discord`, p(b.botFinalText)),
    tableRow(`${name}: its Gemini call starts`, p(b.botToGeminiCall)),
    tableRow(`${name}: limit, first text (recall + ttft)`, [b.limitFirstText]),
    tableRow(`${name}: overhead over limit, first, p50`, [b.botOverheadP50.firstText]),
    tableRow(`${name}: overhead over limit, final, p50`, [b.botOverheadP50.finalText]),
    tableRow(`${name}: embedding requests per DM`, [b.embeddingRequestsPerDm]),
  ];
  const l = r.localRecall;
  return [
    `Reply latency: ${o.messages} DMs from ${o.messages} users, ${o.spacingMs} ms apart; ` +
      `every mem0 call ${o.mem0Ms} ms, each embedding ${o.embeddingMs} ms, ` +
      `Gemini first token ${o.ttftMs} ms / full text ${o.totalMs} ms`,
    tableRow('(ms, from MESSAGE_CREATE)', ['p50', 'p95', 'p99'], 44),
    ...backendRows('platform', r.platform),
    ...backendRows('local', r.openSource),
    tableRow('tutorial pipeline: its only text', p(r.tutorialFirstText)),
    tableRow('floor: platform limit + SDK/stand-in cost', [r.sdkFloorFirstText]),
    tableRow('platform overhead over that floor, p50', [r.botOverheadOverSdkFloorP50]),
    tableRow('tutorial / bot, first text, p50 (×)', [r.tutorialOverBotFirstTextP50]),
    `  tutorial steps, p50 ms: ${Object.entries(r.tutorialStepsP50)
      .map(([k, v]) => `${k.replace(/Ms$/, '')} ${v}`)
      .join(', ')}`,
    `  local store's recall alone (${o.recallSearches} searches; one embedding = ${l.oneEmbeddingMs} ms):`,
    tableRow('  bot: query + entities in one request', p(l.prefetched)),
    tableRow('  before: mem0 search, two requests', p(l.mem0TwoRequests)),
    tableRow('  embedding requests per search (bot, before)', [
      l.embeddingRequestsPerSearch.prefetched,
      l.embeddingRequestsPerSearch.mem0TwoRequests,
    ]),
  ].join('\n');
}
