import { describe, expect, it } from 'vitest';
import type { CrisisLanguage } from '../../src/safety/crisis-detection.js';
import { linesFor } from '../../src/safety/crisis-resources.js';
import { defaultCrisisResources } from '../../src/safety/builtin-crisis-lines.js';
import {
  aiDisclosure,
  crisisFallback,
  crisisKinds,
  crisisMessage,
  crisisModePersona,
  crisisTextLanguages,
  minorBreakReminder,
  minorPersona,
  safetyBlockNote,
} from '../../src/safety/crisis-texts.js';

const resources = defaultCrisisResources;
const languages: readonly CrisisLanguage[] = ['en', 'es', 'fr', 'de', 'pt'];

/** Every crisis message the built-in lines can produce: each region and each language list. */
function everyCrisisMessage(): string[] {
  const choices = [
    ...Object.keys(resources.regions).map((region) =>
      linesFor({ region, language: 'en' }, resources),
    ),
    ...[...languages, 'sv'].map((language) => linesFor({ region: undefined, language }, resources)),
  ];
  return choices.flatMap((lines) =>
    languages.flatMap((language) =>
      crisisKinds.map((kind) => crisisMessage({ language, kind, lines })),
    ),
  );
}

/** Every text the bot says to a person about safety, in every language. */
function everyText(): string[] {
  const lines = linesFor({ region: undefined, language: 'en' }, resources);
  return [
    ...everyCrisisMessage(),
    ...languages.flatMap((language) => [
      safetyBlockNote({ language, lines }),
      crisisFallback(language),
      aiDisclosure(language),
      minorBreakReminder(language),
    ]),
  ];
}

describe('crisisMessage', () => {
  it('is written in the five languages crisis detection knows', () => {
    expect([...crisisTextLanguages].sort()).toEqual([...languages].sort());
  });

  it('fits in 1,500 characters for every built-in region and language', () => {
    const longest = Math.max(...everyCrisisMessage().map((message) => message.length));
    expect(longest).toBeLessThanOrEqual(1500);
  });

  it('never contains an @, so it can never ping anyone', () => {
    expect(everyText().filter((text) => text.includes('@'))).toEqual([]);
  });

  it('wraps every link in <> so Discord shows no preview', () => {
    const bare = everyText().flatMap((text) => text.match(/(?<!<)https?:\/\/[^\s)]*/g) ?? []);
    expect(bare).toEqual([]);
    expect(everyText().join('\n')).toContain('<https://988lifeline.org>');
  });

  it("names the region's emergency number after the lines", () => {
    const message = crisisMessage({
      language: 'en',
      kind: 'suicidal-intent',
      lines: linesFor({ region: 'GB', language: 'en' }, resources),
    });
    expect(message.split('\n')).toEqual([
      "I'm really glad you told me. You deserve support from a person right now, and these lines are there for you:",
      '- **United Kingdom** — Samaritans: call 116 123 (<https://www.samaritans.org>)',
      '- **United Kingdom** — Shout: text SHOUT to 85258',
      '- **Elsewhere** — Find A Helpline: free, confidential lines in many countries (<https://findahelpline.com>)',
      "If you're in danger right now, call 999.",
      "*I'm an AI, not a person or a therapist, but I'm here and I'll keep listening.*",
    ]);
  });

  it("names the region's emergency number first for imminent danger", () => {
    const message = crisisMessage({
      language: 'en',
      kind: 'imminent-danger',
      lines: linesFor({ region: 'AU', language: 'en' }, resources),
    });
    expect(message.split('\n')[0]).toBe("**If you're in danger right now, call 000.**");
    expect(message.match(/000/g)).toHaveLength(1);
  });

  it('gives every listed country its emergency number when the region is unknown', () => {
    const message = crisisMessage({
      language: 'es',
      kind: 'self-harm',
      lines: linesFor({ region: undefined, language: 'es' }, resources),
    });
    expect(message).toContain(
      'Si estás en peligro ahora mismo, llama al número de emergencias de tu país (España: 112, México: 911).',
    );
  });

  it("names each line's country in the message's language", () => {
    const message = crisisMessage({
      language: 'de',
      kind: 'suicidal-intent',
      lines: linesFor({ region: undefined, language: 'de' }, resources),
    });
    expect(message).toContain(
      '- **Deutschland** — TelefonSeelsorge: 0800 111 0 111 oder 0800 111 0 222',
    );
    expect(message).toContain('- **Österreich** — TelefonSeelsorge: 142');
    expect(message).toContain('- **Schweiz** — ');
  });

  it('asks for the local emergency number when no region is listed', () => {
    const message = crisisMessage({
      language: 'en',
      kind: 'suicidal-intent',
      lines: linesFor({ region: undefined, language: 'sv' }, resources),
    });
    expect(message).toContain('- Find A Helpline: ');
    expect(message).toContain("If you're in danger right now, call your local emergency number.");
  });

  it('ends with the line saying that the bot is an AI, in italics', () => {
    const lines = linesFor({ region: 'BR', language: 'pt' }, resources);
    for (const language of languages) {
      const last = crisisMessage({ language, kind: 'self-harm', lines }).split('\n').at(-1);
      expect(last).toMatch(/^\*[^*]+\*$/);
    }
  });
});

