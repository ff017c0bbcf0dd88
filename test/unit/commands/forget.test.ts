import { describe, expect, it } from 'vitest';
import { forgetCommand } from '../../../commands/forget.js';
import type { CommandContext, CommandView } from '../../../src/discord/command-view.js';
import type { MemoryOrigin, StoredMemory } from '../../../src/memory/memory-store.js';
import { memoryUserIdForDiscord } from '../../../src/memory/user-id.js';
import { createManualClock, type ManualClock } from '../../fakes/manual-clock.js';

const alice = memoryUserIdForDiscord('200000000000000001');

function unscripted(name: string): () => never {
  return () => {
    throw new Error(`unscripted call: ${name}`);
  };
}

/**
 * The caller's memories in RAM, like mem0 while it is still processing: a memory in `lag`
 * survives that many more deletes. Every call goes to the shared `log`; any other person's id throws.
 */
class LaggingMemory {
  readonly lag = new Map<string, number>();
  entities: string[] = [];
  /** When each deleteAll came, in ms since the test's start (on the test's clock). */
  readonly deleteAllAtMs: number[] = [];
  private readonly startedAt: number;

  constructor(
    private readonly log: string[],
    readonly memories: StoredMemory[],
    private readonly clock: ManualClock,
  ) {
    this.startedAt = clock.now();
  }

  async list(userId: string): Promise<StoredMemory[]> {
    this.record(userId, 'list');
    return [...this.memories];
  }

  async search(
    userId: string,
    query: string,
    options: { limit: number; origin: MemoryOrigin },
  ): Promise<StoredMemory[]> {
    this.record(userId, `search "${query}" (${options.limit}, ${options.origin.kind})`);
    const words = new Set(query.toLowerCase().split(/\W+/).filter(Boolean));
    return this.memories
      .filter((m) =>
        m.text
          .toLowerCase()
          .split(/\W+/)
          .some((w) => words.has(w)),
      )
      .slice(0, options.limit)
      .map((m) => ({ ...m, score: 0.9 }));
  }

  async delete(userId: string, memoryId: string): Promise<boolean> {
    this.record(userId, `delete ${memoryId}`);
    const memory = this.memories.find((m) => m.id === memoryId);
    if (memory === undefined) return false;
    this.deleteOrKeep(memory);
    return true;
  }

  async deleteAll(userId: string): Promise<void> {
    this.record(userId, 'deleteAll');
    this.deleteAllAtMs.push(this.clock.now() - this.startedAt);
    for (const memory of [...this.memories]) this.deleteOrKeep(memory);
  }

  async listEntities(userId: string): Promise<string[]> {
    this.record(userId, 'listEntities');
    return [...this.entities];
  }

  private deleteOrKeep(memory: StoredMemory): void {
    const left = this.lag.get(memory.id) ?? 0;
    if (left > 0) this.lag.set(memory.id, left - 1);
    else this.memories.splice(this.memories.indexOf(memory), 1);
  }

  private record(userId: string, call: string): void {
    if (userId !== alice) throw new Error(`asked about someone else: ${userId}`);
    this.log.push(call);
  }
}

function memory(id: string, text: string): StoredMemory {
  return { id, text, createdAt: undefined, score: undefined, origin: { kind: 'dm' } };
}

/**
 * A context for Alice in a DM: memory calls, forgetShortTerm, recall and safety.forget go to
 * `log`; `kept` is what remember was given; every other safety call throws.
 */
function setup(memories: StoredMemory[], options: { kept?: Map<string, unknown> } = {}) {
  const log: string[] = [];
  const kept = options.kept ?? new Map<string, unknown>();
  const clock = createManualClock();
  const store = new LaggingMemory(log, memories, clock);
  const ctx: CommandContext = {
    sleep: (ms) => clock.sleep(ms),
    userId: alice,
    place: { kind: 'dm' },
    memory: store,
    forgetShortTerm: async () => void log.push('forgetShortTerm'),
    remember: (value) => {
      const key = `key-${kept.size + 1}`;
      kept.set(key, value);
      return key;
    },
    recall: (key) => {
      log.push(`recall ${key}`);
      const value = kept.get(key);
      kept.delete(key);
      return value;
    },
    safety: {
      settings: unscripted('safety.settings'),
      update: unscripted('safety.update'),
      forget: () => void log.push('safety.forget'),
      lines: unscripted('safety.lines'),
      regions: unscripted('safety.regions'),
      rememberWithheld: unscripted('safety.rememberWithheld'),
      policyUrl: undefined,
    },
  };
  contextClocks.set(ctx, clock);
  return { ctx, log, store, kept };
}

