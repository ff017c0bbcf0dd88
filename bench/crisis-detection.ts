// How well and how fast crisis detection classifies the labelled corpus (test/safety/crisis-corpus.ts):
// recall on direct and indirect statements, false alarms on idioms, negations, quotes and near
// misses, precision, per language and per corpus set, and microseconds per message. Run on its own
// with `npx tsx bench/crisis-detection.ts [--rounds 50] [--out file.json]`.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type CrisisLanguage, detectCrisis } from '../src/safety/crisis-detection.js';
import {
  type CorpusSet,
  type CrisisCorpusEntry,
  crisisCorpus,
} from '../test/safety/crisis-corpus.js';
import { percentile, round, tableRow } from './stats.js';
import { writeJsonResult } from './json-out.js';

/** What one crisis-detection run does. */
export interface CrisisDetectionBenchOptions {
  /** Times the whole corpus is classified for the timings, after one warm-up round. */
  timingRounds: number;
}

/** Detection figures for one group of corpus messages; rates are fractions (0.9 = 90%). */
export interface CrisisFigures {
  crisisDirect: number;
  crisisIndirect: number;
  recallDirect: number;
  recallIndirect: number;
  /** Idioms, negations, quotes, someone else, a hard past and near misses; ordinary chat apart. */
  nonCrisis: number;
  falseAlarmRate: number;
  /** Of the messages flagged, the share that were crises (ordinary chat counted too). */
  precision: number;
}

/** Everything one run measured. */
export interface CrisisDetectionResult {
  options: CrisisDetectionBenchOptions;
  messages: number;
  byLanguage: Record<CrisisLanguage, CrisisFigures>;
  bySet: Record<CorpusSet, CrisisFigures>;
  overall: CrisisFigures;
  /** Ordinary supportive-chat messages, and how many of them were flagged. */
  chat: { messages: number; flagged: number };
  /** Per message over the corpus. */
  microsecondsPerMessage: { p50: number; p99: number };
  /** One 4,000-character message with no crisis in it, p50 over the rounds. */
  millisecondsFor4000Chars: number;
}

/** CI sizes: keeps the section working. */
export const quickCrisisDetectionBenchOptions: CrisisDetectionBenchOptions = { timingRounds: 3 };
/** Full sizes: a few seconds. */
export const defaultCrisisDetectionBenchOptions: CrisisDetectionBenchOptions = {
  timingRounds: 50,
};

const languages: CrisisLanguage[] = ['en', 'es', 'fr', 'de', 'pt'];
const sets: CorpusSet[] = ['development', 'held-out-1', 'held-out-2', 'held-out-3'];

/** Recall, false alarms and precision of `entries`, each classified once. */
export function scoreCrisisDetection(entries: readonly CrisisCorpusEntry[]): CrisisFigures {
  const flagged = entries.map((entry) => ({ entry, flagged: detectCrisis(entry.text).isCrisis }));
  const crises = (statement: 'direct' | 'indirect') =>
    flagged.filter(({ entry }) => entry.crisis && entry.statement === statement);
  const direct = crises('direct');
  const indirect = crises('indirect');
  const nearMisses = flagged.filter(({ entry }) => !entry.crisis && entry.category !== 'chat');
  // An empty group has nothing missed and nothing falsely flagged.
  const share = (part: number, whole: number, empty: number) =>
    whole === 0 ? empty : part / whole;
  const count = (rows: typeof flagged) => rows.filter((row) => row.flagged).length;
  const truePositives = count(direct) + count(indirect);
  const allFlagged = count(flagged);
  return {
    crisisDirect: direct.length,
    crisisIndirect: indirect.length,
    recallDirect: share(count(direct), direct.length, 1),
    recallIndirect: share(count(indirect), indirect.length, 1),
    nonCrisis: nearMisses.length,
    falseAlarmRate: share(count(nearMisses), nearMisses.length, 0),
    precision: share(truePositives, allFlagged, 1),
  };
}

