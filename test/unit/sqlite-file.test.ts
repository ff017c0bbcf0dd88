import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareDataDir } from '../../src/storage/data-dir.js';
import { makePrivateDir } from '../../src/storage/private-files.js';
import { checkpoint, openSqliteFile } from '../../src/storage/sqlite-file.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

let dir: string;
let db: Database.Database | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wellness0-sqlite-'));
});
afterEach(() => {
  db?.close();
  db = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('openSqliteFile', () => {
  it('scrubs, once, text an earlier version deleted but left in the file', () => {
    const path = join(dir, 'memories.db');
    const old = new Database(path);
    old.pragma('secure_delete = OFF');
    old.exec('CREATE TABLE t (text TEXT)');
    const insert = old.prepare('INSERT INTO t VALUES (?)');
    for (let i = 0; i < 200; i++)
      insert.run(`my secret word is quizzlebop ${i} ${'x'.repeat(200)}`);
    old.exec('DELETE FROM t');
    old.close();
    expect(readFileSync(path).includes('quizzlebop')).toBe(true);

    db = openSqliteFile(path);

    expect(readFileSync(path).includes('quizzlebop')).toBe(false);
    expect(db.pragma('freelist_count', { simple: true })).toBe(0);
  });

  it('creates the file and its WAL and SHM readable by their owner only', () => {
    const path = join(dir, 'inbox.db');
    db = openSqliteFile(path);
    db.exec('CREATE TABLE t (text TEXT)');
    db.prepare('INSERT INTO t VALUES (?)').run('hello');

    expect([path, `${path}-wal`, `${path}-shm`].map(modeOf)).toEqual([0o600, 0o600, 0o600]);
  });

  it('tightens an existing 0644 file and the WAL an earlier run left', () => {
    // A WAL left beside its database, as after a crash.
    const source = join(dir, 'source.db');
    const writer = new Database(source);
    writer.pragma('journal_mode = WAL');
    writer.exec("CREATE TABLE t (text TEXT); INSERT INTO t VALUES ('kept')");
    const path = join(dir, 'memory-writes.db');
    copyFileSync(source, path);
    copyFileSync(`${source}-wal`, `${path}-wal`);
    writer.close();
    chmodSync(path, 0o644);
    chmodSync(`${path}-wal`, 0o644);

    db = openSqliteFile(path);

    expect(modeOf(path)).toBe(0o600);
    expect(modeOf(`${path}-wal`)).toBe(0o600);
    expect(db.prepare('SELECT text FROM t').pluck().get()).toBe('kept');
  });

  it('zeroes deleted text, and checkpoint clears it from the WAL', () => {
    const path = join(dir, 'memories.db');
    db = openSqliteFile(path);
    db.exec('CREATE TABLE t (text TEXT)');
    db.prepare('INSERT INTO t VALUES (?)').run('my brother is ill');
    checkpoint(db);
    db.prepare('DELETE FROM t').run();

    expect(checkpoint(db)).toBe(true);

    expect(readFileSync(path).includes('my brother is ill')).toBe(false);
    expect(existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0).toBe(0);
  });
});

describe('makePrivateDir', () => {
  it('creates a missing folder, and its missing parents, 0700', () => {
    const path = join(dir, 'a', 'data');
    makePrivateDir(path);
    expect(modeOf(path)).toBe(0o700);
  });

  it('tightens an existing 0755 folder to 0700', () => {
    const path = join(dir, 'data');
    mkdirSync(path);
    chmodSync(path, 0o755);
    makePrivateDir(path);
    expect(modeOf(path)).toBe(0o700);
  });
});

describe('prepareDataDir', () => {
  it('removes the history.db of an earlier version, with its side files', () => {
    const history = new Database(join(dir, 'history.db'));
    history.exec("CREATE TABLE history (old_memory TEXT); INSERT INTO history VALUES ('secret')");
    history.close();
    for (const suffix of ['-wal', '-shm', '-journal'])
      writeFileSync(join(dir, `history.db${suffix}`), '');
    writeFileSync(join(dir, 'memories.db'), '');

    prepareDataDir(dir);

    for (const suffix of ['', '-wal', '-shm', '-journal']) {
      expect(existsSync(join(dir, `history.db${suffix}`))).toBe(false);
    }
    expect(existsSync(join(dir, 'memories.db'))).toBe(true);
  });
});
