// A person's short-term state carried from one worker of a split bot to the next: their recent
// conversations, AI-notice schedule, open confirmations and safety settings survive the trip
// (through JSON, as Redis carries them), and an import only ever touches that one person.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { type Core, createCore } from '../../src/core.js';
import { createConversationHistory, historyKey } from '../../src/conversation/history.js';
import { createConfirmations } from '../../src/discord/confirmations.js';
import type { MemoryUserId } from '../../src/memory/user-id.js';
import { createDisclosureSchedule } from '../../src/safety/disclosure.js';
import { silentLogger } from '../fakes/core-fakes.js';
import { testDiscordToken } from '../helpers/harness.js';

const alice = 'discord:111111111111111111' as MemoryUserId;
const bob = 'discord:222222222222222222' as MemoryUserId;
const aliceInDm = historyKey({ userId: alice, placeId: 'dm-1' });
const aliceInServer = historyKey({ userId: alice, placeId: 'channel-9' });
const bobInDm = historyKey({ userId: bob, placeId: 'dm-2' });
const idleMs = 60_000;
/** The time of every history and confirmation here: nothing ages unless made old. */
const at = 1_000_000;

/** Through JSON and back, as the shared state stores a snapshot. */
const viaJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function history() {
  return createConversationHistory({
    maxTurns: 10,
    maxChars: 10_000,
    idleExpiryMs: idleMs,
    maxConversations: 100,
    now: () => at,
  });
}

describe('a conversation history carried to another process', () => {
  it('gives the same recent messages in every place after the trip', () => {
    const source = history();
    source.record(aliceInDm, 'my cat is unwell', 'I am sorry to hear that');
    source.record(aliceInServer, 'hi all', 'hello!');

    const target = history();
    target.importPerson(alice, viaJson(source.exportPerson(alice)));

    expect(target.recent(aliceInDm)).toEqual(source.recent(aliceInDm));
    expect(target.recent(aliceInServer)).toEqual(source.recent(aliceInServer));
    expect(target.size()).toBe(2);
  });

  it("leaves other people's conversations as they were, and replaces the person's own", () => {
    const source = history();
    source.record(aliceInDm, 'new', 'news');
    const target = history();
    target.record(bobInDm, 'bob here', 'hi Bob');
    target.record(aliceInServer, 'stale', 'from an earlier worker');

    target.importPerson(alice, source.exportPerson(alice));

    expect(target.recent(bobInDm)).toEqual([
      { role: 'user', text: 'bob here' },
      { role: 'model', text: 'hi Bob' },
    ]);
    expect(target.recent(aliceInServer)).toEqual([]);
  });

  it("ignores entries of the snapshot that are someone else's conversations", () => {
    const target = history();
    const entry = { lastUsed: at, messages: [{ role: 'user' as const, text: 'planted' }] };

    target.importPerson(alice, [
      [bobInDm, entry],
      // An id that merely starts with the person's.
      [`${alice}0|dm-1`, entry],
      ['dm-1', entry],
    ]);

    expect(target.size()).toBe(0);
  });

  it('drops conversations that have been idle longer than the idle expiry', () => {
    const turn = (text: string) => [
      { role: 'user' as const, text },
      { role: 'model' as const, text: 'ok' },
    ];
    const target = history();

    target.importPerson(alice, [
      [aliceInDm, { lastUsed: at - idleMs - 1, messages: turn('long ago') }],
      [aliceInServer, { lastUsed: at - idleMs, messages: turn('just now') }],
    ]);

    // Not even held until first asked for, where it would take the room of a live conversation.
    expect(target.size()).toBe(1);
    expect(target.recent(aliceInDm)).toEqual([]);
    expect(target.recent(aliceInServer)).toEqual(turn('just now'));
  });

  it('exports a copy: changing it changes nothing in the history', () => {
    const source = history();
    source.record(aliceInDm, 'original', 'reply');

    const exported = source.exportPerson(alice);
    const messages = exported[0]?.[1].messages ?? [];
    messages.push({ role: 'user', text: 'added' });
    if (messages[0]) messages[0].text = 'changed';

    expect(source.recent(aliceInDm)).toEqual([
      { role: 'user', text: 'original' },
      { role: 'model', text: 'reply' },
    ]);
  });
});

