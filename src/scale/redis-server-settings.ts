import { Redis } from 'ioredis';
import { applyChange, describeChange, settingsFrom } from '../servers/server-settings.js';
import { maxAuditEntries, type ServerSettingsStore } from '../servers/server-settings-store.js';

// KEYS: the server's answer count. ARGV: day, limit, seconds to keep it.
// Counts one answer unless the limit was reached; returns {counted (0/1), used}.
const spendScript = `
local day = redis.call('HGET', KEYS[1], 'day')
local used = 0
if day == ARGV[1] then used = tonumber(redis.call('HGET', KEYS[1], 'used')) end
if used >= tonumber(ARGV[2]) then return {0, used} end
redis.call('HSET', KEYS[1], 'day', ARGV[1], 'used', used + 1)
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {1, used + 1}`;

type SpendClient = Redis & {
  spendAnswer(key: string, day: string, limit: number, seconds: number): Promise<[number, number]>;
};

/**
 * ServerSettingsStore in Redis, for a split bot: every process reads a change at once. A change
 * is read, applied and written under WATCH, so two admins changing settings at once both land.
 */
export function createRedisServerSettings(options: {
  redisUrl: string;
  /** Prefix of every key (default `wellness0`). */
  namespace?: string;
  onError?: (error: unknown) => void;
}): ServerSettingsStore {
  const prefix = `${options.namespace ?? 'wellness0'}:server`;
  const client = new Redis(options.redisUrl, {
    maxRetriesPerRequest: 3,
    connectionName: `${options.namespace ?? 'wellness0'}-server-settings`,
  }) as SpendClient;
  client.defineCommand('spendAnswer', { numberOfKeys: 1, lua: spendScript });
  client.on('error', (error: unknown) => options.onError?.(error));
  const settingsKey = (guildId: string) => `${prefix}:${guildId}:settings`;
  const auditKey = (guildId: string) => `${prefix}:${guildId}:audit`;
  const countKey = (guildId: string) => `${prefix}:${guildId}:answers`;

  async function read(guildId: string, from: Redis = client) {
    const raw = await from.get(settingsKey(guildId));
    return settingsFrom(raw === null ? undefined : JSON.parse(raw));
  }

  return {
    get: (guildId) => read(guildId),
    async change(guildId, change, by) {
      // A connection of its own: WATCH holds for the connection, not the command.
      const watcher = client.duplicate();
      try {
        for (let attempt = 0; attempt < 10; attempt++) {
          await watcher.watch(settingsKey(guildId));
          const outcome = applyChange(await read(guildId, watcher), change);
          if ('refused' in outcome) {
            await watcher.unwatch();
            return outcome;
          }
          const entry = JSON.stringify({ at: by.at, by: by.userId, what: describeChange(change) });
          const done = await watcher
            .multi()
            .set(settingsKey(guildId), JSON.stringify(outcome.settings))
            .lpush(auditKey(guildId), entry)
            .ltrim(auditKey(guildId), 0, maxAuditEntries - 1)
            .exec();
          if (done !== null) return outcome;
        }
        throw new Error('server settings kept changing under this change');
      } finally {
        watcher.disconnect();
      }
    },
    async recentChanges(guildId, limit) {
      const entries = await client.lrange(auditKey(guildId), 0, Math.max(0, limit - 1));
      return entries.map((entry) => JSON.parse(entry) as { at: number; by: string; what: string });
    },
    async spend(guildId, day, limit) {
      const [counted, used] = await client.spendAnswer(countKey(guildId), day, limit, 2 * 86_400);
      return { allowed: counted === 1, used };
    },
    async remove(guildId) {
      await client.del(settingsKey(guildId), auditKey(guildId), countKey(guildId));
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
