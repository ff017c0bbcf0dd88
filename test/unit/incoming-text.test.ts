import { describe, expect, it } from 'vitest';
import { prepareIncomingText } from '../../src/conversation/incoming-text.js';

const prepare = (text: string, maxChars = 4_000) => prepareIncomingText(text, { maxChars });
const textOf = (text: string, maxChars = 4_000) => {
  const prepared = prepare(text, maxChars);
  return prepared.kind === 'text' ? prepared.text : undefined;
};

describe('prepareIncomingText', () => {
  it('keeps an ordinary message as it is', () => {
    expect(prepare('I had a rough day.')).toEqual({
      kind: 'text',
      text: 'I had a rough day.',
      cut: false,
    });
  });

  it('trims surrounding whitespace but keeps line breaks inside', () => {
    expect(textOf('  \n first line\n\nsecond line \t ')).toBe('first line\n\nsecond line');
  });

  it.each([
    ['nothing', ''],
    ['whitespace', ' \n\t  \u00A0\u3000'],
    ['zero-width characters', '\u200B\u200C\u200D\u2060\uFEFF'],
    ['bidi controls', '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069'],
    ['bidi marks and a variation selector', '\u200E\u200F\uFE0F'],
    ['control characters', '\u0000\u0001\u0007\u001B\u007F\u0085'],
    ['Hangul fillers and a braille blank', '\u3164\u115F\uFFA0\u2800'],
    ['lone surrogates', '\uD800 \uDFFF'],
  ])('treats a message of %s as empty', (_what, text) => {
    expect(prepare(text)).toEqual({ kind: 'empty' });
  });

  it('removes zero-width spaces hidden inside words', () => {
    expect(textOf('ig\u200Bnore\u2060 prev\uFEFFious')).toBe('ignore previous');
  });

  it('removes bidi overrides that would reorder what is shown', () => {
    expect(textOf('abc\u202Edef\u202C ghi\u2067jkl\u2069')).toBe('abcdef ghijkl');
  });

  it('removes control characters but keeps tabs and line breaks', () => {
    expect(textOf('a\u0000b\u0007c\td\r\ne\rf')).toBe('abc\td\ne\nf');
  });

  it('drops lone surrogates and keeps surrogate pairs', () => {
    expect(textOf('a\uD800b\uDC00c 😀')).toBe('abc 😀');
  });

  it('keeps right-to-left text and the bidi marks that place its punctuation', () => {
    expect(textOf('שלום, מה שלומך?\u200F')).toBe('שלום, מה שלומך?\u200F');
    expect(textOf('مرحبا بك')).toBe('مرحبا بك');
  });

  it('keeps emoji, including ZWJ sequences, skin tones and flags', () => {
    const emoji = '👩‍💻 👨🏽‍⚕️ 🏳️‍🌈 👨‍👩‍👧‍👦 🇯🇵 🏴󠁧󠁢󠁳󠁣󠁴󠁿 1️⃣';
    expect(prepare(emoji)).toEqual({ kind: 'text', text: emoji, cut: false });
  });

  it('drops a ZWJ that joins no emoji', () => {
    expect(textOf('hello\u200D world 😀\u200D')).toBe('hello world 😀');
    expect(textOf('\u200D😀')).toBe('😀');
  });

  it('keeps the joiners that Persian and Indic spelling need', () => {
    const persian = 'می\u200Cخواهم';
    const devanagari = 'क्\u200Dष';
    expect(textOf(persian)).toBe(persian);
    expect(textOf(devanagari)).toBe(devanagari);
  });

  it('drops joiners between ASCII letters', () => {
    expect(textOf('pa\u200Css\u200Dword')).toBe('password');
  });

  it('cuts a long message at maxChars and says so', () => {
    expect(prepare('a'.repeat(150), 100)).toEqual({
      kind: 'text',
      text: 'a'.repeat(100),
      cut: true,
    });
  });

  it('does not cut a message of exactly maxChars', () => {
    expect(prepare('a'.repeat(100), 100)).toEqual({
      kind: 'text',
      text: 'a'.repeat(100),
      cut: false,
    });
  });

  it('never cuts an emoji in half', () => {
    // 99 letters, then an emoji whose two UTF-16 units straddle the limit.
    const prepared = prepare(`${'a'.repeat(99)}😀${'b'.repeat(10)}`, 100);
    expect(prepared).toEqual({ kind: 'text', text: 'a'.repeat(99), cut: true });
  });

  it('counts what is left after cleaning, not what was sent', () => {
    expect(prepare(`${'\u200B'.repeat(500)}${'a'.repeat(100)}`, 100)).toEqual({
      kind: 'text',
      text: 'a'.repeat(100),
      cut: false,
    });
  });

  it('does not end a cut message with whitespace or a dangling joiner', () => {
    expect(textOf(`${'a'.repeat(97)}   ${'b'.repeat(10)}`, 100)).toBe('a'.repeat(97));
    expect(textOf(`${'😀'.repeat(49)}\u200D😀😀`, 99)).toBe('😀'.repeat(49));
  });

  it('keeps markdown, mentions and code as text for the model to read', () => {
    const text = '@everyone <@&123> <@456> **bold** ```js\nalert(1)\n```';
    expect(textOf(text)).toBe(text);
  });
});
