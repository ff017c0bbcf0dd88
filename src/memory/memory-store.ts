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
  guildId?: string | undefined;
  /** The channel or thread where it was said. */
  channelId?: string | undefined;
  /**
   * In a server, the channel whose audience saw it: the channel itself, a public thread's parent
   * channel, or a private thread itself (whose audience is its own members).
   */
  audienceChannelId?: string | undefined;
}

/** A memory as listed to its owner: what, when and where it was said. */
export interface StoredMemory extends RecalledMemory {
  /** Where it was said, when recorded. */
  origin: MemoryOrigin | undefined;
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
  /**
   * Everything remembered about `userId` (and no one else), newest first; with `origin`, only
   * what may be recalled there (see `recallSession`).
   */
  list(userId: MemoryUserId, options?: { origin?: MemoryOrigin }): Promise<StoredMemory[]>;
  /**
   * Deletes one memory if it belongs to `userId`, and its links from the entities kept beside it;
   * false when it does not exist or is someone else's.
   */
  delete(userId: MemoryUserId, memoryId: string): Promise<boolean>;
  /** Deletes every memory of `userId`, and every entity kept beside them. */
  deleteAll(userId: MemoryUserId): Promise<void>;
  /**
   * The entities (names, places) extracted from `userId`'s memories and kept beside them to help
   * search, as text; for /forget to check that none is left.
   */
  listEntities(userId: MemoryUserId): Promise<string[]>;
  /** Releases files and connections. */
  close(): Promise<void>;
}

/** Reads the origin recorded in a memory's metadata (see `originMetadata`). */
function originFromMetadata(metadata: unknown): MemoryOrigin | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const { origin, guild_id, channel_id, audience_channel_id } = metadata as Record<string, unknown>;
  if (origin !== 'dm' && origin !== 'guild' && origin !== 'terminal') return undefined;
  return {
    kind: origin,
    ...(typeof guild_id === 'string' ? { guildId: guild_id } : {}),
    ...(typeof channel_id === 'string' ? { channelId: channel_id } : {}),
    ...(typeof audience_channel_id === 'string' ? { audienceChannelId: audience_channel_id } : {}),
  };
}

/** Metadata recorded with each memory, so that its owner can see where it was said. */
export function originMetadata(origin: MemoryOrigin): Record<string, string> {
  return {
    origin: origin.kind,
    ...(origin.guildId === undefined ? {} : { guild_id: origin.guildId }),
    ...(origin.channelId === undefined ? {} : { channel_id: origin.channelId }),
    ...(origin.audienceChannelId === undefined
      ? {}
      : { audience_channel_id: origin.audienceChannelId }),
  };
}

/** Sorts memories newest first (undated last). */
export function newestFirst<T extends { createdAt: string | undefined }>(memories: T[]): T[] {
  return memories.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
}

/** Maps a memory as either mem0 SDK returns it (both camelCase their responses) to a StoredMemory. */
export function toStoredMemory(item: {
  id: string;
  memory?: string | undefined;
  createdAt?: Date | string | undefined;
  score?: number | undefined;
  metadata?: unknown;
}): StoredMemory {
  return {
    id: item.id,
    text: item.memory ?? '',
    createdAt: item.createdAt === undefined ? undefined : String(item.createdAt),
    score: item.score,
    origin: originFromMetadata(item.metadata),
  };
}

/** One exchange (or a batch of them) to remember for one person: the arguments of one `MemoryStore.add`. */
export interface MemoryWriteJob {
  userId: MemoryUserId;
  messages: ExchangeMessage[];
  origin: MemoryOrigin;
}
