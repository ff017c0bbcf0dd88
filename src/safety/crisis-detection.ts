import {
  crisisPhrases,
  gameMarkers,
  jokeMarkers,
  killMyselfAbbreviations,
  sharedNegations,
  type LanguagePhrases,
  type PhraseFamily,
  wordSubstitutions,
} from './crisis-phrases.js';

/** What a crisis message is about. */
export type CrisisKind = 'suicidal-intent' | 'self-harm' | 'imminent-danger';

/** The languages crisis detection has phrases for. */
export type CrisisLanguage = 'en' | 'es' | 'fr' | 'de' | 'pt';

/** Whether the person said it in so many words ("i want to kill myself") or implied it ("everyone would be better off without me"). */
export type CrisisStatement = 'direct' | 'indirect';

/** What detection found in one message; never the matched text, so it can be counted and logged. */
export type CrisisSignal =
  | {
      readonly isCrisis: false;
      readonly kind?: undefined;
      readonly language?: undefined;
      readonly statement?: undefined;
    }
  | {
      readonly isCrisis: true;
      readonly kind: CrisisKind;
      readonly language: CrisisLanguage;
      readonly statement: CrisisStatement;
    };

const noCrisis: CrisisSignal = Object.freeze({ isCrisis: false });

/** Imminent danger first: it decides what is sent first. */
const kindPriority: Readonly<Record<CrisisKind, number>> = {
  'imminent-danger': 3,
  'suicidal-intent': 2,
  'self-harm': 1,
};

/** How many filler words may stand between a negation and the phrase it negates. */
const maxFillersBeforePhrase = 4;

/** How far before and after a phrase its guards look (negation, media, past, accident, condition, game, recovery). */
const guardWindowChars = 80;

/** One match of a phrase family, in the message's clauses (one per line). */
interface GuardInput {
  lines: string;
  index: number;
  matched: string;
  /** A joke marker anywhere in the message. */
  joking: boolean;
  /** Quotation marks anywhere in the message. */
  quoting: boolean;
}

interface CompiledFamily {
  family: PhraseFamily;
  /** All the family's patterns as one global regex, so each clause is scanned once per family. */
  regex: RegExp;
}

interface CompiledLanguage {
  language: CrisisLanguage;
  phrases: LanguagePhrases;
  families: CompiledFamily[];
  negations: ReadonlySet<string>;
  /** The language's own negations plus the shared ones, for the words before a phrase. */
  negationsBefore: ReadonlySet<string>;
  negationsAfter: ReadonlySet<string>;
  clauseStartsAfter: ReadonlySet<string>;
  fillers: ReadonlySet<string>;
}

const compiled: readonly CompiledLanguage[] = Object.entries(crisisPhrases).map(
  ([language, phrases]) => ({
    language: language as CrisisLanguage,
    phrases,
    families: phrases.families.map((family) => ({
      family,
      regex: new RegExp(family.patterns.map((p) => `(?:${p.source})`).join('|'), 'gm'),
    })),
    negations: new Set(phrases.negations),
    negationsBefore: new Set([...phrases.negations, ...sharedNegations]),
    negationsAfter: new Set(phrases.negationsAfter),
    clauseStartsAfter: new Set(phrases.clauseStartsAfter),
    fillers: new Set(phrases.fillers),
  }),
);

