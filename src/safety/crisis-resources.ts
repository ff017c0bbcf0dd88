import { z } from 'zod';
import {
  crisisKinds,
  crisisMessage,
  crisisTextLanguages,
  safetyBlockNote,
} from './crisis-texts.js';

/** One crisis line: who answers and how to reach them. */
export interface CrisisLine {
  /** The service's own name, e.g. "Samaritans". */
  name: string;
  /** How to reach it, in the words of the region, e.g. "call or text 988". */
  contact: string;
  /** Its website (https); shown without a link preview. */
  url?: string | undefined;
}

/** The crisis lines and the emergency number of one country or territory. */
export interface CrisisRegion {
  /** The country's name, shown when the message's language has no name of its own for the code. */
  name: string;
  /** The emergency number(s), e.g. "911" or "112 / 999". */
  emergency: string;
  lines: CrisisLine[];
}

/** Every crisis line the bot can share, by region (ISO 3166-1 alpha-2, uppercase). */
export interface CrisisResources {
  regions: Record<string, CrisisRegion>;
  /** Language code (lowercase) → the region codes to list when the person's region is unknown. */
  languages: Record<string, string[]>;
  /** Lines for everyone else, always listed last. */
  fallback: { lines: CrisisLine[] };
}

/** The regions and lines chosen for one person, in the order a message lists them. */
export interface CrisisLinesChoice {
  /** The person's region, when it is known and has lines. */
  region?: string;
  regions: Array<{ code: string; region: CrisisRegion }>;
  fallback: CrisisLine[];
}

/** Longest name, contact, number or address in a resources file. */
const maxTextChars = 200;
/** Longest crisis message a resources file may produce; Discord's own limit is 2,000. */
const maxCrisisMessageChars = 1500;

const regionCode = /^[A-Z]{2}$/;
const languageCode = /^[a-z]{2,3}$/;

const text = z
  .string()
  .trim()
  .min(1, { error: 'is empty' })
  .max(maxTextChars, { error: `is longer than ${maxTextChars} characters` })
  .refine((value) => !value.includes('\n'), { error: 'must be on one line' })
  // Discord reads @ as a mention (@everyone would ping a whole server).
  .refine((value) => !value.includes('@'), { error: 'must not contain @' });

const httpsUrl = z
  .string()
  .trim()
  .max(maxTextChars, { error: `is longer than ${maxTextChars} characters` })
  .refine(isHttpsUrl, { error: 'must be an https:// address such as https://example.org' });

const lineSchema = z.strictObject({ name: text, contact: text, url: httpsUrl.optional() });

const lineList = z.array(lineSchema).min(1, { error: 'is empty: give at least one line' });

const schema = z.strictObject({
  regions: z
    .record(
      z.string().regex(regionCode),
      z.strictObject({ name: text, emergency: text, lines: lineList }),
    )
    .refine((regions) => Object.keys(regions).length > 0, {
      error: 'is empty: give at least one region',
    }),
  languages: z.record(z.string().regex(languageCode), z.array(z.string())).default({}),
  fallback: z.strictObject({ lines: lineList }),
});

/** The outcome of reading a resources file: the resources, or every problem in plain words. */
export type CrisisResourcesResult =
  { ok: true; resources: CrisisResources } | { ok: false; problems: string[] };

/**
 * Reads an operator's crisis resources file (CRISIS_RESOURCES_FILE), reporting every problem at
 * once, each naming its place in the file ("regions.GB.lines[0].contact is empty").
 */
export function parseCrisisResources(text: string): CrisisResourcesResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      problems: [`The file is not valid JSON: ${error instanceof Error ? error.message : ''}`],
    };
  }
  const parsed = schema.safeParse(data, { reportInput: true });
  const problems = parsed.success ? [] : parsed.error.issues.map(describeIssue);
  problems.push(...unknownLanguageRegions(data));
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  const resources: CrisisResources = parsed.data;
  const tooLong = tooLongMessages(resources);
  return tooLong.length > 0 ? { ok: false, problems: tooLong } : { ok: true, resources };
}

/**
 * The person's region: their own setting, else the region of their Discord locale, else that of
 * the server's locale. A locale counts only with a region subtag that has lines ('en-GB' → GB;
 * 'es-419' and 'de' say nothing). A setting naming a region without lines gives undefined rather
 * than a guess from the locale, since the person said where they are.
 */
export function regionFor(
  input: { setting?: string; personLocale?: string; serverLocale?: string },
  resources: CrisisResources,
): string | undefined {
  const setting = input.setting?.trim().toUpperCase();
  if (setting !== undefined && regionCode.test(setting)) {
    return Object.hasOwn(resources.regions, setting) ? setting : undefined;
  }
  for (const locale of [input.personLocale, input.serverLocale]) {
    const code = localeRegion(locale);
    if (code !== undefined && Object.hasOwn(resources.regions, code)) return code;
  }
  return undefined;
}

