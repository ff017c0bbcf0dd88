import { startBotProcess } from './bot-process.js';
import { round, sleep, tableRow } from './stats.js';
import type { BotMessage, SentDm, StandInsProcess } from './standins-process.js';

/** The steady chat, the limit it meets, and the extraction shares compared. */
export interface MemoryShareOptions {
  /** People chatting at once, each in their own DM. */
  people: number;
  /** Gap between two of one person's messages; the people are spread evenly over it. */
  messageIntervalMs: number;
  /** How long they keep chatting; the figures are read as the last message is sent. */
  durationMs: number;
  /** GEMINI_REQUESTS_PER_MINUTE of the bot, and the stand-in's per-model quota. */
  geminiRequestsPerMinute: number;
  /** MEMORY_BATCH_WINDOW_MS of the bot. */
  memoryBatchWindowMs: number;
  /** USER_TURNS_PER_MINUTE of the bot. */
  userTurnsPerMinute: number;
  /** MEMORY_EXTRACTION_EVERY of each run, each on a fresh bot (0: the behaviour before #13). */
  extractionEvery: readonly number[];
  /** Gemini's time to first token and to the full answer. */
  ttftMs: number;
  totalMs: number;
}

/** What one run (one MEMORY_EXTRACTION_EVERY) measured. */
export interface MemoryShareRun {
  extractionEvery: number;
  messagesSent: number;
  /** Messages whose text is in a finished answer (a merged answer answers all of its messages). */
  messagesAnswered: number;
  /** Age, at the end, of the oldest message not answered yet; 0 if none. */
  oldestUnansweredS: number;
  /** Gemini chat calls started: one per answer. */
  answerCalls: number;
  /** mem0's memory-extraction calls the Gemini stand-in received: one per batch written. */
  extractionCalls: number;
  /** Answered messages whose exchange was in a memory-extraction call. */
  exchangesWritten: number;
  /** Answered messages whose exchange was not (yet) sent to mem0's extraction. */
  exchangesUnwritten: number;
  /**
   * Age, at the end, of the oldest exchange not written, from the start of its answer's Gemini
   * call; 0 if none.
   */
  oldestUnwrittenS: number;
  /** Longest time from an answer's Gemini call to the extraction call that wrote its exchange. */
  longestWriteWaitS: number;
  /** Generation calls the stand-in refused for being over its quota. */
  overQuotaAtStandIn: number;
}

/** What the memory-share section measured: one run per extraction share. */
export interface MemoryShareResult {
  options: MemoryShareOptions;
  runs: MemoryShareRun[];
}

/** The scenario (#13): two people chatting steadily for 3 minutes at the free tier's 10 a minute. */
export const defaultMemoryShareOptions: MemoryShareOptions = {
  people: 2,
  messageIntervalMs: 6_000,
  durationMs: 180_000,
  geminiRequestsPerMinute: 10,
  memoryBatchWindowMs: 30_000,
  userTurnsPerMinute: 6,
  extractionEvery: [0, 4],
  ttftMs: 300,
  totalMs: 800,
};

/** A few seconds at a higher rate, for a smoke test: keeps the section working, measures little. */
export const quickMemoryShareOptions: MemoryShareOptions = {
  people: 2,
  messageIntervalMs: 500,
  durationMs: 2_000,
  geminiRequestsPerMinute: 600,
  memoryBatchWindowMs: 300,
  // Out of the way, so that a few seconds are enough for the Gemini limit to be the bottleneck.
  userTurnsPerMinute: 1_000,
  // One run: the smoke test checks that the section works, not the comparison.
  extractionEvery: [4],
  ttftMs: 20,
  totalMs: 60,
};

/** The keys of the bench's messages in `text`, as `[r<run>p<person>m<message>]`. */
function keysIn(text: string): string[] {
  return text.match(/\[r\d+p\d+m\d+\]/g) ?? [];
}

/**
 * The bench's messages a memory-extraction call was asked to remember: those in its prompt's
 * "## New Messages" section (the memories it lists before them hold earlier ones).
 */
