import { describe, expect, it } from 'vitest';
import {
  type DerivedColumns,
  derivedColumns,
  floatsOf,
  vectorBlob,
} from '../../src/memory/vector-rows.js';

describe('derivedColumns', () => {
  const none: DerivedColumns = { user_id: null, run_id: null, agent_id: null, keyword_text: null };
  // Each row: what it shows, a payload as stored (JSON), and the columns derived from it.
  const table: Array<[string, string, DerivedColumns]> = [
    [
      'copies the scope keys and the text',
      '{"user_id":"u1","run_id":"dm","agent_id":"a","data":"tea"}',
      { user_id: 'u1', run_id: 'dm', agent_id: 'a', keyword_text: 'tea' },
    ],
    [
      'reads camelCase scope keys as the stock store does',
      '{"userId":"u1","runId":"dm","data":"tea"}',
      { ...none, user_id: 'u1', run_id: 'dm', keyword_text: 'tea' },
    ],
    [
      'leaves a scope key that is not text NULL',
      '{"user_id":5,"run_id":["dm"],"data":"tea"}',
      { ...none, keyword_text: 'tea' },
    ],
    [
      'searches the lemmatized text before the text',
      '{"data":"teas","textLemmatized":"tea"}',
      { ...none, keyword_text: 'tea' },
    ],
    [
      'searches empty text when there is none',
      '{"user_id":"u1"}',
      { ...none, user_id: 'u1', keyword_text: '' },
    ],
    // NULL makes the keyword search read the payload and fail on it, as the stock store does.
    ['leaves text that is not a string NULL', '{"data":{"text":"tea"}}', none],
    ['derives nothing from a payload that is not JSON', '{"data":', none],
    ['derives nothing from a payload that is not an object', '"tea"', none],
  ];
  it.each(table)('%s', (_name, json, expected) => {
    expect(derivedColumns(json)).toEqual(expected);
  });
});

describe('vector blobs', () => {
  it('reads back the 32-bit floats it stored', () => {
    expect([...floatsOf(vectorBlob([0.5, -1, 2, 0.25]))]).toEqual([0.5, -1, 2, 0.25]);
  });

  it('reads a blob that does not start on a 4-byte boundary', () => {
    const stored = vectorBlob([0.5, -1, 2]);
    const unaligned = Buffer.alloc(stored.byteLength + 1).subarray(1);
    stored.copy(unaligned);
    expect([...floatsOf(unaligned)]).toEqual([0.5, -1, 2]);
  });
});
