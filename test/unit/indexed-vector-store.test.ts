import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  IndexedVectorStore,
  openIndexedVectorStores,
} from '../../src/memory/indexed-vector-store.js';

const dimension = 4;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wellness0-ivs-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function open() {
  return openIndexedVectorStores({
    path: join(dir, 'memories.db'),
    dimension,
    collectionName: 'memories',
  });
}

describe('IndexedVectorStore', () => {
  it('reads only the rows of the filtered person, through an index', () => {
    const stores = open();
    stores.close();
    const db = new Database(join(dir, 'memories.db'), { readonly: true });
    try {
      const plan = (where: string) =>
        (
          db
            .prepare(`EXPLAIN QUERY PLAN SELECT id FROM memories WHERE ${where} ORDER BY seq`)
            .all('x', 'y') as Array<{ detail: string }>
        )
          .map((row) => row.detail)
          .join('; ');
      expect(plan('user_id = ? AND run_id = ?')).toContain(
        'USING INDEX memories_by_user_run (user_id=? AND run_id=?)',
      );
      expect(plan('user_id IN (?, ?)')).toContain('USING INDEX memories_by_user_run (user_id=?)');
    } finally {
      db.close();
    }
  });

  it('keeps its rows in WAL mode across a reopen', async () => {
    const first = open();
    await first.memories.insert([[0, 1, 0, 0]], ['m1'], [{ data: 'tea', user_id: 'u1' }]);
    first.close();
    const second = open();
    try {
      expect(await second.memories.get('m1')).toEqual({
        id: 'm1',
        payload: { data: 'tea', user_id: 'u1' },
      });
      const db = new Database(join(dir, 'memories.db'), { readonly: true });
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.close();
    } finally {
      second.close();
    }
  });

  it('refuses a collection name that is not a plain identifier', () => {
    const database = new Database(':memory:');
    try {
      expect(
        () => new IndexedVectorStore({ database, collectionName: 'x"; DROP', dimension }),
      ).toThrow('Invalid collection name');
    } finally {
      database.close();
    }
  });
});