function extractedKeys(text: string): string[] {
  const start = text.lastIndexOf('## New Messages\n');
  if (start === -1) return [];
  const end = text.indexOf('\n## ', start + 1);
  return keysIn(text.slice(start, end === -1 ? undefined : end));
}

/** The messages a finished answer answers: the stand-in echoes `I hear you: "<the turn's text>"`. */
function answeredKeys(content: string): string[] {
  const start = content.indexOf('I hear you: "');
  // Still being written (streamed edits) when it does not end the echo yet.
  if (start === -1 || !content.endsWith('"')) return [];
  return keysIn(content.slice(start));
}

async function measureRun(
  standIns: StandInsProcess,
  options: MemoryShareOptions,
  run: number,
): Promise<MemoryShareRun> {
  const extractionEvery = options.extractionEvery[run] ?? 0;
  // Set again for each run, which clears the stand-in's record of the minute before: the last
  // bot's shutdown (its memory writes flushed) does not count against this one.
  await standIns.setGeminiRequestsPerMinute(options.geminiRequestsPerMinute);
  const gemini0 = (await standIns.geminiRequests()).length;
  const extractions0 = (await standIns.memoryExtractions()).length;
  const overQuota0 = await standIns.geminiOverLimit();
  const bot = await startBotProcess({
    standIns,
    backend: 'open-source',
    env: {
      GEMINI_REQUESTS_PER_MINUTE: String(options.geminiRequestsPerMinute),
      MEMORY_BATCH_WINDOW_MS: String(options.memoryBatchWindowMs),
      USER_TURNS_PER_MINUTE: String(options.userTurnsPerMinute),
      MEMORY_EXTRACTION_EVERY: String(extractionEvery),
    },
  });
  const sent: Array<SentDm & { key: string }> = [];
  let endedAt: number;
  let overQuota: number;
  let messages: BotMessage[];
  try {
    // Each DM sent at its own time, one request each: one person every interval, the people
    // spread evenly across it, so that the load is steady rather than in bursts.
    const startedAt = Date.now();
    const perPerson = Math.max(1, Math.floor(options.durationMs / options.messageIntervalMs));
    const plan = Array.from({ length: perPerson * options.people }, (_, i) => {
      const person = i % options.people;
      const message = Math.floor(i / options.people);
      return {
        at: startedAt + (i * options.messageIntervalMs) / options.people,
        key: `[r${run}p${person}m${message}]`,
        userId: String(610000000000000000n + BigInt(run * 100 + person)),
      };
    });
    for (const dm of plan) {
      await sleep(Math.max(0, dm.at - Date.now()));
      const [delivered] = await standIns.sendDms(
        [{ userId: dm.userId, content: `${dm.key} work kept me up again and I feel tense` }],
        0,
      );
      if (delivered !== undefined) sent.push({ ...delivered, key: dm.key });
    }
    // Read as the last message goes out: under continuous chat, not after it has drained.
    endedAt = Date.now();
    messages = await standIns.botMessages();
    overQuota = (await standIns.geminiOverLimit()) - overQuota0;
  } finally {
    await bot.stop();
  }

  const ours = new Set(sent.map((dm) => dm.key));
  const answered = new Set(
    messages.flatMap((m) => answeredKeys(m.content)).filter((key) => ours.has(key)),
  );
  const chats = (await standIns.geminiRequests())
    .slice(gemini0)
    .filter((r) => r.kind === 'chat' && r.at <= endedAt);
  // An exchange exists once its answer is written: counted from the start of that answer's
  // Gemini call (the answer took the stand-in's totalMs more).
  const answeredAt = new Map<string, number>();
  for (const chat of chats) {
    for (const key of keysIn(chat.lastUserText ?? '')) {
      if (answered.has(key) && !answeredAt.has(key)) answeredAt.set(key, chat.at);
    }
  }
  const extractions = (await standIns.memoryExtractions())
    .slice(extractions0)
    .filter((call) => call.at <= endedAt);
  const writtenAt = new Map<string, number>();
  for (const call of extractions) {
    for (const key of extractedKeys(call.text)) {
      if (!writtenAt.has(key)) writtenAt.set(key, call.at);
    }
  }
  const exchanges = [...answeredAt];
  const unwritten = exchanges.filter(([key]) => !writtenAt.has(key));
  const writeWaits = exchanges.flatMap(([key, at]) => {
    const written = writtenAt.get(key);
    return written === undefined ? [] : [written - at];
  });
  const unanswered = sent.filter((dm) => !answered.has(dm.key));
  const seconds = (ms: readonly number[]) => round(Math.max(0, ...ms) / 1000);
  return {
    extractionEvery,
    messagesSent: sent.length,
    messagesAnswered: answered.size,
    oldestUnansweredS: seconds(unanswered.map((dm) => endedAt - dm.at)),
    answerCalls: chats.length,
    extractionCalls: extractions.length,
    exchangesWritten: exchanges.length - unwritten.length,
    exchangesUnwritten: unwritten.length,
    oldestUnwrittenS: seconds(unwritten.map(([, at]) => endedAt - at)),
    longestWriteWaitS: seconds(writeWaits),
    overQuotaAtStandIn: overQuota,
  };
}

