import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exportCommand } from '../../../commands/export.js';
import type { CommandContext } from '../../../src/discord/command-view.js';
import type { StoredMemory } from '../../../src/memory/memory-store.js';
import { alice, commandContext, unscripted } from '../../fakes/command-context.js';

/** A context for Alice whose memory only lists (hers, refusing any other id); all else throws. */
function contextListing(memories: StoredMemory[]): { ctx: CommandContext; listed: string[] } {
  const listed: string[] = [];
  const ctx = commandContext({
    place: { kind: 'guild', guildId: '300000000000000001' },
    memory: {
      list: async (userId) => {
        listed.push(userId);
        if (userId !== alice) throw new Error(`asked about someone else: ${userId}`);
        return memories;
      },
      search: unscripted('memory.search'),
      delete: unscripted('memory.delete'),
      deleteAll: unscripted('memory.deleteAll'),
      listEntities: unscripted('memory.listEntities'),
    },
  });
  return { ctx, listed };
}

const exportedAt = new Date('2026-05-06T07:08:09.000Z');

beforeEach(() => {
  vi.useFakeTimers({ now: exportedAt });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('/export', () => {
  it('attaches a JSON file of every memory of the caller: what, when and where', async () => {
    const { ctx, listed } = contextListing([
      {
        id: 'm1',
        text: 'Has a cat named Miso',
        createdAt: '2026-03-04T10:00:00.000Z',
        score: undefined,
        origin: { kind: 'dm', channelId: '900000000000000001' },
      },
      {
        id: 'm2',
        text: 'Plays the cello',
        createdAt: undefined,
        score: undefined,
        origin: undefined,
      },
    ]);

    const view = await exportCommand.run(ctx);

    expect(listed).toEqual([alice]);
    expect(view.file?.name).toBe('wellness0-memories.json');
    expect(JSON.parse(view.file?.contents ?? '')).toEqual({
      exportedAt: '2026-05-06T07:08:09.000Z',
      user: alice,
      memories: [
        {
          id: 'm1',
          text: 'Has a cat named Miso',
          createdAt: '2026-03-04T10:00:00.000Z',
          saidIn: { kind: 'dm', channelId: '900000000000000001' },
        },
        { id: 'm2', text: 'Plays the cello', createdAt: null, saidIn: null },
      ],
    });
  });

  it('says how many memories the file holds and that only the caller can see it', async () => {
    const { ctx } = contextListing([
      { id: 'm1', text: 'a', createdAt: undefined, score: undefined, origin: undefined },
      { id: 'm2', text: 'b', createdAt: undefined, score: undefined, origin: undefined },
    ]);

    const view = await exportCommand.run(ctx);

    expect(view.content).toBe(
      'Here is everything I remember about you (2 memories). Only you can see this file.',
    );
  });

  it('says "1 memory", not "1 memories"', async () => {
    const { ctx } = contextListing([
      { id: 'm1', text: 'a', createdAt: undefined, score: undefined, origin: undefined },
    ]);

    const view = await exportCommand.run(ctx);

    expect(view.content).toContain('(1 memory)');
  });

  it('sends a file with an empty list to someone with no memories', async () => {
    const { ctx } = contextListing([]);

    const view = await exportCommand.run(ctx);

    expect(view.content).toContain('(0 memories)');
    expect(JSON.parse(view.file?.contents ?? '')).toMatchObject({ memories: [] });
  });
});
