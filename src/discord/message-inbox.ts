import { checkpoint, openSqliteFile } from '../storage/sqlite-file.js';

/** A message the bot was asked to answer, as kept until it is answered. */
export interface InboxMessage {
  id: string;
  channelId: string;
  guildId: string | undefined;
  authorId: string;
  content: string;
  receivedAt: number;
  /** The bot's first reply message, once one was sent (a run that died may have left it half-written). */
  replyMessageId: string | undefined;
}

/** Remembers which messages were received and answered, on disk, so none is answered twice or lost to a crash. */
export interface MessageInbox {
  /** Records a message to answer; false when it was seen before (a replayed event): do not answer it again. */
  receive(message: Omit<InboxMessage, 'replyMessageId'>): boolean;
  /** Records the id of the first reply message, so a restarted run edits it instead of sending another. */
  replyStarted(id: string, replyMessageId: string): void;
  /** Marks a message answered and forgets its text. */
  answered(id: string): void;
  /** Messages received but never answered (a run died), newest last, received within `maxAgeMs`. */
  unanswered(maxAgeMs: number): InboxMessage[];
  /** Drops the text of every message from `authorId` (for /forget), also from the file's WAL; they will not be answered after a restart. */
  forgetAuthor(authorId: string): void;
  /** Clears from the file's WAL the text dropped so far (it is zeroed in the file itself). */
  clearDeletedText(): void;
  close(): void;
}

// Ids are kept this long to recognise replays; the text goes once answered or too old to recover.
const keepIdsMs = 24 * 60 * 60 * 1000;
// How often text too old to recover is dropped (and dropped text cleared from the WAL).
const textPruneIntervalMs = 60_000;

/** Options for {@link createMessageInbox}. */
export interface MessageInboxOptions {
  /** The SQLite file (its folder exists). */
  path: string;
  /**
   * A message's text is dropped once this old, answered or not: a restart answers only messages
   * younger than that (pass the recovery window). Default: a day.
   */
  keepTextMs?: number;
  now?: () => number;
}

/**
 * A MessageInbox in SQLite (see `openSqliteFile`), opened on first use (building it touches no
 * file): each write survives the process dying before it returns. Every minute, text older than
 * `keepTextMs` is dropped, and text dropped since the last time is cleared from the WAL.
 */
export function createMessageInbox(options: MessageInboxOptions): MessageInbox {
  let inbox: MessageInbox | undefined;
  let closed = false;
  const open = () => {
    if (closed) throw new Error('The message inbox is closed');
    return (inbox ??= openMessageInbox(options));
  };
  return {
    receive: (message) => open().receive(message),
    replyStarted: (id, replyMessageId) => open().replyStarted(id, replyMessageId),
    answered: (id) => open().answered(id),
    unanswered: (maxAgeMs) => open().unanswered(maxAgeMs),
    forgetAuthor: (authorId) => open().forgetAuthor(authorId),
    clearDeletedText: () => inbox?.clearDeletedText(),
    close() {
      closed = true;
      inbox?.close();
    },
  };
}

function openMessageInbox(options: MessageInboxOptions): MessageInbox {
  const now = options.now ?? Date.now;
  const keepTextMs = options.keepTextMs ?? keepIdsMs;
  const db = openSqliteFile(options.path);
  db.exec(`CREATE TABLE IF NOT EXISTS inbox (
    id TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL,
    guild_id TEXT,
    author_id TEXT NOT NULL,
    content TEXT,
    received_at INTEGER NOT NULL,
    reply_message_id TEXT,
    answered_at INTEGER
  );
  CREATE INDEX IF NOT EXISTS inbox_by_received ON inbox (received_at);
  CREATE INDEX IF NOT EXISTS inbox_by_author ON inbox (author_id);`);
  const insert = db.prepare(
    `INSERT OR IGNORE INTO inbox (id, channel_id, guild_id, author_id, content, received_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const setReply = db.prepare('UPDATE inbox SET reply_message_id = ? WHERE id = ?');
  const setAnswered = db.prepare('UPDATE inbox SET answered_at = ?, content = NULL WHERE id = ?');
  const pending = db.prepare(
    `SELECT * FROM inbox WHERE answered_at IS NULL AND received_at >= ? ORDER BY received_at`,
  );
  const prune = db.prepare('DELETE FROM inbox WHERE received_at < ?');
  const pruneText = db.prepare(
    'UPDATE inbox SET content = NULL WHERE received_at < ? AND content IS NOT NULL',
  );
  const dropAuthorText = db.prepare(
    `UPDATE inbox SET content = NULL, answered_at = COALESCE(answered_at, ?) WHERE author_id = ?`,
  );
  // Whether text was dropped since the last checkpoint: it still sits in old WAL frames.
  let textDropped = false;
  function clearDeletedText(): void {
    if (!db.open) return;
    checkpoint(db);
    textDropped = false;
  }
  function dropOldText(): void {
    if (pruneText.run(now() - keepTextMs).changes > 0) textDropped = true;
    if (textDropped) clearDeletedText();
  }
  // At open and then at most hourly as messages arrive, so the file stays a day's worth.
  let prunedAt = now();
  prune.run(prunedAt - keepIdsMs);
  dropOldText();
  const textTimer = setInterval(dropOldText, textPruneIntervalMs);
  textTimer.unref();

  return {
    receive(message) {
      if (now() - prunedAt > 60 * 60 * 1000) {
        prunedAt = now();
        prune.run(prunedAt - keepIdsMs);
      }
      const result = insert.run(
        message.id,
        message.channelId,
        message.guildId ?? null,
        message.authorId,
        message.content,
        message.receivedAt,
      );
      return result.changes === 1;
    },
    replyStarted(id, replyMessageId) {
      setReply.run(replyMessageId, id);
    },
    answered(id) {
      if (setAnswered.run(now(), id).changes > 0) textDropped = true;
    },
    unanswered(maxAgeMs) {
      const rows = pending.all(now() - maxAgeMs) as Array<{
        id: string;
        channel_id: string;
        guild_id: string | null;
        author_id: string;
        content: string | null;
        received_at: number;
        reply_message_id: string | null;
      }>;
      return rows.map((row) => ({
        id: row.id,
        channelId: row.channel_id,
        guildId: row.guild_id ?? undefined,
        authorId: row.author_id,
        content: row.content ?? '',
        receivedAt: row.received_at,
        replyMessageId: row.reply_message_id ?? undefined,
      }));
    },
    forgetAuthor(authorId) {
      dropAuthorText.run(now(), authorId);
      clearDeletedText();
    },
    clearDeletedText,
    close() {
      clearInterval(textTimer);
      db.close();
    },
  };
}