/**
 * The lines to share: the person's region when known, otherwise the regions listed for the
 * language (a code or locale such as 'de' or 'pt-BR'); the fallback lines always come too.
 */
export function linesFor(
  input: { region: string | undefined; language: string },
  resources: CrisisResources,
): CrisisLinesChoice {
  const fallback = resources.fallback.lines;
  const code = input.region?.trim().toUpperCase();
  const known = code === undefined ? undefined : regionOf(code, resources);
  if (code !== undefined && known !== undefined) {
    return { region: code, regions: [{ code, region: known }], fallback };
  }
  const language = input.language.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  const codes = Object.hasOwn(resources.languages, language)
    ? (resources.languages[language] ?? [])
    : [];
  const regions = codes.flatMap((listed) => {
    const region = regionOf(listed, resources);
    return region === undefined ? [] : [{ code: listed, region }];
  });
  return { regions, fallback };
}

function regionOf(code: string, resources: CrisisResources): CrisisRegion | undefined {
  return Object.hasOwn(resources.regions, code) ? resources.regions[code] : undefined;
}

/** The region subtag of a BCP 47 locale ('en-US' → US, 'zh-Hant-TW' → TW), if it has one. */
function localeRegion(locale: string | undefined): string | undefined {
  const subtags = locale?.trim().split(/[-_]/) ?? [];
  const region = subtags.slice(1).find((subtag) => /^[A-Za-z]{2}$/.test(subtag));
  return region?.toUpperCase();
}

function isHttpsUrl(value: string): boolean {
  // `<` and `>` would end the <...> that keeps Discord from previewing the link.
  if (/[\s<>]/.test(value)) return false;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/** `["regions", "GB", "lines", 0, "contact"]` → `regions.GB.lines[0].contact`. */
function formatPath(path: readonly PropertyKey[]): string {
  let formatted = '';
  for (const segment of path) {
    if (typeof segment === 'number') formatted += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment)) {
      formatted += formatted === '' ? segment : `.${segment}`;
    } else formatted += `[${JSON.stringify(String(segment))}]`;
  }
  return formatted === '' ? 'The file' : formatted;
}

const kindOfValue: Readonly<Record<string, string>> = {
  string: 'text in quotes',
  object: 'an object { … }',
  array: 'a list [ … ]',
  record: 'an object { … }',
};

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = formatPath(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `${at} is missing`;
      if (issue.path.length === 0) {
        return 'The file must be a JSON object { … } with regions, languages and fallback';
      }
      return `${at} must be ${kindOfValue[issue.expected] ?? issue.expected}`;
    case 'unrecognized_keys':
      return `${at} has ${issue.keys.length === 1 ? 'a field' : 'fields'} the file format does not know: ${issue.keys.join(', ')} (check the spelling)`;
    case 'invalid_key':
      return issue.path[0] === 'regions'
        ? `${at} is not a region code: use two capital letters (ISO 3166-1), such as GB`
        : `${at} is not a language code: use two or three small letters, such as en`;
    default:
      return `${at} ${issue.message}`;
  }
}

/** Language lists naming regions the file does not define, checked on the raw file. */
function unknownLanguageRegions(data: unknown): string[] {
  if (!isObject(data) || !isObject(data.languages)) return [];
  const regions = isObject(data.regions) ? data.regions : {};
  const problems: string[] = [];
  for (const [language, codes] of Object.entries(data.languages)) {
    if (!Array.isArray(codes)) continue;
    codes.forEach((code, index) => {
      // A code that is not text is reported by the schema.
      if (typeof code === 'string' && !Object.hasOwn(regions, code)) {
        problems.push(
          `${formatPath(['languages', language, index])} names region ${JSON.stringify(code)}, which regions does not define`,
        );
      }
    });
  }
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every region and language list whose longest message (any language, any kind) is too long. */
function tooLongMessages(resources: CrisisResources): string[] {
  const problems: string[] = [];
  const check = (where: string, choice: CrisisLinesChoice) => {
    let longest = 0;
    for (const language of crisisTextLanguages) {
      longest = Math.max(longest, safetyBlockNote({ language, lines: choice }).length);
      for (const kind of crisisKinds) {
        longest = Math.max(longest, crisisMessage({ language, kind, lines: choice }).length);
      }
    }
    if (longest > maxCrisisMessageChars) {
      problems.push(
        `${where} makes a crisis message of ${longest} characters; it must fit in ${maxCrisisMessageChars}: use fewer or shorter lines`,
      );
    }
  };
  for (const code of Object.keys(resources.regions)) {
    check(formatPath(['regions', code]), linesFor({ region: code, language: 'en' }, resources));
  }
  for (const language of Object.keys(resources.languages)) {
    check(
      formatPath(['languages', language]),
      linesFor({ region: undefined, language }, resources),
    );
  }
  return problems;
}
