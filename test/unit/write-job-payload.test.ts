import { describe, expect, it } from 'vitest';
import type { MemoryWriteJob } from '../../src/memory/memory-store.js';
import type { MemoryUserId } from '../../src/memory/user-id.js';
import { decodeJob, encodeJobPayload } from '../../src/memory/write-job-payload.js';

const alice = 'discord:111111111111111111' as MemoryUserId;

describe('encodeJobPayload', () => {
  it('keeps only the role and content of each message, and the origin', () => {
    const messages = [{ role: 'user' as const, content: 'hi', extra: 'dropped' }];
    expect(JSON.parse(encodeJobPayload({ messages, origin: { kind: 'dm' } }))).toEqual({
      messages: [{ role: 'user', content: 'hi' }],
      origin: { kind: 'dm' },
    });
  });

  it('reads back as the job it was', () => {
    const job: MemoryWriteJob = {
      userId: alice,
      messages: [
        { role: 'user', content: 'my cat is called Miso' },
        { role: 'assistant', content: 'Miso is a lovely name.' },
      ],
      origin: {
        kind: 'guild',
        guildId: '500000000000000001',
        channelId: '600000000000000002',
        audienceChannelId: '600000000000000001',
      },
    };
    expect(decodeJob(alice, encodeJobPayload(job))).toEqual({ job });
  });
});

describe('decodeJob', () => {
  // Each row: what it shows, the row's user id and payload, and why it is dropped.
  const dropped: Array<[string, string, string, string]> = [
    [
      'a row of an id that is not a person',
      'alice',
      '{"messages":[],"origin":{"kind":"dm"}}',
      'bad user id',
    ],
    ['a payload that is not JSON', alice, '{"messages": [private words', 'payload is not JSON'],
    [
      'messages that are not a list',
      alice,
      '{"messages":"hi","origin":{"kind":"dm"}}',
      'payload has the wrong shape',
    ],
    [
      'a message of an unknown role',
      alice,
      '{"messages":[{"role":"system","content":"x"}],"origin":{"kind":"dm"}}',
      'payload has the wrong shape',
    ],
    [
      'an origin of an unknown kind',
      alice,
      '{"messages":[],"origin":{"kind":"email"}}',
      'payload has the wrong shape',
    ],
    ['no origin', alice, '{"messages":[]}', 'payload has the wrong shape'],
  ];
  it.each(dropped)('drops %s', (_name, userId, payload, dropReason) => {
    expect(decodeJob(userId, payload)).toEqual({ dropReason });
  });

  it('never quotes the payload in its reason', () => {
    expect(JSON.stringify(decodeJob(alice, '{"messages": [private words'))).not.toContain(
      'private',
    );
  });

  it('gives a server job without an audience the channel it was said in', () => {
    const payload = '{"messages":[],"origin":{"kind":"guild","guildId":"5","channelId":"6"}}';
    expect(decodeJob(alice, payload)).toEqual({
      job: {
        userId: alice,
        messages: [],
        origin: { kind: 'guild', guildId: '5', channelId: '6', audienceChannelId: '6' },
      },
    });
  });

  it('leaves a server job without an audience or a channel to be refused when written', () => {
    const payload = '{"messages":[],"origin":{"kind":"guild","guildId":"5"}}';
    expect(decodeJob(alice, payload)).toEqual({
      job: { userId: alice, messages: [], origin: { kind: 'guild', guildId: '5' } },
    });
  });
});
