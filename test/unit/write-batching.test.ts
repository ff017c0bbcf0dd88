import { describe, expect, it } from 'vitest';
import type { MemoryWriteJob } from '../../src/memory/memory-store.js';
import type { MemoryOrigin } from '../../src/memory/memory-store.js';
import type { MemoryUserId } from '../../src/memory/user-id.js';
import {
  type BatchLimits,
  dueAt,
  mergeJobs,
  messageChars,
  scopeKey,
  takeBatch,
  type WaitingGroup,
} from '../../src/memory/write-batching.js';

const alice = 'discord:111111111111111111' as MemoryUserId;
const guildId = '500000000000000001';
const general = '600000000000000001';
const random = '600000000000000002';

describe('scopeKey', () => {
  const table: Array<[string, MemoryOrigin, string]> = [
    ['keys a DM by its memory session', { kind: 'dm', channelId: '700000000000000001' }, 'dm'],
    ['keys the terminal by its own session', { kind: 'terminal' }, 'terminal'],
    [
      'keys a server channel by its audience',
      { kind: 'guild', guildId, channelId: '800000000000000009', audienceChannelId: general },
      `guild-${guildId}-channel-${general}`,
    ],
    [
      'keys an origin mem0 would refuse apart from every other',
      { kind: 'guild', guildId: 'not-a-snowflake', audienceChannelId: general },
      `invalid:{"kind":"guild","guildId":"not-a-snowflake","audienceChannelId":"${general}"}`,
    ],
  ];
  it.each(table)('%s', (_name, origin, expected) => {
    expect(scopeKey(origin)).toBe(expected);
  });
});

describe('messageChars', () => {
  it('counts the characters of every message', () => {
    expect(
      messageChars([
        { role: 'user', content: 'abc' },
        { role: 'assistant', content: 'de' },
      ]),
    ).toBe(5);
  });

  it('counts nothing for no messages', () => {
    expect(messageChars([])).toBe(0);
  });
});

describe('dueAt', () => {
  const limits: BatchLimits = { batchWindowMs: 1_000, maxJobsPerBatch: 3, maxBatchChars: 100 };
  const group = (fields: Partial<WaitingGroup>): WaitingGroup => ({
    userId: alice,
    scope: 'dm',
    headId: 10,
    waiting: 1,
    chars: 10,
    oldestAt: 5_000,
    nextAttemptAt: 5_000,
    ...fields,
  });
  // Each row: what it shows, the group, the id flushed through, and when the group is due.
  const table: Array<[string, WaitingGroup, number, number]> = [
    ['waits a window after its oldest job', group({}), 0, 6_000],
    ['waits out a backoff longer than its window', group({ nextAttemptAt: 9_000 }), 0, 9_000],
    ['is due at once when it has the most jobs a batch takes', group({ waiting: 3 }), 0, 5_000],
    [
      'is due at once when it has the most characters a batch takes',
      group({ chars: 100 }),
      0,
      5_000,
    ],
    ['is due at once when its oldest job was flushed', group({ headId: 10 }), 10, 5_000],
    ['waits its window when only older jobs were flushed', group({ headId: 11 }), 10, 6_000],
    [
      'still waits out its backoff when full',
      group({ waiting: 3, nextAttemptAt: 9_000 }),
      0,
      9_000,
    ],
    ['still waits out its backoff when flushed', group({ nextAttemptAt: 9_000 }), 10, 9_000],
  ];
  it.each(table)('%s', (_name, waiting, flushedThroughId, expected) => {
    expect(dueAt({ group: waiting, limits, flushedThroughId })).toBe(expected);
  });

  it('is due when enqueued with a window of 0', () => {
    expect(
      dueAt({ group: group({}), limits: { ...limits, batchWindowMs: 0 }, flushedThroughId: 0 }),
    ).toBe(5_000);
  });
});

describe('takeBatch', () => {
  const rows = (...chars: number[]) => chars.map((each, id) => ({ id, chars: each }));
  // Each row: what it shows, the oldest jobs' characters, the limits, and the ids taken.
  const table: Array<[string, number[], number, number, number[]]> = [
    ['takes every job that fits', [10, 20, 30], 6, 100, [0, 1, 2]],
    ['takes at most the most jobs per batch', [10, 20, 30], 2, 100, [0, 1]],
    ['stops before the job that would pass the character cap', [40, 50, 20], 6, 100, [0, 1]],
    ['takes a job that reaches the cap exactly', [40, 60, 1], 6, 100, [0, 1]],
    ['keeps order: a small job after a big one waits too', [90, 20, 5], 6, 100, [0]],
    ['takes a first job bigger than the cap, alone', [250, 5], 6, 100, [0]],
    ['takes nothing from nothing', [], 6, 100, []],
  ];
  it.each(table)('%s', (_name, chars, maxJobsPerBatch, maxBatchChars, ids) => {
    expect(
      takeBatch(rows(...chars), { maxJobsPerBatch, maxBatchChars }).map((row) => row.id),
    ).toEqual(ids);
  });
});

describe('mergeJobs', () => {
  const said = (text: string, origin: MemoryOrigin): MemoryWriteJob => ({
    userId: alice,
    messages: [
      { role: 'user', content: text },
      { role: 'assistant', content: `re: ${text}` },
    ],
    origin,
  });
  const inChannel = (channelId: string): MemoryOrigin => ({
    kind: 'guild',
    guildId,
    channelId,
    audienceChannelId: general,
  });

  it('merges nothing into no write', () => {
    expect(mergeJobs([])).toBeUndefined();
  });

  it('writes a single job as it is', () => {
    const only = said('one', inChannel(general));
    expect(mergeJobs([only])).toBe(only);
  });

  // Each row: what it shows, the jobs' origins, and the merged write's origin.
  const table: Array<[string, MemoryOrigin[], MemoryOrigin]> = [
    [
      'keeps the channel they share',
      [inChannel(general), inChannel(general)],
      { kind: 'guild', guildId, channelId: general, audienceChannelId: general },
    ],
    [
      'names no channel when they were said in different ones',
      [inChannel(general), inChannel(random)],
      { kind: 'guild', guildId, audienceChannelId: general },
    ],
    [
      'names no channel when one of them has none',
      [inChannel(general), { kind: 'guild', guildId, audienceChannelId: general }],
      { kind: 'guild', guildId, audienceChannelId: general },
    ],
    ['keeps a DM without a channel as it is', [{ kind: 'dm' }, { kind: 'dm' }], { kind: 'dm' }],
  ];
  it.each(table)('%s', (_name, origins, expected) => {
    const merged = mergeJobs(origins.map((origin, i) => said(`${i}`, origin)));
    expect(merged?.origin).toEqual(expected);
  });

  it("joins the jobs' messages in order, for their one person", () => {
    const merged = mergeJobs([said('one', { kind: 'dm' }), said('two', { kind: 'dm' })]);
    expect(merged?.userId).toBe(alice);
    expect(merged?.messages.map((message) => message.content)).toEqual([
      'one',
      're: one',
      'two',
      're: two',
    ]);
  });
});
