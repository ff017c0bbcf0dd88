import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MemoryVectorStore } from 'mem0ai/oss';
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

/** A stock store file as the previous version of the bot left it, with `rows` in this order. */
async function legacyFile(name: string, rows: Array<[string, Record<string, unknown>]>) {
  const path = join(dir, name);
  const stock = new MemoryVectorStore({ dimension, dbPath: path });
  for (const [id, payload] of rows) await stock.insert([[1, 0, 0, 0]], [id], [payload]);
  await stock.setUserId('telemetry-id-from-before');
  (stock as unknown as { db: Database.Database }).db.close();
  return path;
}

function open(legacyDbPath?: string) {
  return openIndexedVectorStores({
    path: join(dir, 'memories.db'),
    dimension,
    collectionName: 'memories',
    legacy:
      legacyDbPath === undefined
        ? undefined
        : { memoriesDbPath: legacyDbPath, entitiesDbPath: join(dir, 'none.db') },
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

  it('imports a stock store file once, in its order and with its telemetry id, then deletes it', async () => {
    const legacy = await legacyFile('vector_store.db', [
      ['b', { data: 'second', user_id: 'u1' }],
      ['a', { data: 'first', userId: 'u1' }],
    ]);
    const stores = open(legacy);
    try {
      const [rows, total] = await stores.memories.list({ user_id: 'u1' });
      expect(total).toBe(2);
      expect(rows.map((r) => [r.id, r.payload.data as unknown])).toEqual([
        ['b', 'second'],
        ['a', 'first'],
      ]);
      expect(await stores.memories.getUserId()).toBe('telemetry-id-from-before');
      expect(stores.memories.legacyImport()).toMatchObject({ from: legacy, rows: 2 });
      expect(existsSync(legacy)).toBe(false);
    } finally {
      stores.close();
    }
  });

  it('never imports again, even once everything imported has been deleted', async () => {
    const first = open(await legacyFile('vector_store.db', [['a', { data: 'x', user_id: 'u1' }]]));
    await first.memories.delete('a');
    await first.memories.deleteCol();
    first.close();
    // An old file appearing again (a restored backup, a downgrade) must not bring memories back.
    const again = await legacyFile('vector_store.db', [['a', { data: 'x', user_id: 'u1' }]]);
    const second = open(again);
    try {
      expect(await second.memories.list({ user_id: 'u1' })).toEqual([[], 0]);
      expect(existsSync(again)).toBe(true);
    } finally {
      second.close();
    }
  });

  it('leaves a stock store file alone when the collection already has rows', async () => {
    const first = open();
    await first.memories.insert([[0, 0, 1, 0]], ['new'], [{ data: 'new', user_id: 'u1' }]);
    first.close();
    const legacy = await legacyFile('vector_store.db', [['old', { data: 'old', user_id: 'u1' }]]);
    const second = open(legacy);
    try {
      const [rows] = await second.memories.list({ user_id: 'u1' });
      expect(rows.map((r) => r.id)).toEqual(['new']);
      expect(existsSync(legacy)).toBe(true);
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
