import { chmodSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { makePrivateFile } from './private-files.js';

// SQLite's side files: the WAL and its index, and the rollback journal of a non-WAL database.
const sideFileSuffixes = ['-wal', '-shm', '-journal'];

/**
 * Opens (or creates) one of the bot's SQLite files, private and forgetful: the file is created
 * 0600 before SQLite opens it, since SQLite gives its -wal and -shm files the main file's mode
 * (and existing ones are tightened); `secure_delete` overwrites deleted text with zeros instead of
 * leaving it in free pages. WAL with synchronous NORMAL: a commit survives the process dying
 * before the call returns; only an OS crash or power cut can lose the last moments. FULL would
 * cover those too, but its fsync per write blocks the event loop (better-sqlite3 is synchronous).
 * Deleted text still sits in the WAL until {@link checkpoint}. `:memory:` opens a database in RAM.
 */
export function openSqliteFile(path: string): Database.Database {
  if (path !== ':memory:') {
    makePrivateFile(path);
    for (const suffix of sideFileSuffixes) {
      if (existsSync(`${path}${suffix}`)) chmodSync(`${path}${suffix}`, 0o600);
    }
  }
  const db = new Database(path);
  try {
    // First, so that nothing this connection deletes is left readable in the file.
    db.pragma('secure_delete = ON');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Copies the WAL into the database and truncates the WAL to zero bytes, so that text deleted
 * since (zeroed in the database by `secure_delete`) no longer sits in old WAL frames. Returns
 * false when a reader kept it from completing (nothing is lost; the next checkpoint finishes it).
 */
export function checkpoint(db: Database.Database): boolean {
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
  return result?.busy === 0;
}
