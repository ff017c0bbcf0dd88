import { createPrefetchingEmbedder, type TextEmbedder } from './prefetching-embedder.js';

/**
 * The private members of mem0's `Memory` (mem0ai 3.3.1) that the prefetch relies on: the
 * embedder it calls, and what its `search` reads (see `useIndexedVectorStores` for the others).
 */
interface SearchSeam {
  embedder: TextEmbedder;
  vectorStore: unknown;
  _entityStore: unknown;
  search(
    query: string,
    config: { filters: Record<string, string>; topK: number },
  ): Promise<unknown>;
}

function seamError(missing: string): Error {
  const error = new Error(
    `mem0ai's Memory no longer has ${missing}, which the bot uses to embed a search's texts in ` +
      'one request (mem0ai was probably upgraded). Check src/memory/mem0-search-prefetch.ts ' +
      'against the new version.',
  );
  return Object.assign(error, { code: 'MEM0_SEAM_CHANGED' });
}

/** Starts embedding a search's texts; the returned function ends the prefetch once the search is over. */
export type SearchPrefetch = (
  query: string,
  filters: Record<string, string>,
) => Promise<() => void>;

const noVector: number[] = [];

/**
 * Makes `memory`'s searches pay one embedding round trip instead of two, without losing the
 * entity boost: mem0's search embeds the query, searches, and then embeds the entities it found
 * in the query (names, places, topics; up to 8), one request after the other. The returned
 * function learns those entities by running mem0's own search on a view of `memory` whose
 * embedder and stores answer at once with nothing (no I/O; mem0's extraction is the only work),
 * then embeds the query and the entities in one request, from which the real search is served.
 * Call it before `memory.search` and release after. Throws a clear error if the seam moved.
 */
export function prefetchSearchEmbeddings(memory: object): SearchPrefetch {
  const seam = memory as Partial<SearchSeam>;
  const inner = seam.embedder;
  if (typeof inner?.embed !== 'function' || typeof inner.embedBatch !== 'function') {
    throw seamError('an embedder with embed() and embedBatch()');
  }
  if (typeof seam.search !== 'function') throw seamError('search()');
  const embedder = createPrefetchingEmbedder(inner);
  seam.embedder = embedder;

  async function entityTexts(query: string, filters: Record<string, string>): Promise<string[]> {
    const asked: string[] = [];
    const nothing = {
      search: async () => [],
      list: async () => [[], 0],
    };
    const view = Object.create(memory) as SearchSeam;
    view.embedder = {
      embed: async () => noVector,
      embedBatch: async (texts) => {
        asked.push(...texts);
        return texts.map(() => noVector);
      },
    };
    view.vectorStore = nothing;
    view._entityStore = nothing;
    // Nobody asked for this search: it sends no telemetry (when MEM0_TELEMETRY is on) and shows
    // no notice. Members mem0 no longer has are simply left unset.
    for (const quiet of [
      '_captureEvent',
      '_displayTemporalUsageNotice',
      '_displayScaleThresholdNotice',
      '_displayPerformanceSlowQueryNotice',
      '_displayFirstRunNotice',
    ]) {
      Object.defineProperty(view, quiet, { value: async () => undefined });
    }
    await view.search(query, { filters, topK: 1 });
    return asked;
  }

  return async (query, filters) => {
    let entities: string[] = [];
    try {
      entities = await entityTexts(query, filters);
    } catch {
      // The real search still works without the prefetch, with its second round trip.
    }
    return embedder.prefetch([query, ...entities]);
  };
}
