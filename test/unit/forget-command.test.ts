import { afterEach, describe, expect, it, vi } from 'vitest';
import { forgetCommand } from '../../commands/forget.js';
import type { CommandContext } from '../../src/discord/command-view.js';
import type { MemoryUserId } from '../../src/memory/user-id.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A context whose memories are all gone but whose store keeps `entities` whatever is deleted. */
function contextKeeping(entities: string[]): CommandContext {
  const unscripted = () => {
    throw new Error('unscripted call');
  };
  return {
    userId: 'discord:200000000000000001' as MemoryUserId,
    place: { kind: 'dm' },
    memory: {
      list: async () => [],
      search: async () => [],
      delete: async () => false,
      deleteAll: async () => {},
      listEntities: async () => entities,
    },
    forgetShortTerm: async () => {},
    remember: unscripted,
    recall: unscripted,
    safety: {
      settings: unscripted,
      update: unscripted,
      forget: () => {},
      lines: unscripted,
      regions: unscripted,
      rememberWithheld: unscripted,
      policyUrl: undefined,
    },
  };
}

describe('/forget everything', () => {
  it('says honestly that something is still stored when entities of the person are left', async () => {
    vi.useFakeTimers();
    const pressed = forgetCommand.press(contextKeeping(['Quillbrook']), 'everything', undefined);
    await vi.runAllTimersAsync();
    const view = await pressed;

    expect(view.content).toMatch(/still stored/);
    expect(view.content).toContain('Quillbrook');
  });
});
