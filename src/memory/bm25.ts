// BM25 keyword ranking exactly as mem0 open source's stock 'memory' vector store computes it
// (`MemoryVectorStore.keywordSearch` in mem0ai 3.3.1), so that our indexed store's keyword hits,
// scores and order are the same as the stock store's over the same candidates.

// The stock store's constants.
const k1 = 1.5;
const b = 0.75;

/** The stock store's tokenizer: lower case, split on whitespace. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

/** What {@link rankBm25} ranks. */
export interface Bm25Query {
  /** The search text; tokenized with {@link tokenize}. */
  query: string;
  /** Each candidate's tokens; document frequencies and the average length are taken over these. */
  documents: ReadonlyArray<readonly string[]>;
  /** Most results. */
  topK: number;
}

/** One ranked document: its index in `documents` and its score. */
export interface Bm25Hit {
  index: number;
  score: number;
}

/**
 * The documents that share a term with the query, best first, at most `topK`: only scores above
 * 0 count, and equal scores keep the documents' order (a stable sort, as the stock store's).
 */
export function rankBm25({ query, documents, topK }: Bm25Query): Bm25Hit[] {
  const n = documents.length;
  if (n === 0) return [];
  const queryTerms = tokenize(query);
  if (queryTerms.length === 0) return [];
  const averageLength = documents.reduce((sum, tokens) => sum + tokens.length, 0) / n;
  const idf = new Map<string, number>();
  for (const term of queryTerms) {
    if (idf.has(term)) continue;
    let containing = 0;
    for (const tokens of documents) if (tokens.includes(term)) containing++;
    idf.set(term, Math.log((n - containing + 0.5) / (containing + 0.5) + 1));
  }
  const scored = documents.map((tokens, index) => {
    const counts = new Map<string, number>();
    for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
    let score = 0;
    // Repeated query terms count once per repetition, as there.
    for (const term of queryTerms) {
      const tf = counts.get(term) ?? 0;
      const termIdf = idf.get(term) || 0;
      score +=
        (termIdf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * tokens.length) / averageLength));
    }
    return { index, score };
  });
  return scored
    .filter((hit) => hit.score > 0)
    .sort((x, y) => y.score - x.score)
    .slice(0, topK);
}
