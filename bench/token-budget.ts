// What each turn costs in tokens: the chat prompt (bounded, vs resending the whole conversation)
// and the memory writes (mem0 extraction calls, with and without batching). Run on its own with
// `npx tsx bench/token-budget.ts [--users 3] [--turns 20] [--batch-window-ms 2000] [--out file.json]`.
import './env.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultPersona } from '../src/conversation/persona.js';
import { type Harness, startHarness, withoutGreeting } from '../test/helpers/harness.js';
import {
  extractUserStatements,
  type GeminiContent,
  type GeminiRecordedRequest,
} from '../test/standins/gemini.js';
import { writeJsonResult } from './json-out.js';

/** What one token-budget run does. */
export interface TokenBudgetOptions {
  /** DMs each person sends, one after the other, each after the answer to the last. */
  turns: number;
  /** People talking at the same time, each in their own DM. */
  users: number;
  /** MEMORY_BATCH_WINDOW_MS of the batched run (the other run writes every exchange at once). */
  batchWindowMs: number;
  log?: (line: string) => void;
}

/** p50, p95 and max of a set of samples. */
export interface Spread {
  p50: number;
  p95: number;
  max: number;
}

/** Chat prompt sizes in ≈ tokens (chars/4), from the requests the Gemini stand-in received. */
export interface ChatPromptFigures {
  /** What the bot sent per turn: persona, recalled memories, short-term history, the message. */
  bot: Spread;
  /** What sending the whole conversation every turn would cost: persona, every earlier message and answer, the message. */
  wholeConversation: Spread;
  /** Sum over all turns of the whole conversation / sum of what the bot sent. */
  wholeConversationOverBot: number;
  /** Mean over people, by turn number (1 = first DM). */
  byTurn: Array<{ turn: number; bot: number; wholeConversation: number }>;
  /** How much the mean prompt grew per turn over the last third of the conversations: small once it plateaus. */
  growthPerTurnInLastThird: { bot: number; wholeConversation: number };
  /**
   * Per prompt from each person's second turn on, the % of it (chars) that repeats the start of
   * their previous prompt: what Gemini's implicit cache can serve from that request.
   */
  prefixRepeatedPercent: Spread;
  /**
   * Of all prompt tokens, the % the Gemini stand-in reported as cached (`usageMetadata.
   * cachedContentTokenCount`; it emulates the implicit cache, which starts at 1,024 tokens).
   */
  cachedTokensPercent: number;
}

/** What remembering cost, from mem0's calls to the Gemini stand-in. */
export interface MemoryWriteFigures {
  batchWindowMs: number;
  maxExchangesPerWrite: number;
  userTurns: number;
  /** mem0 memory-extraction calls (one per mem0 add). */
  extractionCalls: number;
  extractionCallsPerUserTurn: number;
  /** ≈ tokens (chars/4) of the extraction prompts, per user turn. */
  extractionPromptTokensPerUserTurn: number;
  /** Embedding calls (recall and write) per user turn. */
  embeddingCallsPerUserTurn: number;
  /** User messages found in the extraction prompts: every turn, once, when nothing was lost. */
  exchangesWritten: number;
}

/** One harness run: batching off or on. */
export interface TokenBudgetRun {
  chatPrompt: ChatPromptFigures;
  memoryWrites: MemoryWriteFigures;
}

/** Everything the benchmark measured. */
export interface TokenBudgetResult {
  options: Omit<TokenBudgetOptions, 'log'>;
  estimate: 'chars/4';
  /** Every exchange its own mem0 add, as before batching (window 0, one exchange per write). */
  batchingOff: TokenBudgetRun;
  /** Exchanges batched with the given window and the default MEMORY_BATCH_MAX_EXCHANGES. */
  batchingOn: TokenBudgetRun;
}

