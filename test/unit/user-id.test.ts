import { describe, expect, it } from 'vitest';
import {
  isMemoryUserId,
  memoryUserIdForDiscord,
  requireMemoryUserId,
} from '../../src/memory/user-id.js';

describe('memoryUserIdForDiscord', () => {
  it('namespaces a Discord snowflake', () => {
    expect(memoryUserIdForDiscord('123456789012345678')).toBe('discord:123456789012345678');
  });

  it.each(['', ' ', '0', 'abc', '12345', '123456789012345678 ', '123456789012345678:1', '*'])(
    'refuses the malformed id %j',
    (id) => {
      expect(() => memoryUserIdForDiscord(id)).toThrow(/malformed/);
    },
  );
});

describe('requireMemoryUserId', () => {
  it('refuses an empty or unnamespaced id before it can reach mem0', () => {
    for (const id of [
      '',
      'discord:',
      '123456789012345678',
      'discord:1:2',
      'other:123456789012345678',
    ]) {
      expect(isMemoryUserId(id)).toBe(false);
      expect(() => requireMemoryUserId(id)).toThrow();
    }
  });
});