/** Classifies the corpus and times it. */
export function runCrisisDetectionBench(
  options: CrisisDetectionBenchOptions,
): CrisisDetectionResult {
  const texts = crisisCorpus.map((entry) => entry.text);
  const long = 'my week was a lot, exams and work and stuff. '.repeat(100).slice(0, 4_000);
  for (const text of texts) detectCrisis(text);
  const samples: number[] = [];
  const longSamples: number[] = [];
  for (let i = 0; i < options.timingRounds; i++) {
    for (const text of texts) {
      const started = performance.now();
      detectCrisis(text);
      samples.push((performance.now() - started) * 1_000);
    }
    const started = performance.now();
    detectCrisis(long);
    longSamples.push(performance.now() - started);
  }
  const chat = crisisCorpus.filter((entry) => !entry.crisis && entry.category === 'chat');
  return {
    options,
    messages: crisisCorpus.length,
    byLanguage: Object.fromEntries(
      languages.map((language) => [
        language,
        scoreCrisisDetection(crisisCorpus.filter((entry) => entry.language === language)),
      ]),
    ) as Record<CrisisLanguage, CrisisFigures>,
    bySet: Object.fromEntries(
      sets.map((set) => [
        set,
        scoreCrisisDetection(crisisCorpus.filter((entry) => entry.set === set)),
      ]),
    ) as Record<CorpusSet, CrisisFigures>,
    overall: scoreCrisisDetection(crisisCorpus),
    chat: {
      messages: chat.length,
      flagged: chat.filter((entry) => detectCrisis(entry.text).isCrisis).length,
    },
    microsecondsPerMessage: {
      p50: round(percentile(samples, 50)),
      p99: round(percentile(samples, 99)),
    },
    millisecondsFor4000Chars: Math.round(percentile(longSamples, 50) * 100) / 100,
  };
}

const percent = (fraction: number) => `${round(fraction * 100)}%`;

/** The table: one row per language, overall, then one row per corpus set. */
export function formatCrisisDetectionTable(result: CrisisDetectionResult): string {
  const row = (label: string, f: CrisisFigures) =>
    tableRow(
      label,
      [
        `${f.crisisDirect}/${f.crisisIndirect}`,
        percent(f.recallDirect),
        percent(f.recallIndirect),
        f.nonCrisis,
        percent(f.falseAlarmRate),
        percent(f.precision),
      ],
      24,
    );
  return [
    `Crisis detection: ${result.messages} labelled messages (test/safety/crisis-corpus.ts); ` +
      `targets: direct recall 100%, indirect ≥ 90%, false alarms ≤ 2%`,
    tableRow(
      '',
      ['crisis d/i', 'recall d', 'recall i', 'non-crisis', 'false al.', 'precision'],
      24,
    ),
    ...languages.map((language) => row(language, result.byLanguage[language])),
    row('overall', result.overall),
    ...sets.map((set) => row(set, result.bySet[set])),
    `  the held-out sets were each measured once, blind, before the fixes they led to (corpus header)`,
    tableRow('supportive chat flagged', [`${result.chat.flagged}/${result.chat.messages}`], 24),
    tableRow(
      'µs per message p50 / p99',
      [result.microsecondsPerMessage.p50, result.microsecondsPerMessage.p99],
      24,
    ),
    tableRow('ms for 4,000 chars (p50)', [result.millisecondsFor4000Chars], 24),
  ].join('\n');
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  try {
    const { values } = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      options: { rounds: { type: 'string' }, out: { type: 'string' } },
    });
    const rounds =
      values.rounds === undefined
        ? defaultCrisisDetectionBenchOptions.timingRounds
        : Number(values.rounds);
    if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be an integer ≥ 1');
    const result = runCrisisDetectionBench({ timingRounds: rounds });
    console.log(formatCrisisDetectionTable(result));
    if (values.out !== undefined) {
      writeJsonResult(values.out, result);
      console.log(`JSON written to ${values.out}`);
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
