import Database from 'better-sqlite3';

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
  close(): void;
}

// Ids are kept this long after the answer to recognise replays; the text is dropped at once.
const keepAnsweredMs = 24 * 60 * 60 * 1000;

/**
 * A MessageInbox in SQLite (WAL, synchronous NORMAL): each write survives the process dying before
 * it returns. An fsync per message (FULL) would block the event loop on the reply path.
 */
export function createMessageInbox(options: { path: string; now?: () => number }): MessageInbox {
  const now = options.now ?? Date.now;
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS inbox (
    id TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL,
    guild_id TEXT,
    author_id TEXT NOT NULL,
    content TEXT,
    received_at INTEGER NOT NULL,
    reply_message_id TEXT,
    answered_at INTEGER
  )`);
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
  // At open and then at most hourly as messages arrive, so the file stays a day's worth.
  let prunedAt = now();
  prune.run(prunedAt - keepAnsweredMs);

  return {
    receive(message) {
      if (now() - prunedAt > 60 * 60 * 1000) {
        prunedAt = now();
        prune.run(prunedAt - keepAnsweredMs);
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
      setAnswered.run(now(), id);
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
    close() {
      db.close();
    },
  };
}
