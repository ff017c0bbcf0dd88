import type { MemoryUserId } from './user-id.js';

/** One thing the bot remembers about one person. */
export interface RecalledMemory {
  id: string;
  text: string;
  /** ISO time the memory was made, when the backend says. */
  createdAt: string | undefined;
  /** Relevance to the query, 0..1, for search results. */
  score: number | undefined;
}

/** One turn of a conversation, as written to long-term memory. */
export interface ExchangeMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** Where a memory was said, recorded with it so that recall can be scoped. */
export interface MemoryOrigin {
  /** `dm` for a direct message or the terminal; `guild` for a server channel. */
  kind: 'dm' | 'guild' | 'terminal';
  guildId?: string;
  channelId?: string;
}

/** Long-term memory of one person at a time: recall by meaning, and remembering an exchange. */
export interface MemoryStore {
  /** Finds the memories of `userId` (and no one else) most relevant to `query`, best first. */
  search(
    userId: MemoryUserId,
    query: string,
    options: {
      limit: number;
      /** Where the question is asked: decides which of the person's memories may be recalled. */
      origin: MemoryOrigin;
    },
  ): Promise<RecalledMemory[]>;
  /** Remembers what was said in one exchange, for `userId` only. */
  add(
    userId: MemoryUserId,
    messages: readonly ExchangeMessage[],
    origin: MemoryOrigin,
  ): Promise<void>;
  /** Releases files and connections. */
  close(): Promise<void>;
}
