import { describe, expect, it } from 'vitest';
import type { MemoryOrigin } from '../../src/memory/memory-store.js';
import { memorySession, recallSession } from '../../src/memory/scope.js';

const serverId = '123456789012345678';
const otherServerId = '876543210987654321';
const channelId = '223456789012345678';
const otherChannelId = '323456789012345678';
const threadId = '423456789012345678';

describe('memorySession', () => {
  it('writes DMs and the terminal into the private sessions', () => {
    expect(memorySession({ kind: 'dm', channelId: '1' })).toBe('dm');
    expect(memorySession({ kind: 'terminal' })).toBe('terminal');
  });

  it('writes each server channel into its own session', () => {
    expect(
      memorySession({
        kind: 'guild',
        guildId: serverId,
        channelId: threadId,
        audienceChannelId: channelId,
      }),
    ).toBe(`guild-${serverId}-channel-${channelId}`);
    expect(inChannel(otherServerId, otherChannelId)).not.toBe(inChannel(serverId, channelId));
  });
});

/** An origin in a server channel whose audience is `audienceChannelId`. */
function at(guildId: string, audienceChannelId: string, channel = audienceChannelId): MemoryOrigin {
  return { kind: 'guild', guildId, channelId: channel, audienceChannelId };
}

function inChannel(guildId: string, audienceChannelId: string): string | undefined {
  return recallSession(at(guildId, audienceChannelId));
}

describe('recallSession', () => {
  it('recalls all of a person’s memories in a DM', () => {
    expect(recallSession({ kind: 'dm', channelId: '1' })).toBeUndefined();
  });

  it('recalls all of a person’s memories in the terminal', () => {
    expect(recallSession({ kind: 'terminal' })).toBeUndefined();
  });

  it('recalls in a server channel only what was said to the same channel', () => {
    const here = inChannel(serverId, channelId);

    expect(here).toBe(memorySession(at(serverId, channelId)));
    expect(here).not.toBe(memorySession({ kind: 'dm' }));
    expect(here).not.toBe(memorySession(at(serverId, otherChannelId)));
    expect(here).not.toBe(memorySession(at(otherServerId, channelId)));
  });

  it('recalls the same session in a public thread as in its parent channel', () => {
    expect(recallSession(at(serverId, channelId, threadId))).toBe(inChannel(serverId, channelId));
  });

  it('never recalls memories a server kept before channels had sessions', () => {
    expect(inChannel(serverId, channelId)).not.toBe(`guild-${serverId}`);
  });

  it.each<[string, MemoryOrigin]>([
    ['a missing server id', { kind: 'guild', audienceChannelId: channelId }],
    ['an empty server id', { kind: 'guild', guildId: '', audienceChannelId: channelId }],
    ['a server id that is not a snowflake', at('my-server', channelId)],
    ['a server id that is too short', at('1234', channelId)],
    ['a server id with a wildcard', at(`${serverId}*`, channelId)],
  ])('refuses a server origin with %s rather than recalling everything', (_, origin) => {
    expect(() => recallSession(origin)).toThrow(/valid server id/);
    expect(() => memorySession(origin)).toThrow(/valid server id/);
  });

  it.each<[string, MemoryOrigin]>([
    ['no channel', { kind: 'guild', guildId: serverId, channelId }],
    ['a channel id that is not a snowflake', at(serverId, 'general')],
  ])('refuses a server origin with %s rather than recalling the whole server', (_, origin) => {
    expect(() => recallSession(origin)).toThrow(/valid channel id/);
    expect(() => memorySession(origin)).toThrow(/valid channel id/);
  });
});
