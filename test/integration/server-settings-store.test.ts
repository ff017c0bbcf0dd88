// Both stores of servers' settings (SQLite in one process, Redis for a split bot), held to the
// same contract: changes and their audit, bounds, the daily answer count, removal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisServerSettings } from '../../src/scale/redis-server-settings.js';
import {
  applyChange,
  budgetDay,
  defaultServerSettings,
  settingsFrom,
  talksIn,
} from '../../src/servers/server-settings.js';
import type { ServerSettingsStore } from '../../src/servers/server-settings-store.js';
import { createSqliteServerSettings } from '../../src/servers/sqlite-server-settings.js';
import { type RedisServer, redisTestsEnabled, startRedis } from '../helpers/redis.js';

const guild = '400000000000000001';
const other = '400000000000000002';
const by = { userId: '200000000000000009', at: Date.parse('2026-12-03T10:00:00Z') };

describe('server settings', () => {
  it('bounds what admins set, and reads anything malformed as the default', () => {
    const long = 'x'.repeat(501);
    expect(applyChange(defaultServerSettings, { kind: 'persona', text: long })).toHaveProperty(
      'refused',
    );
    expect(
      applyChange(defaultServerSettings, { kind: 'daily-answers', answers: 0 }),
    ).toHaveProperty('refused');
    expect(
      applyChange(defaultServerSettings, { kind: 'daily-answers', answers: 1.5 }),
    ).toHaveProperty('refused');
    let settings = defaultServerSettings;
    for (let i = 0; i < 5; i++) {
      const next = applyChange(settings, {
        kind: 'crisis-line',
        line: { name: `l${i}`, contact: 'c' },
      });
      if ('refused' in next) throw new Error(next.refused);
      settings = next.settings;
    }
    expect(
      applyChange(settings, { kind: 'crisis-line', line: { name: 'l6', contact: 'c' } }),
    ).toHaveProperty('refused');
    expect(settingsFrom({ channelMode: 'nowhere', memory: 'maybe', dailyAnswers: -3 })).toEqual(
      defaultServerSettings,
    );
  });

  it('talks everywhere, only in listed channels, or except them', () => {
    const listed = { ...defaultServerSettings, channelIds: ['1'] };
    expect(talksIn({ ...listed, channelMode: 'everywhere' }, '2')).toBe(true);
    expect(talksIn({ ...listed, channelMode: 'only' }, '1')).toBe(true);
    expect(talksIn({ ...listed, channelMode: 'only' }, '2')).toBe(false);
    expect(talksIn({ ...listed, channelMode: 'except' }, '1')).toBe(false);
    expect(talksIn({ ...listed, channelMode: 'except' }, '2')).toBe(true);
  });

  it('counts a day in UTC', () => {
    expect(budgetDay(Date.parse('2026-12-03T23:59:59Z'))).toEqual({
      day: '2026-12-03',
      resetsAt: Date.parse('2026-12-04T00:00:00Z'),
    });
  });
});

function contract(name: string, open: () => Promise<ServerSettingsStore>) {
  describe(name, () => {
    let store: ServerSettingsStore;
    afterEach(async () => {
      await store.close();
    });

    it('keeps changes apart per server, with their audit, newest first and capped', async () => {
      store = await open();
      await store.change(guild, { kind: 'memory', memory: 'off' }, by);
      const refused = await store.change(guild, { kind: 'persona', text: 'x'.repeat(600) }, by);
      expect(refused).toHaveProperty('refused');
      expect((await store.get(guild)).memory).toBe('off');
      expect((await store.get(other)).memory).toBe('on');
      for (let i = 1; i <= 60; i++) {
        await store.change(guild, { kind: 'daily-answers', answers: i }, { ...by, at: by.at + i });
      }
      const changes = await store.recentChanges(guild, 100);
      expect(changes).toHaveLength(50);
      expect(changes[0]).toEqual({
        at: by.at + 60,
        by: by.userId,
        what: 'daily budget 60 answers',
      });
      expect(await store.recentChanges(other, 5)).toEqual([]);
    });

    it('counts answers per day up to the limit, and starts again the next day', async () => {
      store = await open();
      expect(await store.spend(guild, '2026-12-03', 2)).toEqual({ allowed: true, used: 1 });
      expect(await store.spend(guild, '2026-12-03', 2)).toEqual({ allowed: true, used: 2 });
      expect(await store.spend(guild, '2026-12-03', 2)).toEqual({ allowed: false, used: 2 });
      expect(await store.spend(other, '2026-12-03', 2)).toEqual({ allowed: true, used: 1 });
      expect(await store.spend(guild, '2026-12-04', 2)).toEqual({ allowed: true, used: 1 });
    });

    it('deletes everything of a server removed, and nothing of another', async () => {
      store = await open();
      await store.change(guild, { kind: 'minors-space', on: true }, by);
      await store.change(other, { kind: 'minors-space', on: true }, by);
      await store.spend(guild, '2026-12-03', 1);
      await store.remove(guild);
      expect(await store.get(guild)).toEqual(defaultServerSettings);
      expect(await store.recentChanges(guild, 5)).toEqual([]);
      expect(await store.spend(guild, '2026-12-03', 1)).toEqual({ allowed: true, used: 1 });
      expect((await store.get(other)).minorsSpace).toBe(true);
    });
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
contract('the SQLite store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wellness0-server-settings-'));
  dirs.push(dir);
  return createSqliteServerSettings({ path: join(dir, 'server-settings.db') });
});

describe.runIf(redisTestsEnabled())('on Redis', () => {
  let redis: RedisServer;
  let namespaces = 0;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  contract('the Redis store', async () =>
    createRedisServerSettings({ redisUrl: redis.url, namespace: `servers-${++namespaces}` }),
  );
});
