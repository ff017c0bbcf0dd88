import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMessageInbox, type MessageInbox } from '../../src/discord/message-inbox.js';

const hourMs = 60 * 60 * 1000;
let dir: string;
let inbox: MessageInbox | undefined;
afterEach(() => {
  vi.useRealTimers();
  inbox?.close();
  inbox = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Whether the inbox file or its WAL holds `text`, byte for byte. */
function onDisk(path: string, text: string): boolean {
  return ['', '-wal', '-shm'].some(
    (suffix) => existsSync(path + suffix) && readFileSync(path + suffix).includes(text),
  );
}

/** The stored text of one message, read through a connection of its own. */
function storedContent(path: string, id: string): string | null | undefined {
  const db = new Database(path, { readonly: true });
  try {
    const row = db.prepare('SELECT content FROM inbox WHERE id = ?').get(id) as
      { content: string | null } | undefined;
    return row?.content;
  } finally {
    db.close();
  }
}

const message = (id: string, receivedAt: number) => ({
  id,
  channelId: '300000000000000001',
  guildId: undefined,
  authorId: '200000000000000001',
  content: 'hello',
  receivedAt,
});

describe('createMessageInbox', () => {
  it('recognises a replayed message', () => {
    dir = mkdtempSync(join(tmpdir(), 'wellness0-inbox-'));
    inbox = createMessageInbox({ path: join(dir, 'inbox.db') });

    expect(inbox.receive(message('500000000000000001', Date.now()))).toBe(true);
    expect(inbox.receive(message('500000000000000001', Date.now()))).toBe(false);
  });

  it('forgets messages a day old while it runs, so the file does not grow without bound', () => {
    dir = mkdtempSync(join(tmpdir(), 'wellness0-inbox-'));
    let now = 1_000_000_000_000;
    inbox = createMessageInbox({ path: join(dir, 'inbox.db'), now: () => now });
    inbox.receive(message('500000000000000001', now));
    inbox.answered('500000000000000001');

    now += 25 * hourMs;
    inbox.receive(message('500000000000000002', now));

    // The first id is no longer known: receiving it again counts as new.
    expect(inbox.receive(message('500000000000000001', now))).toBe(true);
  });

  it('drops the text of a message older than the recovery window, from the file and its WAL, and keeps its id', () => {
    vi.useFakeTimers();
    dir = mkdtempSync(join(tmpdir(), 'wellness0-inbox-'));
    const path = join(dir, 'inbox.db');
    inbox = createMessageInbox({ path, keepTextMs: 15 * 60_000 });
    inbox.receive({ ...message('500000000000000001', Date.now()), content: 'my secret plans' });

    vi.advanceTimersByTime(14 * 60_000);
    expect(inbox.unanswered(15 * 60_000).map((m) => m.content)).toEqual(['my secret plans']);

    vi.advanceTimersByTime(2 * 60_000);
    expect(storedContent(path, '500000000000000001')).toBeNull();
    expect(onDisk(path, 'my secret plans')).toBe(false);
    // Its id stays, so a replay of it is still recognised.
    expect(inbox.receive(message('500000000000000001', Date.now()))).toBe(false);
  });

  it('forgets the text of one author, from the file and its WAL, and leaves other authors alone', () => {
    dir = mkdtempSync(join(tmpdir(), 'wellness0-inbox-'));
    const path = join(dir, 'inbox.db');
    inbox = createMessageInbox({ path });
    inbox.receive({ ...message('500000000000000001', Date.now()), content: 'answered secret' });
    inbox.answered('500000000000000001');
    inbox.receive({ ...message('500000000000000002', Date.now()), content: 'pending secret' });
    inbox.receive({
      ...message('500000000000000003', Date.now()),
      authorId: '200000000000000002',
      content: 'someone else',
    });

    inbox.forgetAuthor('200000000000000001');

    expect(onDisk(path, 'answered secret')).toBe(false);
    expect(onDisk(path, 'pending secret')).toBe(false);
    // Their message is not answered after a restart either; the other author's still is.
    expect(inbox.unanswered(hourMs).map((m) => m.content)).toEqual(['someone else']);
  });
});
