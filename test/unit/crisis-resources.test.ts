import { describe, expect, it } from 'vitest';
import {
  type CrisisResources,
  linesFor,
  parseCrisisResources,
  regionFor,
} from '../../src/safety/crisis-resources.js';
import { defaultCrisisResources } from '../../src/safety/builtin-crisis-lines.js';

/** A small valid file, changed by each test in one place. */
function file(): CrisisResources {
  return {
    regions: {
      GB: {
        name: 'United Kingdom',
        emergency: '999',
        lines: [{ name: 'Samaritans', contact: 'call 116 123', url: 'https://www.samaritans.org' }],
      },
      US: {
        name: 'United States',
        emergency: '911',
        lines: [{ name: '988 Suicide & Crisis Lifeline', contact: 'call or text 988' }],
      },
    },
    languages: { en: ['US', 'GB'] },
    fallback: { lines: [{ name: 'Find A Helpline', contact: 'lines in many countries' }] },
  };
}

function problemsOf(text: string): string[] {
  const result = parseCrisisResources(text);
  return result.ok ? [] : result.problems;
}

describe('parseCrisisResources', () => {
  it('accepts the built-in lines written out as JSON', () => {
    const result = parseCrisisResources(JSON.stringify(defaultCrisisResources));
    expect(result).toEqual({ ok: true, resources: defaultCrisisResources });
  });

  it('accepts a file without language lists', () => {
    const { regions, fallback } = file();
    const result = parseCrisisResources(JSON.stringify({ regions, fallback }));
    expect(result.ok && result.resources.languages).toEqual({});
  });

  it('trims the spaces around a text', () => {
    const resources = file();
    resources.regions.GB!.emergency = ' 999 ';
    const result = parseCrisisResources(JSON.stringify(resources));
    expect(result.ok && result.resources.regions.GB?.emergency).toBe('999');
  });

  it('says when the file is not JSON', () => {
    expect(problemsOf('{ regions: ')).toEqual([
      expect.stringMatching(/^The file is not valid JSON: /),
    ]);
  });

  it('says when the file is not an object', () => {
    expect(problemsOf('[]')).toEqual([
      'The file must be a JSON object { … } with regions, languages and fallback',
    ]);
  });

  it('names the place of an empty contact', () => {
    const resources = file();
    resources.regions.GB!.lines[0]!.contact = '  ';
    expect(problemsOf(JSON.stringify(resources))).toEqual(['regions.GB.lines[0].contact is empty']);
  });

  it('names the place of a missing emergency number', () => {
    const resources = file();
    const { emergency: _, ...withoutEmergency } = resources.regions.US!;
    const text = JSON.stringify({
      ...resources,
      regions: { ...resources.regions, US: withoutEmergency },
    });
    expect(problemsOf(text)).toEqual(['regions.US.emergency is missing']);
  });

  it('refuses a file without regions', () => {
    expect(problemsOf(JSON.stringify({ ...file(), regions: {}, languages: {} }))).toEqual([
      'regions is empty: give at least one region',
    ]);
  });

  it('refuses a region code that is not two capital letters', () => {
    const { GB, US } = file().regions;
    const resources = { ...file(), regions: { gb: GB, US }, languages: {} };
    expect(problemsOf(JSON.stringify(resources))).toEqual([
      'regions.gb is not a region code: use two capital letters (ISO 3166-1), such as GB',
    ]);
  });

  it('refuses a region without lines', () => {
    const resources = file();
    resources.regions.US!.lines = [];
    expect(problemsOf(JSON.stringify(resources))).toEqual([
      'regions.US.lines is empty: give at least one line',
    ]);
  });

  it('refuses a website that is not https', () => {
    const resources = file();
    resources.regions.GB!.lines[0]!.url = 'http://www.samaritans.org';
    expect(problemsOf(JSON.stringify(resources))).toEqual([
      'regions.GB.lines[0].url must be an https:// address such as https://example.org',
    ]);
  });

  it('refuses a file whose language list names a region it does not define', () => {
    const resources = file();
    resources.languages.en = ['US', 'IE'];
    expect(problemsOf(JSON.stringify(resources))).toEqual([
      'languages.en[1] names region "IE", which regions does not define',
    ]);
  });

  it('refuses a fallback without lines', () => {
    const resources = file();
    resources.fallback.lines = [];
    expect(problemsOf(JSON.stringify(resources))).toEqual([
      'fallback.lines is empty: give at least one line',
    ]);
  });

  it('refuses a text longer than 200 characters', () => {
    const resources = file();
    resources.regions.US!.name = 'U'.repeat(201);
    expect(problemsOf(JSON.stringify(resources))).toEqual([
      'regions.US.name is longer than 200 characters',
    ]);
  });

  it('refuses an @, which Discord would read as a mention', () => {
    const resources = file();
    resources.fallback.lines[0]!.name = '@everyone';
    expect(problemsOf(JSON.stringify(resources))).toEqual([
      'fallback.lines[0].name must not contain @',
    ]);
  });

  it('refuses a field it does not know, such as a misspelt url', () => {
    const resources = file();
    Object.assign(resources.regions.US!.lines[0]!, { URL: 'https://988lifeline.org' });
    expect(problemsOf(JSON.stringify(resources))).toEqual([
      'regions.US.lines[0] has a field the file format does not know: URL (check the spelling)',
    ]);
  });

  it('refuses a region whose crisis message would not fit in 1,500 characters', () => {
    const resources = file();
    resources.regions.US!.lines = Array.from({ length: 10 }, (_, index) => ({
      name: `Line ${index}`,
      contact: `call ${'1'.repeat(150)}`,
    }));
    expect(problemsOf(JSON.stringify(resources))).toEqual([
      expect.stringMatching(
        /^regions\.US makes a crisis message of \d+ characters; it must fit in 1500/,
      ),
      expect.stringMatching(/^languages\.en makes a crisis message of \d+ characters/),
    ]);
  });

  it('lists every problem of a bad file at once', () => {
    const resources = file();
    resources.regions.GB!.lines[0]!.contact = '';
    resources.regions.US!.emergency = '';
    resources.languages.en = ['US', 'DE'];
    resources.fallback.lines = [];
    expect(problemsOf(JSON.stringify(resources))).toEqual([
      'regions.GB.lines[0].contact is empty',
      'regions.US.emergency is empty',
      'fallback.lines is empty: give at least one line',
      'languages.en[1] names region "DE", which regions does not define',
    ]);
  });
});

