import { MemoryClient } from 'mem0ai';
import {
  type MemoryStore,
  newestFirst,
  originMetadata,
  type StoredMemory,
  toStoredMemory,
} from './memory-store.js';
import { memorySession, recallSession } from './scope.js';
import { requireMemoryUserId } from './user-id.js';

/** Options for the hosted mem0 Platform backend. */
export interface Mem0PlatformOptions {
  apiKey: string;
  /** Base URL of the Platform API; mem0's own default when absent. */
  host: string | undefined;
}

// The Platform's largest page.
const pageSize = 200;

/** Long-term memory on the hosted mem0 Platform (`MemoryClient`), scoped by user_id on every call. */
export function createMem0PlatformStore(options: Mem0PlatformOptions): MemoryStore {
  // Built on first use: mem0's client pings the Platform as it is constructed.
  let memoryClient: MemoryClient | undefined;
  const client = () =>
    (memoryClient ??= new MemoryClient({
      apiKey: options.apiKey,
      ...(options.host === undefined ? {} : { host: options.host.replace(/\/+$/, '') }),
    }));
  return {
    async search(userId, query, { limit, origin }) {
      const user = { user_id: requireMemoryUserId(userId) };
      const session = recallSession(origin);
      const { results } = await client().search(query, {
        filters: session === undefined ? user : { AND: [user, { run_id: session }] },
        topK: limit,
      });
      return results.map(toStoredMemory);
    },
    async add(userId, messages, origin) {
      // The Platform's add is asynchronous: it answers PENDING and the memory becomes searchable later.
      await client().add([...messages], {
        userId: requireMemoryUserId(userId),
        runId: memorySession(origin),
        metadata: originMetadata(origin),
      });
    },
    async list(userId, listOptions) {
      const user = { user_id: requireMemoryUserId(userId) };
      const session = listOptions?.origin && recallSession(listOptions.origin);
      const filters = session === undefined ? user : { AND: [user, { run_id: session }] };
      const all: StoredMemory[] = [];
      for (let page = 1; ; page++) {
        const result = await client().getAll({ filters, page, pageSize });
        all.push(...result.results.map(toStoredMemory));
        if (!result.next || result.results.length === 0) break;
      }
      return newestFirst(all);
    },
    async delete(userId, memoryId) {
      const owner = requireMemoryUserId(userId);
      let memory: { userId?: string | null | undefined };
      try {
        memory = await client().get(memoryId);
      } catch {
        return false;
      }
      // Never delete on someone else's behalf, whatever id a button carried.
      if (memory.userId !== owner) return false;
      await client().delete(memoryId);
      return true;
    },
    async deleteAll(userId) {
      await client().deleteAll({ userId: requireMemoryUserId(userId) });
    },
    // The Platform keeps no entities on this machine; whatever it derives from memories stays on
    // mem0's side with them.
    async listEntities() {
      return [];
    },
    async close() {},
  };
}
