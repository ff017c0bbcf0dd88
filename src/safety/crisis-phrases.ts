// The word lists of crisis detection, as data. Every pattern runs on normalised text: lowercase,
// no accents, no apostrophes ("don't" is "dont", "j'ai" is "jai"), letters and digits only, one
// space between words, one clause at a time (clauses end at . ! ? ; : , and new lines). Patterns
// are first person on purpose: "she killed herself" or "my uncle died by suicide" match nothing.
// Every quantifier is bounded, so no pattern can backtrack catastrophically.
import type { CrisisKind, CrisisLanguage, CrisisStatement } from './crisis-detection.js';
import { de } from './phrases/de.js';
import { en } from './phrases/en.js';
import { es } from './phrases/es.js';
import { fr } from './phrases/fr.js';
import { pt } from './phrases/pt.js';

/** What can make a matched phrase not a crisis, besides negation, media and past markers. */
export type PhraseGuard =
  /** A threat said as a figure of speech: "my mom will kill me when she sees this", "lol". */
  | 'hyperbole'
  /** Said laughing: a joke marker ("lol", "jaja", "kkk") anywhere in the message. */
  | 'joke'
  /** A conditional said laughing: "if i hear that song again ill kill myself lol". */
  | 'laughing-condition'
  /** A hurt said with its everyday cause: "cut myself shaving", "burned myself on the stove". */
  | 'accident'
  /** Said of a video game: "i keep killing myself in minecraft", "je me suis tué sur ce boss". */
  | 'game';

/** Phrases of one kind and one statement form, in one language. */
export interface PhraseFamily {
  kind: CrisisKind;
  statement: CrisisStatement;
  patterns: readonly RegExp[];
  /** The phrase contains its own negation ("i dont want to live"), so it is not a negation cue. */
  negationIsPart?: boolean;
  guards?: readonly PhraseGuard[];
}

/** Everything detection knows about one language. */
export interface LanguagePhrases {
  families: readonly PhraseFamily[];
  /** Words that, just before a phrase (fillers skipped) or inside it, negate it. */
  negations: readonly string[];
  /** Words that negate a phrase when they follow it ("je me scarifie plus", "ich ritze mich nicht mehr"). */
  negationsAfter: readonly string[];
  /** How many words after a phrase a `negationsAfter` word may come. */
  negationAfterWindow: number;
  /** Words skipped when looking back for a negation: "i would never ever kill myself". */
  fillers: readonly string[];
  /**
   * A film, song, book or the news near the phrase. With `quoting` (or quotation marks in the
   * message) the phrase is quoted from it, not the person's own: "she sings 'i wanna die'". Alone
   * it guards nothing: "listening to sad songs and i want to die" is a crisis.
   */
  media: RegExp;
  /** Verbs and nouns of quoting: sings, says, called, lyrics. */
  quoting: RegExp;
  /** A condition before the phrase, for the `laughing-condition` guard. */
  conditionBefore: RegExp;
  /** A clause about the past: "when i was 16", "years ago". */
  past: RegExp;
  /** Everyday causes of a hurt, for the `accident` guard. */
  accident: RegExp;
  /**
   * Recovery from self-harm ("2 years clean from sh", "un año sin cortarme"): a self-harm phrase
   * near it is a milestone, not a crisis, unless `relapse` is near too ("relapsed after 200 days").
   */
  recovery: RegExp;
  /** A relapse or a struggle that undoes `recovery`: "again", "relapsed", "no puedo". */
  relapse: RegExp;
  /**
   * Words that start a new clause when people leave out the comma ("ich will mich umbringen ich
   * halt das nicht mehr aus"): a `negationsAfter` word past one of them negates nothing.
   */
  clauseStartsAfter: readonly string[];
  /**
   * For the `hyperbole` guard: a condition after the threat ("when she sees my grades"), except
   * the conditions real threats are made of ("if i leave", "if i tell anyone").
   */
  hyperboleAfter: RegExp;
  /** For the `hyperbole` guard: a thing as the subject of the threat ("this exam", "ce boulot"). */
  hyperboleBefore: RegExp;
  /**
   * A partner as the subject of a threat: then a condition does not make it a figure of speech
   * ("my husband will kill me if he finds out"), since partners are who most often mean it.
   */
  partner: RegExp;
}

/** Laughter and joke markers in every language, for the `hyperbole` and `joke` guards. */
export const jokeMarkers =
  /\b(?:lo+l+|lmf?a+o+\w*|rofl|haha\w*|hehe\w*|jaja\w*|jeje\w*|kk+|rs+|mdr+|ptdr+|xd+|jk)\b/;

/**
 * Video games, for the `game` guard: titles and the words of play, in any language, since
 * players name their games the same way in all of them.
 */
export const gameMarkers =
  /\b(?:minecraft|fortnite|roblox|terraria|elden ring|dark souls|bloodborne|sekiro|gta|valorant|league of legends|overwatch|apex|warzone|call of duty|cod|the sims|sims|super mario|mario kart|zelda|skyrim|hollow knight|celeste|among us|lethal company|dead by daylight|tarkov|pubg|subnautica|hardcore mode|hardcore world|respawn\w*|speedrun\w*|ingame|in game|no jogo|en el juego|dans le jeu|im spiel|in dem spiel|in lava|boss fight|final boss|same boss|meme boss|creepers?|pvp)\b/;

/**
 * Negations that count before a phrase of any language (not inside it: Portuguese "no" is "in
 * the"): people mix languages, and a Spanish "no" before a phrase that Portuguese shares ("ya no
 * me corto") still negates it.
 */
export const sharedNegations: readonly string[] = [
  'no',
  'not',
  'never',
  'nao',
  'nunca',
  'jamas',
  'jamais',
  'nicht',
  'nie',
  'pas',
  'ne',
  'nem',
];

/** The phrases of every language detection covers. */
export const crisisPhrases: Readonly<Record<CrisisLanguage, LanguagePhrases>> = {
  en,
  es,
  fr,
  de,
  pt,
};

/**
 * Whole-word spellings read as another word before matching: slang, euphemisms that dodge
 * filters, and the commonest typos.
 */
export const wordSubstitutions: Readonly<Record<string, string>> = {
  unalive: 'kill',
  unaliving: 'killing',
  unalived: 'killed',
  sewerslide: 'suicide',
  suicde: 'suicide',
  sucide: 'suicide',
  suiside: 'suicide',
  suicid: 'suicide',
  myslef: 'myself',
  mysef: 'myself',
  mself: 'myself',
  kil: 'kill',
  killl: 'kill',
  wanan: 'wanna',
  jveux: 'je veux',
  jvais: 'je vais',
  jsuis: 'je suis',
  chuis: 'je suis',
  jme: 'je me',
  jpense: 'je pense',
  jmen: 'je men',
  jviens: 'je viens',
  tmrw: 'tomorrow',
  tmr: 'tomorrow',
  tmrow: 'tomorrow',
  tomoz: 'tomorrow',
  '2moro': 'tomorrow',
  q: 'que',
  xq: 'porque',
  vc: 'voce',
};

/** "kms" is "kill myself", unless a number comes before it (5 kms). */
export const killMyselfAbbreviations: readonly string[] = ['kms', 'kmslf'];
