import type Database from 'better-sqlite3';
import type { MemoryUserId } from '../memory/user-id.js';
import { checkpoint, openSqliteFile } from '../storage/sqlite-file.js';

/** What the safety rules know about one person; all of it set by the person or their Discord client. */
export interface PersonSafety {
  /** The region whose crisis lines they chose (ISO 3166 code), if they chose one. */
  region: string | undefined;
  /** Their Discord client's language (such as `en-GB`), as last seen on one of their commands. */
  locale: string | undefined;
  /** They said they are under 18. */
  minor: boolean;
}

/** Each person's safety settings, kept until they change them or forget everything. */
export interface SafetySettings {
  /** The person's settings; the defaults (nothing known, not a minor) for someone new. */
  get(userId: MemoryUserId): PersonSafety;
  /** Changes some of the person's settings. */
  update(userId: MemoryUserId, change: Partial<PersonSafety>): void;
  /** Deletes everything kept about the person. */
  forget(userId: MemoryUserId): void;
  close(): void;
}

const nobody: PersonSafety = Object.freeze({ region: undefined, locale: undefined, minor: false });

/** SafetySettings in a private SQLite file (see openSqliteFile), or in RAM for `:memory:`. */
export function createSafetySettings(options: { path: string }): SafetySettings {
  let db: Database.Database | undefined;
  // Opened on first use, so that building the app touches no file.
  const open = () => {
    if (db !== undefined) return db;
    db = openSqliteFile(options.path);
    db.exec(`CREATE TABLE IF NOT EXISTS person (
      user_id TEXT PRIMARY KEY,
      region TEXT,
      locale TEXT,
      minor INTEGER NOT NULL DEFAULT 0
    ) STRICT`);
    return db;
  };
  return {
    get(userId) {
      const row = open()
        .prepare('SELECT region, locale, minor FROM person WHERE user_id = ?')
        .get(userId) as { region: string | null; locale: string | null; minor: number } | undefined;
      if (row === undefined) return nobody;
      return {
        region: row.region ?? undefined,
        locale: row.locale ?? undefined,
        minor: row.minor === 1,
      };
    },
    update(userId, change) {
      const next = { ...this.get(userId), ...change };
      open()
        .prepare(
          `INSERT INTO person (user_id, region, locale, minor) VALUES (?, ?, ?, ?)
           ON CONFLICT (user_id) DO UPDATE SET region = excluded.region, locale = excluded.locale, minor = excluded.minor`,
        )
        .run(userId, next.region ?? null, next.locale ?? null, next.minor ? 1 : 0);
    },
    forget(userId) {
      const file = open();
      file.prepare('DELETE FROM person WHERE user_id = ?').run(userId);
      // secure_delete zeroes the row in the database; the WAL still holds it until this.
      checkpoint(file);
    },
    close() {
      db?.close();
      db = undefined;
    },
  };
}
