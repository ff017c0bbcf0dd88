import { describe, expect, it } from 'vitest';
import { memoriesCommand } from '../../../commands/memories.js';
import type { CommandContext, CommandView } from '../../../src/discord/command-view.js';
import type { StoredMemory } from '../../../src/memory/memory-store.js';
import { alice, commandContext, unscripted } from '../../fakes/command-context.js';

/**
 * The caller's memories in RAM: records list and delete calls, refuses any other person's id,
 * and throws on every other call (/memories only lists and deletes).
 */
class RecordingMemory {
  readonly calls: string[] = [];
  readonly search = unscripted('memory.search');
  readonly deleteAll = unscripted('memory.deleteAll');
  readonly listEntities = unscripted('memory.listEntities');

  constructor(
    private readonly owner: string,
    readonly memories: StoredMemory[],
  ) {}

  async list(userId: string): Promise<StoredMemory[]> {
    this.calls.push('list');
    this.mustBeOwner(userId);
    return [...this.memories];
  }

  async delete(userId: string, memoryId: string): Promise<boolean> {
    this.calls.push(`delete ${memoryId}`);
    this.mustBeOwner(userId);
    const index = this.memories.findIndex((m) => m.id === memoryId);
    if (index < 0) return false;
    this.memories.splice(index, 1);
    return true;
  }

  private mustBeOwner(userId: string): void {
    if (userId !== this.owner) throw new Error(`asked about someone else: ${userId}`);
  }
}

function memory(id: string, extra: Partial<StoredMemory> = {}): StoredMemory {
  return {
    id,
    text: `memory ${id}`,
    createdAt: undefined,
    score: undefined,
    origin: undefined,
    ...extra,
  };
}

/** A context for Alice in a DM whose every part but `memory` throws when used. */
function contextWith(memories: StoredMemory[]): { ctx: CommandContext; store: RecordingMemory } {
  const store = new RecordingMemory(alice, memories);
  const ctx = commandContext({ memory: store });
  return { ctx, store };
}

function memories(count: number): StoredMemory[] {
  return Array.from({ length: count }, (_, i) => memory(`m${i + 1}`));
}

/** Each row of buttons as `label (action arg)`, with `[off]` for a disabled one. */
function buttons(view: CommandView): string[][] {
  return (view.buttons ?? []).map((row) =>
    row.map(
      (b) => `${b.label} (${b.action} ${b.arg ?? '-'})${b.disabled === true ? ' [off]' : ''}`,
    ),
  );
}

describe('/memories', () => {
  it('says it remembers nothing yet, with no buttons, to someone with no memories', async () => {
    const { ctx } = contextWith([]);

    const view = await memoriesCommand.run(ctx);

    expect(view.content).toMatch(/^I don't remember anything about you yet\./);
    expect(view.buttons).toBeUndefined();
  });

  it('shows the first five memories, numbered, with how many there are in all', async () => {
    const { ctx } = contextWith(memories(7));

    const view = await memoriesCommand.run(ctx);

    expect(view.content.split('\n')).toEqual([
      'Here is what I remember about you (7 in all, page 1 of 2). Only you can see this.',
      '',
      '**1.** memory m1 — *undated, somewhere unrecorded*',
      '**2.** memory m2 — *undated, somewhere unrecorded*',
      '**3.** memory m3 — *undated, somewhere unrecorded*',
      '**4.** memory m4 — *undated, somewhere unrecorded*',
      '**5.** memory m5 — *undated, somewhere unrecorded*',
    ]);
  });

  it('says when and where each memory was said', async () => {
    const { ctx } = contextWith([
      memory('a', { createdAt: '2026-03-04T10:00:00.000Z', origin: { kind: 'dm' } }),
      memory('b', { origin: { kind: 'guild', guildId: '300000000000000001' } }),
    ]);

    const view = await memoriesCommand.run(ctx);

    expect(view.content).toContain('**1.** memory a — *2026-03-04, in a DM*');
    expect(view.content).toContain('**2.** memory b — *undated, in server 300000000000000001*');
  });

  it('puts a delete button under each memory shown, and only Next enabled on the first page', async () => {
    const { ctx } = contextWith(memories(7));

    const view = await memoriesCommand.run(ctx);

    expect(buttons(view)).toEqual([
      [
        'Delete 1 (delete 0:m1)',
        'Delete 2 (delete 0:m2)',
        'Delete 3 (delete 0:m3)',
        'Delete 4 (delete 0:m4)',
        'Delete 5 (delete 0:m5)',
      ],
      ['Previous (page -1) [off]', 'Next (page 1)'],
    ]);
  });

  it('turns to the next page, numbering its memories from one, with only Previous enabled on the last', async () => {
    const { ctx } = contextWith(memories(7));

    const view = await memoriesCommand.press(ctx, 'page', '1');

    expect(view.content).toContain('(7 in all, page 2 of 2)');
    expect(view.content).toContain('**1.** memory m6');
    expect(view.content).toContain('**2.** memory m7');
    expect(view.content).not.toContain('memory m5');
    expect(buttons(view)).toEqual([
      ['Delete 1 (delete 1:m6)', 'Delete 2 (delete 1:m7)'],
      ['Previous (page 0)', 'Next (page 2) [off]'],
    ]);
  });

  it('shows the last page for a page past the end, and the first for one before the start', async () => {
    const { ctx } = contextWith(memories(7));

    const past = await memoriesCommand.press(ctx, 'page', '9');
    const before = await memoriesCommand.press(ctx, 'page', '-3');

    expect(past.content).toContain('page 2 of 2');
    expect(before.content).toContain('page 1 of 2');
  });

  it('deletes the pressed memory of the caller, says so, and shows the same page again', async () => {
    const { ctx, store } = contextWith(memories(7));

    const view = await memoriesCommand.press(ctx, 'delete', '1:m6');

    expect(store.calls).toEqual(['delete m6', 'list']);
    expect(store.memories.map((m) => m.id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm7']);
    expect(view.content.split('\n').slice(0, 3)).toEqual([
      'Deleted. I no longer remember that.',
      '',
      'Here is what I remember about you (6 in all, page 2 of 2). Only you can see this.',
    ]);
    expect(view.content).toContain('**1.** memory m7');
  });

  it('says a memory was already gone when its delete button is pressed again', async () => {
    const { ctx } = contextWith(memories(2));
    await memoriesCommand.press(ctx, 'delete', '0:m1');

    const again = await memoriesCommand.press(ctx, 'delete', '0:m1');

    expect(again.content).toMatch(/^That memory was already gone\.\n\n/);
    expect(again.content).toContain('(1 in all, page 1 of 1)');
  });

  it('goes back a page when the last memory of the last page is deleted', async () => {
    const { ctx } = contextWith(memories(6));

    const view = await memoriesCommand.press(ctx, 'delete', '1:m6');

    expect(view.content).toContain('(5 in all, page 1 of 1)');
    expect(view.content).toContain('**5.** memory m5');
  });

  it('says nothing is left, with the note, when the only memory is deleted', async () => {
    const { ctx } = contextWith(memories(1));

    const view = await memoriesCommand.press(ctx, 'delete', '0:m1');

    expect(view.content).toMatch(
      /^Deleted\. I no longer remember that\.\n\nI don't remember anything about you yet\./,
    );
    expect(view.buttons).toBeUndefined();
  });
});
