import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMessageInbox, type MessageInbox } from '../../src/discord/message-inbox.js';

const hourMs = 60 * 60 * 1000;
let dir: string;
let inbox: MessageInbox | undefined;
afterEach(() => {
  inbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

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
});