describe('an AI-notice schedule carried to another process', () => {
  const minuteMs = 60_000;
  const keys = [aliceInDm, aliceInServer, bobInDm];
  // Early in the epoch, so that "never disclosed" read back as 0 would not be due.
  const scheduleAt = (clock: { ms: number }) =>
    createDisclosureSchedule({ idleMs: 30 * minuteMs, now: () => clock.ms });
  const dueEverywhere = (schedule: ReturnType<typeof scheduleAt>) =>
    keys.map((key) => [schedule.due(key, { minor: false }), schedule.due(key, { minor: true })]);

  it('is due for the same notices after a trip through JSON, a never-disclosed one included', () => {
    const clock = { ms: 60 * minuteMs };
    const source = scheduleAt(clock);
    source.replied(aliceInDm, { disclosed: true, breakReminded: false });
    source.replied(aliceInServer, { disclosed: false, breakReminded: false });
    clock.ms += 20 * minuteMs;

    const exported = source.exportPerson(alice);
    const target = scheduleAt(clock);
    target.importPerson(alice, viaJson(exported));

    expect(exported.find(([key]) => key === aliceInServer)?.[1].lastDisclosedAt).toBeNull();
    expect(dueEverywhere(target)).toEqual(dueEverywhere(source));
    expect(target.due(aliceInServer, { minor: false })).toBe('three-hours');
  });

  it("leaves other people's schedules as they were, whatever the snapshot says of them", () => {
    const t = 60 * minuteMs;
    const target = scheduleAt({ ms: t });
    target.replied(bobInDm, { disclosed: true, breakReminded: false });
    // Planted in Alice's snapshot: Bob's conversation as if long over, so due to start again.
    const longOver = { lastReplyAt: 0, lastDisclosedAt: null, lastBreakReminderAt: 0 };

    target.importPerson(alice, [[bobInDm, longOver]]);

    expect(target.due(bobInDm, { minor: false })).toBeUndefined();
    expect(target.exportPerson(alice)).toEqual([]);
  });
});

describe('confirmations carried to another process', () => {
  const owner = '200000000000000001';
  const other = '200000000000000002';
  const ttlMs = 15 * 60_000;

  it("lets the owner take a value kept by the other process's instance", () => {
    const source = createConfirmations({ now: () => at });
    const key = source.remember(owner, ['memory 1']);

    const target = createConfirmations({ now: () => at });
    target.importOwner(owner, viaJson(source.exportOwner(owner)));

    expect(target.take(owner, key)).toEqual(['memory 1']);
  });

  it('does not import values that have expired', () => {
    const target = createConfirmations({ ttlMs, now: () => at });
    target.remember(other, 'kept first, still fresh');

    target.importOwner(owner, [['expired-key', 'too late', at - ttlMs]]);

    expect(target.exportOwner(owner)).toEqual([]);
    expect(target.take(owner, 'expired-key')).toBeUndefined();
  });

  it("keeps each owner's values theirs across the trip", () => {
    const source = createConfirmations({ now: () => at });
    const ownersKey = source.remember(owner, 'owner value');
    const target = createConfirmations({ now: () => at });
    const othersKey = target.remember(other, 'other value');

    target.importOwner(owner, source.exportOwner(owner));

    expect(target.take(other, ownersKey)).toBeUndefined();
    expect(target.take(owner, othersKey)).toBeUndefined();
    expect(target.take(other, othersKey)).toBe('other value');
    expect(target.take(owner, ownersKey)).toBe('owner value');
  });

  it("replaces the owner's own earlier values", () => {
    const target = createConfirmations({ now: () => at });
    const earlier = target.remember(owner, 'from an earlier visit');

    target.importOwner(owner, [['new-key', 'current', at]]);

    expect(target.take(owner, earlier)).toBeUndefined();
    expect(target.take(owner, 'new-key')).toBe('current');
  });
});

describe("a core's safety settings carried to another core", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  /** Where memory and Gemini point: a server that only counts requests, as none may be made. */
  const upstream = { requests: 0, url: '' };
  let source: Core;
  let target: Core;

  function startCore(): Core {
    const dataDir = mkdtempSync(join(tmpdir(), 'wellness0-snapshot-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const parsed = parseConfig(
      {
        DISCORD_TOKEN: testDiscordToken,
        GEMINI_API_KEY: 'snapshot-gemini-key-0123456789',
        GOOGLE_GEMINI_BASE_URL: upstream.url,
        MEM0_API_KEY: 'snapshot-mem0-key-0123456789',
        MEM0_HOST: upstream.url,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
      },
      { cwd: process.cwd() },
    );
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const core = createCore(parsed.config, silentLogger);
    core.start();
    cleanups.push(() => core.close(1_000));
    return core;
  }

  beforeEach(async () => {
    upstream.requests = 0;
    const server = createServer((_request, response) => {
      upstream.requests += 1;
      response.writeHead(503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    source = startCore();
    target = startCore();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('gives the other core the same region, locale and age, without a request to any service', () => {
    source.safety.update(alice, { region: 'GB', locale: 'en-GB', minor: true });
    target.safety.update(bob, { region: 'US', minor: false });

    const snapshot = viaJson(source.exportPerson(alice));
    target.importPerson(alice, snapshot);

    expect(snapshot.safety).toEqual({ region: 'GB', locale: 'en-GB', minor: true });
    expect(target.safety.get(alice)).toEqual({ region: 'GB', locale: 'en-GB', minor: true });
    expect(target.safety.get(bob)).toEqual({ region: 'US', locale: undefined, minor: false });
    expect(upstream.requests).toBe(0);
  });

  it("clears the other core's settings of the person when the snapshot has none", () => {
    target.safety.update(alice, { region: 'DE', minor: true });

    target.importPerson(alice, viaJson(source.exportPerson(alice)));

    expect(target.safety.get(alice)).toEqual({
      region: undefined,
      locale: undefined,
      minor: false,
    });
  });
});
