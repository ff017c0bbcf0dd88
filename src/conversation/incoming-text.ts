import { safeCutIndex } from '../text/cut-text.js';
/** A person's message as the model will read it, or `empty` when nothing readable is left. */
export type IncomingText = { kind: 'text'; text: string; cut: boolean } | { kind: 'empty' };

/**
 * Invisible characters that carry no meaning in a chat message but can hide or reorder text:
 * zero-width space, word joiner and invisible math operators, the byte order mark, the bidi
 * embeddings, overrides and isolates of "Trojan Source" (https://trojansource.codes), the
 * deprecated format controls, and control characters other than tab and line feed. The bidi
 * marks U+200E, U+200F and U+061C are kept: right-to-left writers use them to place punctuation.
 */
const alwaysStripped = /(?![\t\n])\p{Cc}|[\u200B\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]/gu;

/** A surrogate half without its other half; it cannot be encoded as UTF-8 and means nothing. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const joiner = /[\u200C\u200D]/g;
const zeroWidthJoiner = '\u200D';
const pictographic = /^\p{Extended_Pictographic}$/u;
/** What may end the emoji before a ZWJ in an emoji ZWJ sequence (👩🏽‍💻, 🏳️‍🌈). */
const emojiEnd = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]$/u;
/** A joiner between a non-ASCII letter (or mark) and a letter is spelling (Persian ZWNJ, Indic ZWJ). */
const letterOrMark = /^[\p{L}\p{M}]$/u;
const letter = /^\p{L}$/u;

/** Anything a person can see: not whitespace, a control, a format or a default-ignorable character. */
const visible = /[^\s\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/u;

/**
 * Cleans a person's message for the model: removes invisible and control characters (keeping the
 * joiners that emoji sequences and some scripts need), trims it, and cuts it to `maxChars` UTF-16
 * units without splitting a character. `empty` when nothing visible remains (an attachment-only
 * message, a mention alone, a message of zero-width characters).
 */
export function prepareIncomingText(text: string, options: { maxChars: number }): IncomingText {
  const cleaned = text
    .replace(loneSurrogate, '')
    .replace(/\r\n?/g, '\n')
    .replace(alwaysStripped, '')
    .replace(joiner, keepJoinerInWords)
    .trim();
  if (!visible.test(cleaned)) return { kind: 'empty' };
  if (cleaned.length <= options.maxChars) return { kind: 'text', text: cleaned, cut: false };
  const end = safeCutIndex(cleaned, options.maxChars);
  // A joiner left at the cut joins nothing; whitespace there is noise.
  const cut = cleaned.slice(0, end).replace(/[\s\u200C\u200D]+$/u, '');
  return visible.test(cut) ? { kind: 'text', text: cut, cut: true } : { kind: 'empty' };
}

/** Keeps a joiner inside an emoji ZWJ sequence or between two non-ASCII letters; drops it elsewhere. */
function keepJoinerInWords(found: string, offset: number, whole: string): string {
  const before = codePointBefore(whole, offset);
  const after = codePointAt(whole, offset + 1);
  if (found === zeroWidthJoiner && emojiEnd.test(before) && pictographic.test(after)) return found;
  const isNonAscii = (char: string) => char !== '' && char.charCodeAt(0) > 0x7f;
  if (isNonAscii(before) && isNonAscii(after) && letterOrMark.test(before) && letter.test(after)) {
    return found;
  }
  return '';
}

function codePointAt(text: string, index: number): string {
  const code = text.codePointAt(index);
  return code === undefined ? '' : String.fromCodePoint(code);
}

function codePointBefore(text: string, index: number): string {
  if (index <= 0) return '';
  const low = text.charCodeAt(index - 1);
  const high = index >= 2 ? text.charCodeAt(index - 2) : 0;
  const isPair = low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff;
  return isPair ? text.slice(index - 2, index) : text.slice(index - 1, index);
}
