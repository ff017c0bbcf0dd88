import { describe, expect, it } from 'vitest';
import {
  createPrefetchingEmbedder,
  type TextEmbedder,
} from '../../src/memory/prefetching-embedder.js';

/** An embedder that records each request (the texts it carried) and answers [length of text]. */
function recordingEmbedder(options: { failBatches?: number; mergeBatches?: boolean } = {}) {
  const requests: string[][] = [];
  let failures = options.failBatches ?? 0;
  const embedder: TextEmbedder = {
    embed: async (text) => {
      requests.push([text]);
      return [text.length];
    },
    embedBatch: async (texts) => {
      requests.push([...texts]);
      if (failures > 0) {
        failures--;
        throw new Error('unavailable');
      }
      return options.mergeBatches ? [[0]] : texts.map((text) => [text.length]);
    },
  };
  return { embedder, requests };
}

describe('createPrefetchingEmbedder', () => {
  it('serves a prefetched query and its entities from the one request', async () => {
    const { embedder, requests } = recordingEmbedder();
    const prefetching = createPrefetchingEmbedder(embedder);
    const release = prefetching.prefetch(['how is Ana', 'Ana', 'Lisbon']);

    expect(await prefetching.embed('how is Ana', 'search')).toEqual([10]);
    expect(await prefetching.embedBatch(['Ana', 'Lisbon'], 'search')).toEqual([[3], [6]]);
    release();

    expect(requests).toEqual([['how is Ana', 'Ana', 'Lisbon']]);
  });

  it('asks again once the prefetch is released: nothing is kept', async () => {
    const { embedder, requests } = recordingEmbedder();
    const prefetching = createPrefetchingEmbedder(embedder);
    prefetching.prefetch(['Ana'])();

    await prefetching.embed('Ana');

    expect(requests).toEqual([['Ana'], ['Ana']]);
  });

  it('keeps a text two searches share until both have released it', async () => {
    const { embedder, requests } = recordingEmbedder();
    const prefetching = createPrefetchingEmbedder(embedder);
    const first = prefetching.prefetch(['Ana']);
    const second = prefetching.prefetch(['Ana', 'Lisbon']);
    first();

    await prefetching.embedBatch(['Ana', 'Lisbon']);
    second();

    expect(requests).toEqual([['Ana'], ['Lisbon']]);
  });

  it('fetches only the texts not prefetched, in one request', async () => {
    const { embedder, requests } = recordingEmbedder();
    const prefetching = createPrefetchingEmbedder(embedder);
    const release = prefetching.prefetch(['Ana']);

    expect(await prefetching.embedBatch(['Ana', 'Lisbon', 'Porto'])).toEqual([[3], [6], [5]]);
    release();

    expect(requests).toEqual([['Ana'], ['Lisbon', 'Porto']]);
  });

  it('falls back to a request of its own when the prefetch failed', async () => {
    const { embedder, requests } = recordingEmbedder({ failBatches: 1 });
    const prefetching = createPrefetchingEmbedder(embedder);
    const release = prefetching.prefetch(['how is Ana', 'Ana']);

    expect(await prefetching.embed('how is Ana')).toEqual([10]);
    release();

    expect(requests).toEqual([['how is Ana', 'Ana'], ['how is Ana']]);
  });

  it('falls back when a batch comes back merged into one vector (gemini-embedding-2)', async () => {
    const { embedder, requests } = recordingEmbedder({ mergeBatches: true });
    const prefetching = createPrefetchingEmbedder(embedder);
    const release = prefetching.prefetch(['how is Ana', 'Ana']);

    expect(await prefetching.embed('how is Ana')).toEqual([10]);
    release();

    expect(requests).toEqual([['how is Ana', 'Ana'], ['how is Ana']]);
  });

  it('passes a batch of texts never prefetched straight through', async () => {
    const { embedder, requests } = recordingEmbedder({ mergeBatches: true });
    const prefetching = createPrefetchingEmbedder(embedder);

    // As the inner embedder answered: mem0 checks the count and skips the entity boost itself.
    expect(await prefetching.embedBatch(['Ana', 'Lisbon'])).toEqual([[0]]);
    expect(requests).toEqual([['Ana', 'Lisbon']]);
  });
});