describe('safetyBlockNote', () => {
  it('lists the lines after a short lead', () => {
    const note = safetyBlockNote({
      language: 'en',
      lines: linesFor({ region: 'NZ', language: 'en' }, resources),
    });
    expect(note.split('\n')).toEqual([
      "If you're going through something hard, you don't have to face it alone:",
      '- **New Zealand** — Need to talk? call or text 1737',
      '- **Elsewhere** — Find A Helpline: free, confidential lines in many countries (<https://findahelpline.com>)',
    ]);
  });
});

describe('crisisModePersona', () => {
  it("asks the model to answer in the person's language", () => {
    expect(crisisModePersona('fr')).toContain('write in French');
  });

  it('says the lines were just shared above and asks whether the person is safe', () => {
    const persona = crisisModePersona('en');
    expect(persona).toContain('right above your answer');
    expect(persona).toContain('Ask whether they are safe right now.');
  });

  it('forbids methods, secrecy, claiming to be a therapist and repeating the numbers', () => {
    const persona = crisisModePersona('en');
    expect(persona).toContain('Never describe or discuss methods, means, amounts or places');
    expect(persona).toContain('Never promise confidentiality');
    expect(persona).toContain('never say or imply that you are a therapist');
    expect(persona).toContain('Do not repeat the phone numbers');
  });
});

describe('crisisFallback', () => {
  it('points to the lines above instead of asking to try again', () => {
    const text = crisisFallback('en');
    expect(text).toContain('the lines above are there for you');
    expect(text).not.toMatch(/try again/i);
  });

  it('is written for each language', () => {
    expect(new Set(languages.map(crisisFallback)).size).toBe(languages.length);
  });
});

describe('aiDisclosure', () => {
  it('says in English by default, in italics, that the bot is an AI', () => {
    expect(aiDisclosure()).toBe("*I'm an AI, not a person and not a therapist.*");
  });

  it("speaks the language of a locale's language", () => {
    expect(aiDisclosure('pt-BR')).toBe('*Sou uma IA, não uma pessoa nem um terapeuta.*');
  });

  it('falls back to English for a language it is not written in', () => {
    expect(aiDisclosure('sv')).toBe(aiDisclosure('en'));
  });
});

describe('minorBreakReminder', () => {
  it('suggests a break and says the bot is an AI, in one italic line', () => {
    const reminder = minorBreakReminder();
    expect(reminder).toMatch(/^\*[^*\n]+\*$/);
    expect(reminder).toContain('take a break');
    expect(reminder).toContain("I'm an AI, not a person.");
  });

  it('is written for each language', () => {
    expect(new Set(languages.map(minorBreakReminder)).size).toBe(languages.length);
  });
});

describe('minorPersona', () => {
  it('tells the model the person is under 18', () => {
    expect(minorPersona).toContain('under 18');
  });
});
