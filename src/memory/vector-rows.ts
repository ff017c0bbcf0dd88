// How a row of the indexed vector store holds a memory: the payload as mem0 gave it (JSON), the
// vector as 32-bit floats, and columns derived from the payload for SQL to filter and search on.
import { normalizePayload, type Payload } from './mem0-filters.js';

/** What the stock keyword search reads from a payload (it throws later if that is not text). */
export function keywordSource(payload: Payload): unknown {
  return payload.textLemmatized || payload.data || '';
}

/** Parses a stored payload and normalizes it, as the stock store does on every read. */
export function readPayload(json: string): Payload {
  return normalizePayload(JSON.parse(json) as Payload);
}

/** The indexed columns of a row, derived from its payload as stored. */
export interface DerivedColumns {
  user_id: string | null;
  run_id: string | null;
  agent_id: string | null;
  /** The text keyword search tokenizes, when it is text. */
  keyword_text: string | null;
}

/** The indexed columns of a row, derived from its payload as stored (JSON). */
export function derivedColumns(payloadJson: string): DerivedColumns {
  let payload: unknown;
  try {
    payload = JSON.parse(payloadJson);
  } catch {
    payload = undefined;
  }
  if (typeof payload !== 'object' || payload === null) {
    return { user_id: null, run_id: null, agent_id: null, keyword_text: null };
  }
  const normalized = normalizePayload(payload as Payload);
  const text = (key: string) => {
    const value = normalized[key];
    return typeof value === 'string' ? value : null;
  };
  const keyword = keywordSource(normalized);
  return {
    user_id: text('user_id'),
    run_id: text('run_id'),
    agent_id: text('agent_id'),
    // NULL: not text, so the search reads the payload and fails as the stock store would.
    keyword_text: typeof keyword === 'string' ? keyword : null,
  };
}

/** A row's vector as floats, without copying when the blob is aligned. */
export function floatsOf(blob: Buffer): Float32Array {
  const length = Math.floor(blob.byteLength / 4);
  if (blob.byteOffset % 4 === 0) return new Float32Array(blob.buffer, blob.byteOffset, length);
  return new Float32Array(new Uint8Array(blob).buffer, 0, length);
}

/** A vector as the blob a row stores: 32-bit floats, as the stock store keeps them. */
export function vectorBlob(vector: readonly number[]): Buffer {
  return Buffer.from(new Float32Array(vector).buffer);
}
