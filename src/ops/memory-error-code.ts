import type { MemoryErrorCode } from './metrics.js';

// Node's and undici's codes for a server that could not be reached at all.
const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const timeoutCodes = new Set([
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * The bounded code of a failed memory call, from the error's kind, codes and HTTP status only
 * (never its message): mem0's Platform client throws MemoryError with `errorCode` `HTTP_<status>`,
 * and fetch a TypeError whose `cause` carries the system code; our own timeouts are TimeoutError.
 */
export function memoryErrorCode(error: unknown): MemoryErrorCode {
  for (let current = error, depth = 0; depth < 3; depth++) {
    if (typeof current !== 'object' || current === null) break;
    const { name, code, errorCode, status, cause } = current as Record<string, unknown>;
    if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
    const httpStatus =
      typeof status === 'number'
        ? status
        : typeof errorCode === 'string' && /^HTTP_\d{3}$/.test(errorCode)
          ? Number(errorCode.slice(5))
          : undefined;
    if (httpStatus !== undefined) return codeForStatus(httpStatus);
    if (typeof code === 'string') {
      if (unreachableCodes.has(code)) return 'unreachable';
      if (timeoutCodes.has(code)) return 'timeout';
    }
    current = cause;
  }
  return 'other';
}

function codeForStatus(status: number): MemoryErrorCode {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 429) return 'rate-limited';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'unavailable';
  if (status >= 400) return 'rejected';
  return 'other';
}
