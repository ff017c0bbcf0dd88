import { describe, expect, it } from 'vitest';
import type { MemoryOrigin } from '../../src/memory/memory-store.js';
import { memorySession, recallSession } from '../../src/memory/scope.js';

const serverId = '123456789012345678';
const otherServerId = '876543210987654321';

describe('memorySession', () => {
  it('writes DMs and the terminal into the private sessions', () => {
    expect(memorySession({ kind: 'dm', channelId: '1' })).toBe('dm');
    expect(memorySession({ kind: 'terminal' })).toBe('terminal');
  });

  it('writes each server into its own session', () => {
    expect(memorySession({ kind: 'guild', guildId: serverId, channelId: '1' })).toBe(
      `guild-${serverId}`,
    );
    expect(memorySession({ kind: 'guild', guildId: otherServerId })).toBe(`guild-${otherServerId}`);
  });
});

describe('recallSession', () => {
  it('recalls all of a person’s memories in a DM', () => {
    expect(recallSession({ kind: 'dm', channelId: '1' })).toBeUndefined();
  });

  it('recalls all of a person’s memories in the terminal', () => {
    expect(recallSession({ kind: 'terminal' })).toBeUndefined();
  });

  it('recalls only the memories made in the same server in a server channel', () => {
    const here = recallSession({ kind: 'guild', guildId: serverId, channelId: '1' });

    expect(here).toBe(memorySession({ kind: 'guild', guildId: serverId }));
    expect(here).not.toBe(memorySession({ kind: 'dm' }));
    expect(here).not.toBe(memorySession({ kind: 'guild', guildId: otherServerId }));
  });

  it('recalls the same server session from any channel of that server', () => {
    expect(recallSession({ kind: 'guild', guildId: serverId, channelId: '1' })).toBe(
      recallSession({ kind: 'guild', guildId: serverId, channelId: '2' }),
    );
  });

  it.each<[string, MemoryOrigin]>([
    ['a missing server id', { kind: 'guild' }],
    ['an empty server id', { kind: 'guild', guildId: '' }],
    ['a server id that is not a snowflake', { kind: 'guild', guildId: 'my-server' }],
    ['a server id that is too short', { kind: 'guild', guildId: '1234' }],
    ['a server id with a wildcard', { kind: 'guild', guildId: `${serverId}*` }],
  ])('refuses a server origin with %s rather than recalling everything', (_, origin) => {
    expect(() => recallSession(origin)).toThrow(/valid server id/);
    expect(() => memorySession(origin)).toThrow(/valid server id/);
  });
});
