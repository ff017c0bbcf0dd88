import type {
  ServerSettings,
  ServerSettingsAudit,
  ServerSettingsChange,
} from './server-settings.js';

/** The outcome of a change: the settings after it, or why it was refused (nothing changed). */
export type ChangeOutcome = { settings: ServerSettings } | { refused: string };

/**
 * Every server's settings, durable, with the record of their changes and the daily answer
 * counts. In one process a SQLite file in DATA_DIR; in a split bot, Redis (every process sees a
 * change at once).
 */
export interface ServerSettingsStore {
  /** The server's settings (the defaults for a server that changed nothing). */
  get(guildId: string): Promise<ServerSettings>;
  /** Makes one change, recorded as made by `by` (a Discord user id) at `at`. */
  change(
    guildId: string,
    change: ServerSettingsChange,
    by: { userId: string; at: number },
  ): Promise<ChangeOutcome>;
  /** The last changes, newest first. */
  recentChanges(guildId: string, limit: number): Promise<ServerSettingsAudit[]>;
  /**
   * Counts one answer in the server on `day` unless `limit` were already given that day;
   * returns whether it was counted and how many were given that day with it.
   */
  spend(guildId: string, day: string, limit: number): Promise<{ allowed: boolean; used: number }>;
  /** Deletes everything kept about the server (it removed the bot). */
  remove(guildId: string): Promise<void>;
  close(): Promise<void>;
}

/** Most audit entries kept per server. */
export const maxAuditEntries = 50;
