import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { discordMessageLimit } from '../../src/discord/discord-limits.js';
import { splitMessage } from '../../src/discord/split-message.js';

// Replies of a few thousand characters mixing everything a model writes: paragraphs, lines, words
// longer than a message, emoji and other surrogate pairs, combining marks, right-to-left scripts
// and fenced code blocks with a language, which are often longer than a message themselves.

const graphemes = [
  'a',
  'z',
  'Q',
  '7',
  '.',
  ',',
  '😀',
  '🙂',
  '👨‍👩‍👧',
  '🏳️‍🌈',
  'é',
  'e\u0301',
  'n\u0303',
  'ש',
  'ל',
  'م',
  'ر',
  '\u200f',
  '中',
  '𝄞',
];

/** A word of 1..12 graphemes, never containing whitespace or backticks. */
const word = fc
  .array(fc.constantFrom(...graphemes), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(''));

/** A word with no space in it that is longer than one Discord message. */
const longWord = fc
  .tuple(
    fc.array(fc.constantFrom(...graphemes), { minLength: 1, maxLength: 6 }),
    fc.integer({ min: discordMessageLimit + 1, max: 2 * discordMessageLimit + 500 }),
  )
  .map(([parts, length]) => {
    const unit = parts.join('');
    return unit.repeat(Math.ceil(length / unit.length));
  });

const line = fc
  .array(fc.oneof({ weight: 30, arbitrary: word }, { weight: 1, arbitrary: longWord }), {
    minLength: 1,
    maxLength: 40,
  })
  .chain((words) =>
    fc
      .array(fc.constantFrom(' ', ' ', ' ', '  ', '\t'), {
        minLength: words.length,
        maxLength: words.length,
      })
      .map((spaces) => words.map((w, i) => (i === 0 ? w : `${spaces[i] ?? ' '}${w}`)).join('')),
  );

const paragraph = fc.array(line, { minLength: 1, maxLength: 12 }).map((lines) => lines.join('\n'));

const codeLine = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.array(word, { minLength: 0, maxLength: 10 }).map((w) => w.join(' ')),
  },
  { weight: 20, arbitrary: fc.nat(999).map((n) => `  const value${n} = ${n};`) },
  { weight: 1, arbitrary: longWord },
);

const language = fc.constantFrom('', 'ts', 'js', 'python', 'c++', 'json', 'diff');

/** A fenced code block, balanced, with its fences on lines of their own. */
const codeBlock = fc
  .tuple(language, fc.array(codeLine, { minLength: 1, maxLength: 120 }))
  .map(([lang, lines]) => `\`\`\`${lang}\n${lines.join('\n')}\n\`\`\``);

const reply = fc
  .tuple(
    fc.array(fc.oneof(paragraph, codeBlock), { minLength: 1, maxLength: 8 }),
    fc.array(fc.constantFrom('\n', '\n\n', '\n\n\n', '\n \n'), { minLength: 8, maxLength: 8 }),
  )
  .map(([blocks, separators]) =>
    blocks.map((block, i) => (i === 0 ? block : `${separators[i] ?? '\n'}${block}`)).join(''),
  );

const settings = { numRuns: 200, seed: 20_240_601 } as const;

const fenceMarker = /```[^\s`]*/g;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const reopening = /^```[^\s`]*\n/;
const addedClosing = '\n```';

/**
 * Finds the chunks in `text` once the fence repair is taken away: a chunk that ends with "\n```"
 * closing a block cut in two is followed by a chunk that starts with "```lang\n" reopening it
 * with the same fence. Each chunk must then be an exact piece of the text, in order, and what lies
 * between two pieces (and around them) must be whitespace where a cut was made, or a fence line
 * alone, dropped because it would have been an empty message.
 * Returns a description of the first mismatch, or undefined when the chunks give back the text.
 */
function mismatch(text: string, chunks: readonly string[]): string | undefined {
  const gap = /^(?:\s|```[^\s`]*)*$/;

  function match(index: number, from: number, reopened: string | undefined): string | undefined {
    if (index === chunks.length) {
      const tail = text.slice(from);
      return gap.test(tail)
        ? undefined
        : `text left over after the last chunk: ${tail.slice(0, 40)}`;
    }
    const chunk = chunks[index] ?? '';
    const head = reopening.exec(chunk)?.[0];
    const starts = reopened === undefined ? [0] : head === undefined ? [] : [head.length];
    if (reopened !== undefined && head?.trimEnd() !== reopened) {
      return `chunk ${index} does not reopen ${reopened}`;
    }
    const canClose = index < chunks.length - 1 && chunk.endsWith(addedClosing);
    let failure = `chunk ${index} is not a piece of the text after offset ${from}`;
    for (const start of starts) {
      for (const closed of canClose ? [true, false] : [false]) {
        const shown = closed ? chunk.slice(0, -addedClosing.length) : chunk;
        const body = shown.slice(start);
        const at = text.indexOf(body, from);
        if (at < 0 || !gap.test(text.slice(from, at))) continue;
        // The block left open is the last fence the message shows, reopened one included.
        const openFence = closed ? shown.match(fenceMarker)?.at(-1) : undefined;
        if (closed && openFence === undefined) continue;
        const rest = match(index + 1, at + body.length, openFence);
        if (rest === undefined) return undefined;
        failure = rest;
      }
    }
    return failure;
  }

  return match(0, 0, undefined);
}

describe('splitMessage on generated replies', () => {
  it('makes every message 1 to 2000 characters long and never whitespace-only', () => {
    fc.assert(
      fc.property(reply, (text) => {
        for (const chunk of splitMessage(text)) {
          expect(chunk.length).toBeGreaterThanOrEqual(1);
          expect(chunk.length).toBeLessThanOrEqual(discordMessageLimit);
          expect(chunk.trim()).not.toBe('');
        }
      }),
      settings,
    );
  });

  it('balances the code fences in every message', () => {
    fc.assert(
      fc.property(reply, (text) => {
        for (const chunk of splitMessage(text)) {
          expect((chunk.match(/```/g) ?? []).length % 2).toBe(0);
        }
      }),
      settings,
    );
  });

  it('gives back the text once the fence repair and the whitespace at the cuts are removed', () => {
    fc.assert(
      fc.property(reply, (text) => {
        expect(mismatch(text, splitMessage(text))).toBeUndefined();
      }),
      settings,
    );
  });

  it('keeps every non-whitespace character of the text, in order', () => {
    fc.assert(
      fc.property(reply, (text) => {
        const visible = (s: string) => s.replace(fenceMarker, '').replace(/\s+/g, '');
        expect(splitMessage(text).map(visible).join('')).toBe(visible(text));
      }),
      settings,
    );
  });

  it('never splits a surrogate pair', () => {
    fc.assert(
      fc.property(reply, (text) => {
        for (const chunk of splitMessage(text)) expect(chunk).not.toMatch(loneSurrogate);
      }),
      settings,
    );
  });

  it('keeps a message within the limit when a fence is followed by a word longer than a message', () => {
    fc.assert(
      fc.property(longWord, paragraph, (token, after) => {
        const text = `\`\`\`${token}\n${after}\n\`\`\``;
        for (const chunk of splitMessage(text)) {
          expect(chunk.length).toBeLessThanOrEqual(discordMessageLimit);
        }
      }),
      { ...settings, numRuns: 50 },
    );
  });
});