const openers = [
  'Hey,',
  'Hi again.',
  'So,',
  'Honestly,',
  'Okay, update:',
  'I wanted to tell you something.',
  'Morning.',
  'Ugh.',
];
const topics = [
  'work has been really stressful this week because my manager keeps moving deadlines and I end up staying late most nights',
  'I have not been sleeping well, I keep waking up around 3am and my mind starts racing about everything I still have to do',
  'my sister is moving abroad next month and I am happy for her but I also feel like I am losing my closest person',
  'I went for a run for the first time in months',
  'my cat Miso has been hiding under the bed since we moved flats and barely eats',
  'I had an argument with my best friend about something small and now we are not really talking',
  'the exam is on Friday and I feel like nothing I read stays in my head',
  'I started cooking proper dinners instead of ordering food every night',
  'my dad called and we actually had a nice conversation for once, no arguing about politics',
  'I keep scrolling my phone until late even though I know it makes me feel worse',
  'I got some good feedback at work today',
  'the weather has been grey for two weeks and it really gets to me',
];
const details = [
  '',
  ' It has been going on for a while now.',
  ' I do not really know how to feel about it.',
  ' It sounds silly when I write it down, but it has been on my mind all day and I could not focus on anything else, not even the show I usually love.',
  ' My therapist would probably say I am catastrophising again.',
  ' I tried the breathing thing you mentioned, it helped a bit.',
];
const questions = [
  '',
  ' Do you think that is normal?',
  ' How can I handle this better?',
  ' Any ideas?',
  ' What would you do?',
];
const replySentences = [
  'That sounds like a lot to carry, and it makes sense that you feel worn out.',
  'Thank you for telling me; it takes something to put that into words.',
  'It is completely understandable to feel two ways about it at once.',
  'One small thing that sometimes helps is picking just the next step, not the whole staircase.',
  'You mentioned this before, and it sounds like it is still weighing on you.',
  'Would it help to talk through what a good evening would look like for you this week?',
  'Be gentle with yourself here: you are doing more than you give yourself credit for.',
  'If the nights keep being this hard, a chat with your doctor could be worth it, just to rule things out.',
  'What part of it feels heaviest right now?',
  'That is a real win, and I hope you let yourself enjoy it for a moment.',
  'Sometimes writing the racing thoughts on paper before bed gives the mind permission to let them go.',
  'I am here whenever you want to pick this up again.',
];

/** Person `user`'s DM number `turn` (both from 0): realistic in length (about 40 to 400 chars), varied. */
function messageFor(user: number, turn: number): string {
  const pick = <T>(items: readonly T[], i: number): T => items[i % items.length] as T;
  return (
    pick(openers, user + turn) +
    ' ' +
    pick(topics, user * 5 + turn * 7) +
    '.' +
    pick(details, user + turn * 5) +
    pick(questions, user * 3 + turn) +
    ` (day ${turn + 1})`
  );
}

/** The stand-in's answer to a message: three to eight sentences (about 250 to 650 chars), chosen by the message. */
function replyFor(message: string): string {
  let hash = 0;
  for (let i = 0; i < message.length; i++) hash = (hash * 31 + message.charCodeAt(i)) >>> 0;
  const count = 3 + (hash % 6);
  return Array.from(
    { length: count },
    (_, i) => replySentences[(hash + i * 5) % replySentences.length],
  ).join(' ');
}

const tokens = (chars: number) => Math.round(chars / 4);

function partsText(content: GeminiContent | undefined): string {
  return (content?.parts ?? [])
    .filter((part) => !part.thought)
    .map((part) => part.text ?? '')
    .join('');
}

/** A request's prompt in the order the model reads it: system instruction, then each turn's parts. */
function promptSequence(request: GeminiRecordedRequest): string {
  const turn = (content: GeminiContent) =>
    `\u0000${content.role ?? 'user'}\u0000${(content.parts ?? []).map((part) => part.text ?? '').join('\u0001')}`;
  return [
    (request.body.systemInstruction?.parts ?? []).map((part) => part.text ?? '').join('\u0001'),
    ...(request.body.contents ?? []).map(turn),
  ].join('');
}

