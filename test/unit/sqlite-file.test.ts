import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