/**
 * People chatting steadily under the Gemini limit, with the local (open-source) memory store,
 * whose memory extraction shares the limit with the answers: how many exchanges are written to
 * memory while the chat goes on, for each MEMORY_EXTRACTION_EVERY, each run on a fresh bot.
 * "Written" is observed at the Gemini stand-in: an exchange counts once a memory-extraction call
 * quoting it has arrived there (mem0 makes one such call per batch it adds; the memory is stored
 * once that call and an embedding return).
 */
export async function measureMemoryShare(
  standIns: StandInsProcess,
  options: MemoryShareOptions,
): Promise<MemoryShareResult> {
  await standIns.injectLatency({ ttftMs: options.ttftMs, totalMs: options.totalMs, mem0Ms: 0 });
  const runs: MemoryShareRun[] = [];
  try {
    for (let run = 0; run < options.extractionEvery.length; run++) {
      runs.push(await measureRun(standIns, options, run));
    }
  } finally {
    await standIns.setGeminiRequestsPerMinute(undefined);
  }
  return { options, runs };
}

/** The memory-share table: one column per MEMORY_EXTRACTION_EVERY. */
export function formatMemoryShare(r: MemoryShareResult): string {
  const o = r.options;
  const column = (pick: (run: MemoryShareRun) => string | number) => r.runs.map(pick);
  return [
    `Memory share: ${o.people} people, a DM each every ${o.messageIntervalMs / 1000} s for ` +
      `${o.durationMs / 1000} s; local memory store; Gemini limit ${o.geminiRequestsPerMinute}/min; ` +
      `MEMORY_BATCH_WINDOW_MS ${o.memoryBatchWindowMs}; Gemini ${o.ttftMs}/${o.totalMs} ms`,
    tableRow(
      'MEMORY_EXTRACTION_EVERY',
      column((run) => (run.extractionEvery === 0 ? '0 (off)' : run.extractionEvery)),
    ),
    tableRow(
      'messages sent',
      column((run) => run.messagesSent),
    ),
    tableRow(
      'messages answered',
      column((run) => run.messagesAnswered),
    ),
    tableRow(
      'oldest unanswered message at the end (s)',
      column((run) => run.oldestUnansweredS),
    ),
    tableRow(
      'answers (Gemini chat calls)',
      column((run) => run.answerCalls),
    ),
    tableRow(
      'memory-extraction calls',
      column((run) => run.extractionCalls),
    ),
    tableRow(
      'answered exchanges written to memory',
      column((run) => run.exchangesWritten),
    ),
    tableRow(
      'answered exchanges not yet written',
      column((run) => run.exchangesUnwritten),
    ),
    tableRow(
      'oldest unwritten exchange at the end (s)',
      column((run) => run.oldestUnwrittenS),
    ),
    tableRow(
      'longest wait for a write, of those (s)',
      column((run) => run.longestWriteWaitS),
    ),
    tableRow(
      'Gemini calls over the quota (stand-in)',
      column((run) => run.overQuotaAtStandIn),
    ),
  ].join('\n');
}