function sharedPrefixLength(a: string, b: string): number {
  const end = Math.min(a.length, b.length);
  let i = 0;
  while (i < end && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Characters of everything a request asked the model: system instruction and every turn. */
function promptChars(request: GeminiRecordedRequest): number {
  const contents = request.body.contents ?? [];
  return contents.reduce(
    (sum, content) => sum + partsText(content).length,
    partsText(request.body.systemInstruction).length,
  );
}

function userText(request: GeminiRecordedRequest): string {
  return (request.body.contents ?? [])
    .filter((content) => content.role === undefined || content.role === 'user')
    .map(partsText)
    .join('\n');
}

/** Nearest-rank percentile, as the other benchmarks compute it. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function spread(values: readonly number[]): Spread {
  return { p50: percentile(values, 50), p95: percentile(values, 95), max: Math.max(0, ...values) };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const round1 = (value: number) => Math.round(value * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;

/** One person's conversation: each DM sent after the answer to the previous one. */
async function converse(h: Harness, user: number, turns: number) {
  const userId = String(500000000000000000n + BigInt(user));
  const transcript: Array<{ message: string; reply: string }> = [];
  for (let turn = 0; turn < turns; turn++) {
    const message = messageFor(user, turn);
    const sent = h.discord.sendDm({ userId, content: message });
    const before = h.discord.messages(sent.channel_id).length;
    const expected = replyFor(message);
    const reply = await h.discord.waitFor(() => {
      const answer = h.discord.messages(sent.channel_id)[before];
      return answer !== undefined && answer.content.endsWith(expected) && answer;
    }, 30_000);
    transcript.push({ message, reply: withoutGreeting(reply.content) });
  }
  return transcript;
}

/** Runs every conversation on a fresh bot with the given batching, and measures its prompts. */
async function measureRun(
  options: TokenBudgetOptions,
  batch: { windowMs: number; maxExchanges: number | undefined },
): Promise<TokenBudgetRun> {
  const h = await startHarness({
    backend: 'open-source',
    env: {
      MEMORY_BATCH_WINDOW_MS: String(batch.windowMs),
      ...(batch.maxExchanges === undefined
        ? {}
        : { MEMORY_BATCH_MAX_EXCHANGES: String(batch.maxExchanges) }),
      QUEUE_NOTICE_AFTER_MS: '600000',
    },
  });
  try {
    h.gemini.setResponder(({ lastUserText }) => ({ kind: 'text', text: replyFor(lastUserText) }));
    const transcripts = await Promise.all(
      Array.from({ length: options.users }, (_, user) => converse(h, user, options.turns)),
    );
    // The last batches are written when their window ends, as they would be without a shutdown.
    await sleep(batch.windowMs);
    if ((await h.app.core.whenIdle(60_000)) > 0) throw new Error('memory writes did not settle');
    const violations = h.violations();
    if (violations.length > 0)
      throw new Error(`stand-ins saw violations:\n${violations.join('\n')}`);

    // Where each message was said: who, and which turn.
    const turnOf = new Map<string, { user: number; turn: number }>();
    transcripts.forEach((transcript, user) =>
      transcript.forEach(({ message }, turn) => turnOf.set(message, { user, turn })),
    );
    const persona = h.config.persona ?? defaultPersona;
    const botTokens = transcripts.map((t) => new Array<number>(t.length).fill(0));
    const sequences = transcripts.map((t) => new Array<string>(t.length).fill(''));
    let promptTokens = 0;
    let cachedTokens = 0;
    for (const request of h.gemini.chatRequests()) {
      // The person's words are the last part of the last turn (recalled memories come before).
      const at = turnOf.get(request.body.contents?.at(-1)?.parts?.at(-1)?.text ?? '');
      if (at === undefined) throw new Error('a chat request matched no message sent');
      const row = botTokens[at.user];
      if (row !== undefined) row[at.turn] = tokens(promptChars(request));
      const sequenceRow = sequences[at.user];
      if (sequenceRow !== undefined) sequenceRow[at.turn] = promptSequence(request);
      promptTokens += tokens(promptChars(request));
      cachedTokens += request.cachedTokens ?? 0;
    }
    const prefixRepeated = sequences.flatMap((row) =>
      row.slice(1).map((sequence, i) => {
        const previous = row[i] ?? '';
        return Math.round(
          (100 * sharedPrefixLength(previous, sequence)) / Math.max(1, sequence.length),
        );
      }),
    );
    const wholeTokens = transcripts.map((transcript) => {
      let earlier = persona.length;
      return transcript.map(({ message, reply }) => {
        const chars = earlier + message.length;
        earlier += message.length + reply.length;
        return tokens(chars);
      });
    });
    const bot = botTokens.flat();
    const whole = wholeTokens.flat();
    const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
    const meanAt = (table: number[][], turn: number) =>
      Math.round(sum(table.map((row) => row[turn] ?? 0)) / table.length);

    const extractions = h.gemini.requests.filter(
      (r) => r.kind === 'memory-extraction' && r.action === 'generateContent',
    );
    const embeddings = h.gemini.requests.filter((r) => r.kind === 'embedding');
    const last = options.turns - 1;
    const from = Math.floor((2 * last) / 3);
    const growth = (table: number[][]) =>
      last === from ? 0 : round1((meanAt(table, last) - meanAt(table, from)) / (last - from));
    const userTurns = options.users * options.turns;
    return {
      chatPrompt: {
        bot: spread(bot),
        wholeConversation: spread(whole),
        wholeConversationOverBot: round2(sum(whole) / Math.max(1, sum(bot))),
        byTurn: Array.from({ length: options.turns }, (_, turn) => ({
          turn: turn + 1,
          bot: meanAt(botTokens, turn),
          wholeConversation: meanAt(wholeTokens, turn),
        })),
        growthPerTurnInLastThird: {
          bot: growth(botTokens),
          wholeConversation: growth(wholeTokens),
        },
        prefixRepeatedPercent: spread(prefixRepeated),
        cachedTokensPercent: round1((100 * cachedTokens) / Math.max(1, promptTokens)),
      },
      memoryWrites: {
        batchWindowMs: batch.windowMs,
        maxExchangesPerWrite: batch.maxExchanges ?? h.config.memoryBatch.maxExchanges,
        userTurns,
        extractionCalls: extractions.length,
        extractionCallsPerUserTurn: round2(extractions.length / userTurns),
        extractionPromptTokensPerUserTurn: Math.round(
          tokens(sum(extractions.map(promptChars))) / userTurns,
        ),
        embeddingCallsPerUserTurn: round2(embeddings.length / userTurns),
        exchangesWritten: sum(extractions.map((r) => extractUserStatements(userText(r)).length)),
      },
    };
  } finally {
    await h.close();
  }
}

/**
 * Runs the conversations twice on the real bot against the stand-ins (embedded mem0): once
 * writing every exchange to memory at once, once batching them; prints the table through `log`.
 */
export async function runTokenBudgetBench(options: TokenBudgetOptions): Promise<TokenBudgetResult> {
  const batchingOff = await measureRun(options, { windowMs: 0, maxExchanges: 1 });
  const batchingOn = await measureRun(options, {
    windowMs: options.batchWindowMs,
    maxExchanges: undefined,
  });
  const { log, ...sizes } = options;
  const result: TokenBudgetResult = {
    options: sizes,
    estimate: 'chars/4',
    batchingOff,
    batchingOn,
  };
  log?.(formatTokenBudgetTable(result));
  return result;
}

/** The plain table printed after a run. */
export function formatTokenBudgetTable(result: TokenBudgetResult): string {
  const { options: o, batchingOff: off, batchingOn: on } = result;
  const cell = (value: string | number, width = 18) => String(value).padStart(width);
  const row = (name: string, ...values: Array<string | number>) =>
    `  ${name.padEnd(46)}${values.map((value) => cell(value)).join('')}`;
  const heading = (title: string) => `${title.padEnd(48)}${cell(offLabel)}${cell(onLabel)}`;
  const triple = (s: Spread) => `${s.p50}/${s.p95}/${s.max}`;
  const offLabel = 'batching off';
  const onLabel = `batching ${o.batchWindowMs} ms`;
  const step = Math.max(1, Math.ceil(o.turns / 10));
  const turnsShown = on.chatPrompt.byTurn.filter(
    (entry) => (entry.turn - 1) % step === 0 || entry.turn === o.turns,
  );
  const offByTurn = new Map(off.chatPrompt.byTurn.map((entry) => [entry.turn, entry.bot]));
  return [
    `token budget: ${o.users} people × ${o.turns} DMs each, embedded mem0; ≈ tokens (chars/4)`,
    heading('chat prompt per turn, ≈ tokens (chars/4)'),
    row('bot prompt p50/p95/max', triple(off.chatPrompt.bot), triple(on.chatPrompt.bot)),
    row(
      'whole conversation p50/p95/max',
      triple(off.chatPrompt.wholeConversation),
      triple(on.chatPrompt.wholeConversation),
    ),
    row(
      'whole conversation / bot (all turns)',
      off.chatPrompt.wholeConversationOverBot,
      on.chatPrompt.wholeConversationOverBot,
    ),
    row(
      'bot prompt growth per turn, last third',
      off.chatPrompt.growthPerTurnInLastThird.bot,
      on.chatPrompt.growthPerTurnInLastThird.bot,
    ),
    row(
      'whole conv. growth per turn, last third',
      off.chatPrompt.growthPerTurnInLastThird.wholeConversation,
      on.chatPrompt.growthPerTurnInLastThird.wholeConversation,
    ),
    row(
      'prompt % repeating the previous one p50/p95/max',
      triple(off.chatPrompt.prefixRepeatedPercent),
      triple(on.chatPrompt.prefixRepeatedPercent),
    ),
    row(
      'prompt tokens Gemini reported cached, %',
      off.chatPrompt.cachedTokensPercent,
      on.chatPrompt.cachedTokensPercent,
    ),
    `by turn number, mean over people, ≈ tokens (chars/4)`,
    `  ${'turn'.padEnd(6)}${cell('bot, batching off')}${cell('bot, batching on')}${cell('whole conv.')}${cell('whole / bot (on)')}`,
    ...turnsShown.map(
      (entry) =>
        `  ${String(entry.turn).padEnd(6)}${cell(offByTurn.get(entry.turn) ?? 0)}${cell(entry.bot)}` +
        `${cell(entry.wholeConversation)}${cell(round2(entry.wholeConversation / Math.max(1, entry.bot)))}`,
    ),
    heading('memory writes'),
    row(
      'exchanges per write (most)',
      off.memoryWrites.maxExchangesPerWrite,
      on.memoryWrites.maxExchangesPerWrite,
    ),
    row('mem0 extraction calls', off.memoryWrites.extractionCalls, on.memoryWrites.extractionCalls),
    row(
      'extraction calls per user turn',
      off.memoryWrites.extractionCallsPerUserTurn,
      on.memoryWrites.extractionCallsPerUserTurn,
    ),
    row(
      'extraction prompt ≈ tokens per user turn',
      off.memoryWrites.extractionPromptTokensPerUserTurn,
      on.memoryWrites.extractionPromptTokensPerUserTurn,
    ),
    row(
      'embedding calls per user turn (recall+write)',
      off.memoryWrites.embeddingCallsPerUserTurn,
      on.memoryWrites.embeddingCallsPerUserTurn,
    ),
    row(
      'user messages written / user turns',
      `${off.memoryWrites.exchangesWritten}/${off.memoryWrites.userTurns}`,
      `${on.memoryWrites.exchangesWritten}/${on.memoryWrites.userTurns}`,
    ),
    row(
      'extraction tokens saved by batching',
      '',
      `${round1(
        100 *
          (1 -
            on.memoryWrites.extractionPromptTokensPerUserTurn /
              Math.max(1, off.memoryWrites.extractionPromptTokensPerUserTurn)),
      )} %`,
    ),
  ].join('\n');
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      users: { type: 'string' },
      turns: { type: 'string' },
      'batch-window-ms': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const count = (name: string, raw: string | undefined, fallback: number, min: number) => {
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
    return n;
  };
  // mem0 open source writes its user id file under MEM0_DIR (default ~/.mem0), telemetry or not.
  const mem0Dir = mkdtempSync(join(tmpdir(), 'wellness0-bench-mem0-'));
  process.env.MEM0_DIR ??= mem0Dir;
  try {
    const result = await runTokenBudgetBench({
      users: count('users', values.users, 3, 1),
      turns: count('turns', values.turns, 20, 1),
      batchWindowMs: count('batch-window-ms', values['batch-window-ms'], 2_000, 0),
      log: console.log,
    });
    if (values.out !== undefined) {
      writeJsonResult(values.out, result);
      console.log(`JSON written to ${values.out}`);
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  } finally {
    rmSync(mem0Dir, { recursive: true, force: true });
  }
}
