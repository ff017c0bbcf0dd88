/**
 * Deterministic text embeddings for the stand-ins: a hashed bag of words, so texts that share
 * words are close and unrelated texts are nearly orthogonal, which makes memory search meaningful.
 */

const stopWords = new Set(
  "a an and are as at be but by for from has have i i'm im in is it its me my of on or our so that the their them they this to was we were what when where which who will with you your".split(
    ' ',
  ),
);

/** Lower-cased content words of a text, with a light plural stemmer. */
export function contentWords(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
  return words
    .map((w) => w.replace(/'s$/, '').replace(/'/g, ''))
    .filter((w) => w.length > 0 && !stopWords.has(w))
    .map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A unit vector of `dimensions` floats for `text`; the same text always gives the same vector. */
export function embedText(text: string, dimensions = 768): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of contentWords(text)) {
    const hash = fnv1a(word);
    vector[hash % dimensions] = (vector[hash % dimensions] ?? 0) + (hash & 0x80000000 ? -1 : 1);
  }
  let norm = Math.hypot(...vector);
  if (norm === 0) {
    // No content words: a fixed direction keeps cosine similarity defined.
    vector[dimensions - 1] = 1;
    norm = 1;
  }
  return vector.map((v) => v / norm);
}

/** Cosine similarity of two unit vectors. */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot;
}