describe('regionFor', () => {
  const resources = defaultCrisisResources;

  it("takes the person's own setting over both locales", () => {
    expect(
      regionFor({ setting: 'IE', personLocale: 'en-GB', serverLocale: 'en-US' }, resources),
    ).toBe('IE');
  });

  it('reads a setting written in small letters', () => {
    expect(regionFor({ setting: 'au' }, resources)).toBe('AU');
  });

  it('does not guess from the locale when the setting names a region without lines', () => {
    expect(regionFor({ setting: 'SE', personLocale: 'en-US' }, resources)).toBeUndefined();
  });

  it("takes the person's locale over the server's", () => {
    expect(regionFor({ personLocale: 'pt-BR', serverLocale: 'en-US' }, resources)).toBe('BR');
  });

  it("uses the server's locale when the person's has no region", () => {
    expect(regionFor({ personLocale: 'es-419', serverLocale: 'es-ES' }, resources)).toBe('ES');
  });

  it('skips a locale whose region has no lines', () => {
    expect(regionFor({ personLocale: 'sv-SE', serverLocale: 'en-GB' }, resources)).toBe('GB');
  });

  it('finds no region in a locale of a language alone', () => {
    expect(regionFor({ personLocale: 'fr', serverLocale: 'de' }, resources)).toBeUndefined();
  });

  it('finds no region when nothing is known', () => {
    expect(regionFor({}, resources)).toBeUndefined();
  });
});

describe('linesFor', () => {
  const resources = defaultCrisisResources;

  it('lists only the known region, then the fallback', () => {
    const choice = linesFor({ region: 'DE', language: 'en' }, resources);
    expect(choice.region).toBe('DE');
    expect(choice.regions.map(({ code }) => code)).toEqual(['DE']);
    expect(choice.fallback).toEqual(resources.fallback.lines);
  });

  it("lists the language's regions when the region is unknown", () => {
    const choice = linesFor({ region: undefined, language: 'de' }, resources);
    expect(choice.region).toBeUndefined();
    expect(choice.regions.map(({ code }) => code)).toEqual(['DE', 'AT', 'CH']);
  });

  it('reads the language of a locale', () => {
    const choice = linesFor({ region: undefined, language: 'pt-BR' }, resources);
    expect(choice.regions.map(({ code }) => code)).toEqual(['BR', 'PT']);
  });

  it("lists the language's regions for a region without lines", () => {
    const choice = linesFor({ region: 'SE', language: 'es' }, resources);
    expect(choice.region).toBeUndefined();
    expect(choice.regions.map(({ code }) => code)).toEqual(['ES', 'MX']);
  });

  it('lists only the fallback for a language without a list', () => {
    const choice = linesFor({ region: undefined, language: 'sv' }, resources);
    expect(choice.regions).toEqual([]);
    expect(choice.fallback).toEqual(resources.fallback.lines);
  });
});
