import { describe, expect, it } from 'vitest';
import { type Bm25Hit, rankBm25, tokenize } from '../../src/memory/bm25.js';

describe('tokenize', () => {
  const table: Array<[string, string, string[]]> = [
    ['lower-cases and splits on whitespace', 'I  like\tTea\n', ['i', 'like', 'tea']],
    ['keeps punctuation inside tokens', "tea, please! it's", ['tea,', 'please!', "it's"]],
    ['gives no tokens for blank text', ' \n\t', []],
    ['gives no tokens for empty text', '', []],
  ];
  it.each(table)('%s', (_name, text, expected) => {
    expect(tokenize(text)).toEqual(expected);
  });
});

describe('rankBm25', () => {
  // With one of two equally long documents holding the term once, its score is the term's idf,
  // ln((2 - 1 + 0.5) / (1 + 0.5) + 1) = ln 2: the length factor is 1 and tf·(k1+1)/(tf+k1) = 1.
  const ln2 = Math.log(2);
  // Each row: what it shows, the query, the documents' tokens, topK, and the hits expected.
  const table: Array<[string, string, string[][], number, Bm25Hit[]]> = [
    ['finds nothing among no documents', 'tea', [], 10, []],
    ['finds nothing for a blank query', '  ', [['tea']], 10, []],
    [
      'scores a one-term match by its idf',
      'tea',
      [['tea'], ['coffee']],
      10,
      [{ index: 0, score: ln2 }],
    ],
    [
      'matches the query case-insensitively',
      'TEA',
      [['tea'], ['coffee']],
      10,
      [{ index: 0, score: ln2 }],
    ],
    [
      'counts a repeated query term once per repetition',
      'tea tea',
      [['tea'], ['coffee']],
      10,
      [{ index: 0, score: 2 * ln2 }],
    ],
    ['leaves out documents without a query term', 'cake', [['tea'], ['coffee']], 10, []],
    [
      'still scores a term every document holds',
      'tea',
      [['tea'], ['tea']],
      10,
      [
        { index: 0, score: Math.log(1.2) },
        { index: 1, score: Math.log(1.2) },
      ],
    ],
    [
      "keeps the documents' order between equal scores",
      'tea',
      [['coffee'], ['tea'], ['tea'], ['water']],
      10,
      [
        { index: 1, score: ln2 },
        { index: 2, score: ln2 },
      ],
    ],
    [
      'keeps at most topK hits',
      'tea',
      [['tea'], ['tea'], ['coffee'], ['water']],
      1,
      [{ index: 0, score: ln2 }],
    ],
  ];
  it.each(table)('%s', (_name, query, documents, topK, expected) => {
    const hits = rankBm25({ query, documents, topK });
    expect(hits.map((hit) => hit.index)).toEqual(expected.map((hit) => hit.index));
    hits.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i]?.score ?? NaN, 12));
  });

  it('ranks a shorter document above a longer one with the same matches', () => {
    const documents = [['tea', 'and', 'cake', 'today'], ['tea'], ['coffee'], ['water']];
    expect(rankBm25({ query: 'tea', documents, topK: 10 }).map((hit) => hit.index)).toEqual([1, 0]);
  });

  it('ranks a document holding a term more often above one holding it once', () => {
    const documents = [
      ['tea', 'cake'],
      ['tea', 'tea'],
      ['coffee', 'cake'],
    ];
    expect(rankBm25({ query: 'tea', documents, topK: 10 }).map((hit) => hit.index)).toEqual([1, 0]);
  });

  it('ranks a rare term above a common one', () => {
    const documents = [['tea'], ['tea'], ['tea'], ['miso']];
    const hits = rankBm25({ query: 'tea miso', documents, topK: 10 });
    expect(hits[0]?.index).toBe(3);
  });
});