const contextClocks = new WeakMap<CommandContext, ManualClock>();

/** Presses a /forget button and lets its checks (seconds apart) run on the context's clock. */
async function press(ctx: CommandContext, action: string, arg?: string): Promise<CommandView> {
  const clock = contextClocks.get(ctx);
  if (clock === undefined) throw new Error('a context made by setup()');
  return clock.run(forgetCommand.press(ctx, action, arg));
}

function buttons(view: CommandView): string[][] {
  return (view.buttons ?? []).map((row) =>
    row.map((b) => `${b.label} (${b.action} ${b.arg ?? '-'}, ${b.style})`),
  );
}

const three = () => [
  memory('m1', 'Works at the bakery'),
  memory('m2', 'Has a cat named Miso'),
  memory('m3', 'Dreads the early bakery shifts'),
];

describe('/forget everything', () => {
  it('asks for confirmation first, without touching any memory', async () => {
    const { ctx, log } = setup(three());

    const view = await forgetCommand.run(ctx, { subcommand: 'everything' });

    expect(view.content).toBe(
      'This deletes everything I remember about you, everywhere, and cannot be undone. Are you sure?',
    );
    expect(buttons(view)).toEqual([
      ['Yes, forget everything (everything -, danger)', 'Keep my memories (cancel -, secondary)'],
    ]);
    expect(log).toEqual([]);
  });

  it('clears the recent conversation before deleting, then checks by listing, searching and entities', async () => {
    const { ctx, log } = setup(three());

    await press(ctx, 'everything');

    expect(log).toEqual([
      'forgetShortTerm',
      'list',
      'deleteAll',
      'list',
      'search "me" (5, dm)',
      'listEntities',
      'safety.forget',
    ]);
  });

  it('reports how many memories it forgot and that it checked they are gone', async () => {
    const { ctx } = setup(three());

    const view = await press(ctx, 'everything');

    expect(view.content).toBe(
      'Done: I forgot everything I knew about you (3 memories), and I checked that they are gone. Our recent conversation is cleared too.\nYour `/safety` settings (country, age) are cleared as well.',
    );
    expect(view.buttons).toBeUndefined();
  });

  it('deletes again and checks again half a second later while the memory service is still processing', async () => {
    const { ctx, store } = setup(three());
    store.lag.set('m2', 1);

    const view = await press(ctx, 'everything');

    expect(store.deleteAllAtMs).toEqual([0, 500]);
    expect(store.memories).toEqual([]);
    expect(view.content).toMatch(/^Done: I forgot everything I knew about you \(3 memories\)/);
  });

  it('keeps trying for five seconds, a little longer each time, before saying something is still stored', async () => {
    const { ctx, store } = setup(three());
    store.lag.set('m2', Infinity);

    await press(ctx, 'everything');

    expect(store.deleteAllAtMs).toEqual([0, 500, 2_000, 5_000]);
  });

  it('says honestly which memories are still stored, and asks to run it again', async () => {
    const { ctx, store } = setup(three());
    store.lag.set('m2', Infinity);

    const view = await press(ctx, 'everything');

    expect(view.content).toBe(
      [
        'I tried, but 1 memory is still stored (the memory service may still be processing it). Please run `/forget` again in a minute. Still there:',
        '- Has a cat named Miso — *undated, in a DM*',
        'Your `/safety` settings (country, age) are cleared as well.',
      ].join('\n'),
    );
  });

  it('counts a memory still stored once, even when both listed and found by search', async () => {
    const { ctx, store } = setup([memory('m1', 'Told me about the move')]);
    store.lag.set('m1', Infinity);

    const view = await press(ctx, 'everything');

    expect(view.content).toMatch(/^I tried, but 1 memory is still stored/);
    expect(view.content.match(/Told me about the move/g)).toHaveLength(1);
  });

  it('clears the safety settings even when some memories are still stored', async () => {
    const { ctx, log, store } = setup(three());
    store.lag.set('m1', Infinity);

    await press(ctx, 'everything');

    expect(log.filter((call) => call === 'safety.forget')).toEqual(['safety.forget']);
    expect(log.at(-1)).toBe('safety.forget');
  });

  it('counts a name or place still kept beside the memories as still stored', async () => {
    const { ctx, store } = setup([]);
    store.entities = ['Quillbrook'];

    const view = await press(ctx, 'everything');

    expect(view.content).toContain('1 memory is still stored');
    expect(view.content).toContain('- “Quillbrook”, a name or place linked to your memories');
  });

  it('keeps everything when the person presses the keep button', async () => {
    const { ctx, log } = setup(three());

    const view = await press(ctx, 'cancel');

    expect(view.content).toBe('Okay, I kept everything.');
    expect(log).toEqual([]);
  });
});

