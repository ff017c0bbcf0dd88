import type Database from 'better-sqlite3';
import { checkpoint, openSqliteFile } from '../storage/sqlite-file.js';
import { applyChange, describeChange, settingsFrom } from './server-settings.js';
import { maxAuditEntries, type ServerSettingsStore } from './server-settings-store.js';

/**
 * ServerSettingsStore in a private SQLite file (see openSqliteFile), or in RAM for `:memory:`:
 * one row per server that changed something, its audit entries and its answer count of the day.
 */
export function createSqliteServerSettings(options: { path: string }): ServerSettingsStore {
  let db: Database.Database | undefined;
  const open = () => {
    if (db !== undefined) return db;
    const made = openSqliteFile(options.path);
    made.exec(`CREATE TABLE IF NOT EXISTS server_settings (
        guild_id TEXT PRIMARY KEY,
        settings TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS server_settings_audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        guild_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        by TEXT NOT NULL,
        what TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS server_settings_audit_by_guild ON server_settings_audit (guild_id, id);
      CREATE TABLE IF NOT EXISTS server_answer_counts (
        guild_id TEXT PRIMARY KEY,
        day TEXT NOT NULL,
        used INTEGER NOT NULL
      );`);
    db = made;
    return made;
  };

  function read(guildId: string) {
    const row = open()
      .prepare('SELECT settings FROM server_settings WHERE guild_id = ?')
      .get(guildId) as { settings: string } | undefined;
    return settingsFrom(row === undefined ? undefined : JSON.parse(row.settings));
  }

  return {
    async get(guildId) {
      return read(guildId);
    },
    async change(guildId, change, by) {
      const database = open();
      return database.transaction(() => {
        const outcome = applyChange(read(guildId), change);
        if ('refused' in outcome) return outcome;
        database
          .prepare(
            `INSERT INTO server_settings (guild_id, settings) VALUES (?, ?)
             ON CONFLICT (guild_id) DO UPDATE SET settings = excluded.settings`,
          )
          .run(guildId, JSON.stringify(outcome.settings));
        database
          .prepare('INSERT INTO server_settings_audit (guild_id, at, by, what) VALUES (?, ?, ?, ?)')
          .run(guildId, by.at, by.userId, describeChange(change));
        database
          .prepare(
            `DELETE FROM server_settings_audit WHERE guild_id = ? AND id NOT IN (
               SELECT id FROM server_settings_audit WHERE guild_id = ? ORDER BY id DESC LIMIT ?)`,
          )
          .run(guildId, guildId, maxAuditEntries);
        return outcome;
      })();
    },
    async recentChanges(guildId, limit) {
      return open()
        .prepare(
          'SELECT at, by, what FROM server_settings_audit WHERE guild_id = ? ORDER BY id DESC LIMIT ?',
        )
        .all(guildId, limit) as Array<{ at: number; by: string; what: string }>;
    },
    async spend(guildId, day, limit) {
      const database = open();
      return database.transaction(() => {
        const row = database
          .prepare('SELECT day, used FROM server_answer_counts WHERE guild_id = ?')
          .get(guildId) as { day: string; used: number } | undefined;
        const used = row?.day === day ? row.used : 0;
        if (used >= limit) return { allowed: false, used };
        database
          .prepare(
            `INSERT INTO server_answer_counts (guild_id, day, used) VALUES (?, ?, ?)
             ON CONFLICT (guild_id) DO UPDATE SET day = excluded.day, used = excluded.used`,
          )
          .run(guildId, day, used + 1);
        return { allowed: true, used: used + 1 };
      })();
    },
    async remove(guildId) {
      const database = open();
      database.transaction(() => {
        for (const table of ['server_settings', 'server_settings_audit', 'server_answer_counts']) {
          database.prepare(`DELETE FROM ${table} WHERE guild_id = ?`).run(guildId);
        }
      })();
      // Zeroed in the file (secure_delete) and gone from the WAL too.
      checkpoint(database);
    },
    async close() {
      db?.close();
      db = undefined;
    },
  };
}
