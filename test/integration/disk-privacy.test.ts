import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Harness,
  type MemoryBackend,
  registerTestCommands,
  tellAndSettle,
  useHarness,
} from '../helpers/harness.js';
import { forgetEverything, pressOnReply } from '../helpers/commands.js';

const alice = '200000000000000001';
const bob = '200000000000000002';

const startHarness = useHarness();
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A folder of this test's own, kept after the bot stops (the harness deletes only its own). */
function scratch(): string {
  const folder = mkdtempSync(join(tmpdir(), 'wellness0-disk-'));
  folders.push(folder);
  return folder;
}

async function start(backend: MemoryBackend, dataDir: string): Promise<Harness> {
  const h = await startHarness({ backend, env: { DATA_DIR: dataDir } });
  await registerTestCommands(h);
  return h;
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(entry.parentPath, entry.name);
    return entry.isDirectory() ? [path, ...filesUnder(path)] : [path];
  });
}

/** The files under `dir` holding any of `words` (case-insensitive, byte for byte), with the words found. */
function filesHolding(dir: string, words: string[]): string[] {
  return filesUnder(dir).flatMap((path) => {
    if (statSync(path).isDirectory()) return [];
    const bytes = readFileSync(path).toString('latin1').toLowerCase();
    const found = words.filter((word) => bytes.includes(word.toLowerCase()));
    return found.length > 0 ? [`${path}: ${found.join(', ')}`] : [];
  });
}

function modesUnder(dir: string): Record<string, string> {
  const modes: Record<string, string> = { '.': (statSync(dir).mode & 0o777).toString(8) };
  for (const path of filesUnder(dir)) {
    modes[path.slice(dir.length + 1)] = (statSync(path).mode & 0o777).toString(8);
  }
  return modes;
}

function expectPrivate(dir: string): void {
  const modes = modesUnder(dir);
  const expected = Object.fromEntries(
    Object.entries(modes).map(([path]) => [
      path,
      path === '.' || statSync(join(dir, path)).isDirectory() ? '700' : '600',
    ]),
  );
  expect(modes).toEqual(expected);
}

describe.each<MemoryBackend>(['open-source', 'platform'])('disk with %s memory', (backend) => {
  it('/forget everything leaves none of the words on disk, while running and after stop', async () => {
    const dataDir = scratch();
    const h = await start(backend, dataDir);
    await tellAndSettle(
      h,
      alice,
      'My sister Quillbrook takes zephyrine for her marmalite syndrome',
    );
    await tellAndSettle(h, alice, 'Quillbrook also visits Vexmoor hospital every Tuesday');
    await tellAndSettle(h, bob, 'I play the violin in an orchestra');
    const words = ['Quillbrook', 'zephyrine', 'marmalite', 'Vexmoor'];
    // The words were on disk (in a database file or its WAL) before /forget.
    expect(filesHolding(dataDir, words)).not.toEqual([]);

    expect(await forgetEverything(h, alice)).toMatch(/checked that/);

    expect(filesHolding(dataDir, words)).toEqual([]);
    await h.close();
    expect(filesHolding(dataDir, words)).toEqual([]);
  });

  it('deleting one memory from /memories leaves none of its words on disk', async () => {
    const dataDir = scratch();
    const h = await start(backend, dataDir);
    await tellAndSettle(h, alice, 'My sister Quillbrook takes zephyrine every morning');
    await tellAndSettle(h, alice, 'I enjoy long walks by the river');
    const [target] = (await h.app.core.memory.list(`discord:${alice}` as never)).filter((m) =>
      m.text.includes('zephyrine'),
    );
    expect(target).toBeDefined();
    const words = ['Quillbrook', 'zephyrine'];
    expect(filesHolding(dataDir, words)).not.toEqual([]);

    expect(
      await pressOnReply(h, { userId: alice, name: 'memories' }, (id) =>
        id.endsWith(`:${target?.id ?? ''}`),
      ),
    ).toMatch(/no longer remember that/);

    expect(filesHolding(dataDir, words)).toEqual([]);
    const left = await h.app.core.memory.list(`discord:${alice}` as never);
    expect(left.map((m) => m.text).join(' ')).toContain('long walks');
  });

  it('creates DATA_DIR 0700 and every file in it 0600', async () => {
    const dataDir = join(scratch(), 'data');
    const h = await start(backend, dataDir);
    await tellAndSettle(h, alice, 'I started a new job this week');

    expectPrivate(dataDir);
  });

  it('tightens an existing 0755 DATA_DIR and its 0644 database files', async () => {
    const dataDir = join(scratch(), 'data');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    // A database and its WAL readable by everyone (restored from a backup, say).
    const source = join(scratch(), 'source.db');
    const writer = new Database(source);
    writer.pragma('journal_mode = WAL');
    writer.exec('CREATE TABLE unused (x TEXT); INSERT INTO unused VALUES (1)');
    copyFileSync(source, join(dataDir, 'inbox.db'));
    copyFileSync(`${source}-wal`, join(dataDir, 'inbox.db-wal'));
    writer.close();
    writeFileSync(join(dataDir, 'memory-writes.db'), '');
    for (const file of ['inbox.db', 'inbox.db-wal', 'memory-writes.db']) {
      chmodSync(join(dataDir, file), 0o644);
    }

    const h = await start(backend, dataDir);
    await tellAndSettle(h, alice, 'I started a new job this week');

    expectPrivate(dataDir);
  });
});

