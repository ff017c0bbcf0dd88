import { MemoryClient } from 'mem0ai';
import type { ExchangeMessage, MemoryOrigin, MemoryStore, RecalledMemory } from './memory-store.js';
import { memorySession, recallSession } from './scope.js';
import { type MemoryUserId, requireMemoryUserId } from './user-id.js';

/** Options for the hosted mem0 Platform backend. */
export interface Mem0PlatformOptions {
  apiKey: string;
  /** Base URL of the Platform API; mem0's own default when absent. */
  host: string | undefined;
}

/** Long-term memory on the hosted mem0 Platform (`MemoryClient`), scoped by user_id on every call. */
export function createMem0PlatformStore(options: Mem0PlatformOptions): MemoryStore {
  const client = new MemoryClient({
    apiKey: options.apiKey,
    ...(options.host === undefined ? {} : { host: options.host.replace(/\/+$/, '') }),
  });
  return {
    async search(userId, query, { limit, origin }) {
      const user = { user_id: requireMemoryUserId(userId) };
      const session = recallSession(origin);
      const { results } = await client.search(query, {
        filters: session === undefined ? user : { AND: [user, { run_id: session }] },
        topK: limit,
      });
      return results.map(toRecalledMemory);
    },
    async add(userId: MemoryUserId, messages: readonly ExchangeMessage[], origin: MemoryOrigin) {
      // The Platform's add is asynchronous: it answers PENDING and the memory becomes searchable later.
      await client.add([...messages], {
        userId: requireMemoryUserId(userId),
        runId: memorySession(origin),
        metadata: originMetadata(origin),
      });
    },
    async close() {},
  };
}

/** Metadata recorded with each memory so that recall can be scoped to where it was said. */
export function originMetadata(origin: MemoryOrigin): Record<string, string> {
  return {
    origin: origin.kind,
    ...(origin.guildId === undefined ? {} : { guild_id: origin.guildId }),
    ...(origin.channelId === undefined ? {} : { channel_id: origin.channelId }),
  };
}

function toRecalledMemory(item: {
  id: string;
  memory?: string | undefined;
  createdAt?: Date | string | undefined;
  score?: number | undefined;
}): RecalledMemory {
  return {
    id: item.id,
    text: item.memory ?? '',
    createdAt: item.createdAt === undefined ? undefined : String(item.createdAt),
    score: item.score,
  };
}