const apostrophes = /['’‘`´ʼ]/g;
/** Double quotes of any script, or single quotes around words ('i want to die'), not apostrophes. */
const quotationMarks = /["“”«»„]|(?:^|\s)['‘][^'’\n]{2,}['’]/;
const combiningMarks = /\p{M}/gu;
/** Sentence and clause ends: a negation or a film title in one clause says nothing of the next. */
const clauseEnd = /[.!?;:,\n…¿¡]+|\s[-–—]+\s/;
const nonWord = /[^a-z0-9]+/g;
/** A word that reads as letters with digits or symbols in place of some ("k1ll", "d13", "su!c!de"). */
const leetWord = /^[a-z][a-z0-9@$!|]*$/;
const leetLetters: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'i',
};

/**
 * The clauses of a message as the phrase lists expect them: lowercase, without accents or
 * apostrophes, leetspeak and slang read as words, letters and digits only, single spaces.
 */
function crisisClauses(text: string): string[] {
  const plain = text
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .normalize('NFKD')
    .replace(combiningMarks, '')
    .replace(apostrophes, '')
    // "su!c!de", "k|ll": a symbol between letters is a letter, not the end of a sentence.
    .replace(/(?<=[a-z])[!|](?=[a-z])/g, 'i');
  const clauses: string[] = [];
  for (const rawClause of plain.split(clauseEnd)) {
    const words: string[] = [];
    for (const rawWord of rawClause.split(/\s+/)) {
      const word = readWord(rawWord);
      for (const part of word.replace(nonWord, ' ').split(' ')) {
        if (part === '') continue;
        if (killMyselfAbbreviations.includes(part) && !/^\d+$/.test(words.at(-1) ?? '')) {
          words.push('kill', 'myself');
        } else if (part === '2' && /^[a-z]+$/.test(words.at(-1) ?? '')) {
          // "want 2 die": a lone 2 after a word is "to" (a quantity that matters is 10 or more).
          words.push('to');
        } else {
          words.push(wordSubstitutions[part] ?? part);
        }
      }
    }
    if (words.length > 0) clauses.push(words.join(' '));
  }
  return clauses;
}

/** Reads leetspeak back as letters, leaving numbers and words like "20mg" alone. */
function readWord(word: string): string {
  const core = word.replace(/^[^a-z0-9@$]+|[^a-z0-9@$!|]+$/g, '');
  if (!leetWord.test(core) || /^[a-z]+$/.test(core)) return word;
  return core.replace(/[0-9@$!|]/g, (char) => leetLetters[char] ?? char);
}

/**
 * Says whether a message states a crisis: suicidal intent, self-harm or imminent danger, in
 * English, Spanish, French, German or Portuguese. Rule-based and explainable: a phrase of one of
 * the lists in `crisis-phrases.ts` counts unless it is negated, quoted from a film, song or the
 * news, about the past, or (for some phrases) said with an everyday cause or as a figure of speech.
 */
export function detectCrisis(text: string): CrisisSignal {
  let best: { kind: CrisisKind; language: CrisisLanguage; statement: CrisisStatement } | undefined;
  const clauses = crisisClauses(text);
  const joking = clauses.some((clause) => jokeMarkers.test(clause));
  const quoting = quotationMarks.test(text);
  // One line per clause, scanned once per family: no pattern crosses a line (they match words
  // and single spaces), and with the `m` flag a pattern's `$` is the end of its clause.
  const lines = clauses.join('\n');
  for (const language of compiled) {
    for (const { family, regex } of language.families) {
      if (best && !outranks(family, best)) continue;
      regex.lastIndex = 0;
      for (const match of lines.matchAll(regex)) {
        const input = { lines, index: match.index, matched: match[0], joking, quoting };
        if (isGuarded(input, family, language)) continue;
        best = { kind: family.kind, language: language.language, statement: family.statement };
        break;
      }
    }
  }
  return best ? { isCrisis: true, ...best } : noCrisis;
}

/** Whether a match of `family` would say more than what was already found. */
function outranks(
  family: PhraseFamily,
  found: { kind: CrisisKind; statement: CrisisStatement },
): boolean {
  const byKind = kindPriority[family.kind] - kindPriority[found.kind];
  return (
    byKind > 0 || (byKind === 0 && family.statement === 'direct' && found.statement !== 'direct')
  );
}

/**
 * Whether a matched phrase is negated, quoted from media, about the past, or a figure of speech.
 * Only the words near the phrase count, which also keeps a 4,000-character message fast.
 */
function isGuarded(
  { lines, index, matched, joking, quoting }: GuardInput,
  family: PhraseFamily,
  language: CompiledLanguage,
): boolean {
  const { phrases } = language;
  const end = index + matched.length;
  const clauseStart = lines.lastIndexOf('\n', index) + 1;
  const clauseEnd = lines.indexOf('\n', end);
  const before = lines.slice(Math.max(clauseStart, index - guardWindowChars), index);
  const after = lines.slice(
    end,
    Math.min(clauseEnd === -1 ? lines.length : clauseEnd, end + guardWindowChars),
  );
  const near = `${before}${matched}${after}`;
  if (phrases.past.test(near)) return true;
  if (family.kind === 'self-harm' && phrases.recovery.test(near) && !phrases.relapse.test(near)) {
    return true;
  }
  if (phrases.media.test(near) && (quoting || phrases.quoting.test(near))) return true;
  if (negatedBefore(before, language)) return true;
  if (!family.negationIsPart && matched.split(' ').some((word) => language.negations.has(word))) {
    return true;
  }
  if (negatedAfter(after, language)) return true;
  const guards = family.guards ?? [];
  if (guards.includes('accident') && phrases.accident.test(near)) return true;
  if (guards.includes('game') && gameMarkers.test(near)) return true;
  if (guards.includes('joke') && joking) return true;
  if (guards.includes('laughing-condition') && joking && phrases.conditionBefore.test(before)) {
    return true;
  }
  return (
    guards.includes('hyperbole') &&
    (joking ||
      (!phrases.partner.test(`${before}${matched}`) &&
        (phrases.hyperboleAfter.test(after) || phrases.hyperboleBefore.test(before))))
  );
}

/** A negation just before the phrase, with only filler words between ("i would never ever"). */
function negatedBefore(before: string, language: CompiledLanguage): boolean {
  const words = before.trimEnd().split(' ');
  let fillers = 0;
  for (let i = words.length - 1; i >= 0; i--) {
    const word = words[i] ?? '';
    if (word === '') return false;
    if (language.negationsBefore.has(word)) return true;
    if (!language.fillers.has(word) || ++fillers > maxFillersBeforePhrase) return false;
  }
  return false;
}

/** Words after a negation that make it no negation of the phrase: "plus que jamais", "plus rien". */
const notNegatingNext: ReadonlySet<string> = new Set(['que', 'rien', 'personne']);

/**
 * A negation right after the phrase, where the language puts it ("je me scarifie plus"), and
 * before the next clause starts ("ich will mich umbringen ich halt das nicht mehr aus").
 */
function negatedAfter(after: string, language: CompiledLanguage): boolean {
  const window = language.phrases.negationAfterWindow;
  if (window === 0) return false;
  const words = after.trim().split(' ');
  for (let i = 0; i < Math.min(window, words.length); i++) {
    const word = words[i] ?? '';
    if (language.clauseStartsAfter.has(word)) return false;
    if (language.negationsAfter.has(word) && !notNegatingNext.has(words[i + 1] ?? '')) return true;
  }
  return false;
}