describe('entities with open-source memory', () => {
  /** The entity names kept in memories.db for `userId`, read through a connection of its own. */
  function entitiesOf(dataDir: string, userId: string): string[] {
    const db = new Database(join(dataDir, 'memories.db'), { readonly: true });
    try {
      return (
        db
          .prepare('SELECT payload FROM memories_entities WHERE user_id = ?')
          .pluck()
          .all(`discord:${userId}`) as string[]
      ).map((payload) => String((JSON.parse(payload) as { data?: unknown }).data));
    } finally {
      db.close();
    }
  }

  it('/forget everything deletes the entity rows mem0 left behind, and only the person’s', async () => {
    const dataDir = scratch();
    const h = await start('open-source', dataDir);
    await tellAndSettle(h, alice, 'My sister Quillbrook lives in Vexmoor');
    await tellAndSettle(h, bob, 'My friend Ostrander lives in Brightwater');
    expect(entitiesOf(dataDir, alice)).not.toEqual([]);
    const bobsEntities = entitiesOf(dataDir, bob);
    expect(bobsEntities).not.toEqual([]);
    // What mem0 leaves when re-embedding an entity fails while it deletes a memory: the entity,
    // still linked to that memory.
    const db = new Database(join(dataDir, 'memories.db'));
    const dimensions =
      h.config.memory.backend === 'open-source' ? h.config.memory.embeddingDimensions : 0;
    const vector = Buffer.from(new Float32Array(dimensions).fill(0.1).buffer);
    db.prepare(
      `INSERT INTO memories_entities (id, user_id, run_id, agent_id, keyword_text, vector, payload)
       VALUES (?, ?, NULL, NULL, ?, ?, ?)`,
    ).run(
      'left-behind-entity',
      `discord:${alice}`,
      'Marmalite Clinic',
      vector,
      JSON.stringify({
        data: 'Marmalite Clinic',
        entityType: 'PROPER',
        linkedMemoryIds: ['a-memory-deleted-earlier'],
        user_id: `discord:${alice}`,
      }),
    );
    db.close();

    expect(await forgetEverything(h, alice)).toMatch(/checked that/);

    expect(entitiesOf(dataDir, alice)).toEqual([]);
    expect(entitiesOf(dataDir, bob)).toEqual(bobsEntities);
  });
});
