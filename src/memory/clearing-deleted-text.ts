import type { MemoryStore } from './memory-store.js';

/**
 * `store`, whose `delete` and `deleteAll` then call `clearDeletedText` (even when they fail), for
 * the files that held the deleted text besides the store's own: what mem0 was given to remember
 * and the messages it came from.
 */
export function clearingDeletedText(store: MemoryStore, clearDeletedText: () => void): MemoryStore {
  return {
    search: (...args) => store.search(...args),
    add: (...args) => store.add(...args),
    list: (...args) => store.list(...args),
    listEntities: (...args) => store.listEntities(...args),
    async delete(...args) {
      try {
        return await store.delete(...args);
      } finally {
        clearDeletedText();
      }
    },
    async deleteAll(...args) {
      try {
        await store.deleteAll(...args);
      } finally {
        clearDeletedText();
      }
    },
    close: () => store.close(),
  };
}