describe('/forget topic', () => {
  it('lists what it remembers about the topic, keeps it for the button, and asks first', async () => {
    const { ctx, log, kept } = setup(three());

    const view = await forgetCommand.run(ctx, { subcommand: 'topic', about: 'bakery' });

    expect(log).toEqual(['search "bakery" (10, dm)']);
    expect(view.content).toBe(
      'I remember 2 things about “bakery”:\n- Works at the bakery\n- Dreads the early bakery shifts\n\nForget them?',
    );
    expect(buttons(view)).toEqual([
      ['Yes, forget these (topic key-1, danger)', 'Keep them (cancel -, secondary)'],
    ]);
    expect(kept.get('key-1')).toEqual([
      { ...memory('m1', 'Works at the bakery'), origin: undefined, score: 0.9 },
      { ...memory('m3', 'Dreads the early bakery shifts'), origin: undefined, score: 0.9 },
    ]);
  });

  it('asks for the topic when it is only blanks, without searching', async () => {
    const { ctx, log } = setup(three());

    const view = await forgetCommand.run(ctx, { subcommand: 'topic', about: ' \u200b ' });

    expect(view.content).toBe('Tell me the topic to forget, in a few words.');
    expect(log).toEqual([]);
  });

  it('says it remembers nothing about a topic nothing matches, and offers no button', async () => {
    const { ctx, kept } = setup(three());

    const view = await forgetCommand.run(ctx, { subcommand: 'topic', about: 'sailing' });

    expect(view.content).toBe("I don't remember anything about “sailing”.");
    expect(view.buttons).toBeUndefined();
    expect(kept.size).toBe(0);
  });

  it('forgets only the confirmed memories, and checks by listing and searching each', async () => {
    const { ctx, log, store } = setup(three());
    await forgetCommand.run(ctx, { subcommand: 'topic', about: 'bakery' });
    log.length = 0;

    const view = await press(ctx, 'topic', 'key-1');

    expect(log).toEqual([
      'recall key-1',
      'forgetShortTerm',
      'delete m1',
      'delete m3',
      'list',
      'search "Works at the bakery" (5, dm)',
      'search "Dreads the early bakery shifts" (5, dm)',
    ]);
    expect(store.memories.map((m) => m.id)).toEqual(['m2']);
    expect(view.content).toBe(
      'Done: I forgot that topic (2 memories), and I checked that they are gone. Our recent conversation is cleared too.',
    );
  });

  it('says honestly which memory of the topic is still stored', async () => {
    const { ctx, store } = setup(three());
    await forgetCommand.run(ctx, { subcommand: 'topic', about: 'Miso' });
    store.lag.set('m2', Infinity);

    const view = await press(ctx, 'topic', 'key-1');

    expect(view.content).toMatch(/^I tried, but 1 memory is still stored/);
    expect(view.content).toContain('- Has a cat named Miso — *undated, in a DM*');
  });

  it('says the request has expired, and deletes nothing, when its key is no longer kept', async () => {
    const { ctx, log } = setup(three());

    const view = await press(ctx, 'topic', 'key-that-expired');

    expect(view.content).toBe('That request has expired. Please run `/forget topic` again.');
    expect(log).toEqual(['recall key-that-expired']);
  });
});

describe('/forget', () => {
  it('asks which to forget when no subcommand is given', async () => {
    const { ctx, log } = setup(three());

    const view = await forgetCommand.run(ctx, {});

    expect(view.content).toBe('Choose what to forget: `/forget everything` or `/forget topic`.');
    expect(log).toEqual([]);
  });
});
