/** The embedder mem0 open source calls (its `Embedder` interface, mem0ai 3.3.1). */
export interface TextEmbedder {
  /** `memoryAction` tells some providers what the text is for; Gemini's embedder ignores it. */
  embed(text: string, memoryAction?: string): Promise<number[]>;
  embedBatch(texts: string[], memoryAction?: string): Promise<number[][]>;
}

/** A TextEmbedder that can embed texts ahead of the calls that will ask for them. */
export interface PrefetchingEmbedder extends TextEmbedder {
  /**
   * Embeds `texts` in one request, now; until the returned function is called, `embed` and
   * `embedBatch` serve these texts from that request instead of asking again.
   */
  prefetch(texts: readonly string[]): () => void;
}

interface Prefetched {
  vector: Promise<number[]>;
  holders: number;
}

/**
 * Wraps `inner` so that a search's texts can be embedded in one round trip. mem0's search embeds
 * the query, searches with it, and only then embeds the entities it found in the query: two
 * round trips one after the other. Prefetching the query and its entities together leaves one.
 * Vectors are cached only while someone holds them (a search in progress), never kept.
 * Only for providers that ignore `memoryAction` (Gemini's does): a prefetched vector is served
 * whatever action asks for it.
 */
export function createPrefetchingEmbedder(inner: TextEmbedder): PrefetchingEmbedder {
  const held = new Map<string, Prefetched>();

  /** The prefetched vector of `text`, or a request of its own if the prefetch failed. */
  function served(text: string, entry: Prefetched, memoryAction?: string): Promise<number[]> {
    return entry.vector.catch(() => inner.embed(text, memoryAction));
  }

  return {
    prefetch(texts) {
      const wanted = [...new Set(texts)];
      const missing = wanted.filter((text) => !held.has(text));
      if (missing.length > 0) {
        const batch = inner.embedBatch(missing).then((vectors) => {
          // A provider that merges a batch into one embedding (gemini-embedding-2 through mem0)
          // returns fewer vectors than texts: each is then fetched on its own, as without this.
          if (vectors.length !== missing.length) throw new Error('embedding batch size mismatch');
          return vectors;
        });
        for (const [i, text] of missing.entries()) {
          const vector = batch.then((vectors) => vectors[i] ?? []);
          // Served later or never: a failure is handled where it is served.
          vector.catch(() => undefined);
          held.set(text, { vector, holders: 0 });
        }
      }
      for (const text of wanted) {
        const entry = held.get(text);
        if (entry) entry.holders++;
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        for (const text of wanted) {
          const entry = held.get(text);
          if (entry && --entry.holders <= 0) held.delete(text);
        }
      };
    },
    embed(text, memoryAction) {
      const entry = held.get(text);
      return entry ? served(text, entry, memoryAction) : inner.embed(text, memoryAction);
    },
    async embedBatch(texts, memoryAction) {
      // Looked up now: a search that ends while this batch waits must not take them away.
      const entries = texts.map((text) => held.get(text));
      const missing = [...new Set(texts.filter((_, i) => entries[i] === undefined))];
      if (entries.every((entry) => entry === undefined))
        return inner.embedBatch(texts, memoryAction);
      const fetched = missing.length > 0 ? await inner.embedBatch(missing, memoryAction) : [];
      // A short answer goes back as it came: mem0 checks the count itself (and skips the boost).
      if (fetched.length !== missing.length) return fetched;
      return Promise.all(
        texts.map((text, i) => {
          const entry = entries[i];
          return entry
            ? served(text, entry, memoryAction)
            : Promise.resolve(fetched[missing.indexOf(text)] ?? []);
        }),
      );
    },
  };
}
