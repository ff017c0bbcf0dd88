import { backoffDelayMs } from '../limits/backoff.js';
import { type ChatModel, ChatModelError } from './chat-model.js';

/** How `withRetries` retries; every field has a default. */
export interface RetryOptions {
  /** Most calls made for one request, the first included (default 3). */
  maxAttempts?: number;
  /** Backoff before the second attempt; it doubles for each attempt after (default 1000). */
  initialDelayMs?: number;
  /** Longest wait between attempts; a service asking for a longer wait is not retried (default 20000). */
  maxDelayMs?: number;
  /** Waits `ms`; tests pass a fake that records the delays. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the jitter (default Math.random). */
  random?: () => number;
}

const retryableCodes: ReadonlySet<ChatModelError['code']> = new Set([
  'rate-limited',
  'unavailable',
  'timeout',
]);

/**
 * Wraps a ChatModel so that a call failing with a passing problem (rate limit, outage, timeout) is
 * made again after a backoff, as long as none of its text was shown yet: a retry after text would
 * show the person a second, different answer. When the service says how long to wait (Google's
 * RetryInfo), that wait is used; when it is longer than `maxDelayMs`, the error is passed on at
 * once so that the person is told when to try again instead of waiting in silence.
 */
export function withRetries(model: ChatModel, options: RetryOptions = {}): ChatModel {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const initialDelayMs = options.initialDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 20_000;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /** The wait before attempt `attempt + 1`, or undefined when the error must be passed on now. */
  function delayAfter(error: ChatModelError, attempt: number): number | undefined {
    if (error.retryAfterMs !== undefined) {
      return error.retryAfterMs > maxDelayMs ? undefined : Math.max(0, error.retryAfterMs);
    }
    return backoffDelayMs({ attempt, initialDelayMs, maxDelayMs, random: options.random });
  }

  return {
    async stream(request, streamOptions) {
      let textShown = false;
      const onText = streamOptions?.onText;
      const attemptOptions = {
        ...streamOptions,
        onText: (textSoFar: string) => {
          textShown = true;
          onText?.(textSoFar);
        },
      };
      for (let attempt = 1; ; attempt++) {
        try {
          return await model.stream(request, attemptOptions);
        } catch (error) {
          if (
            !(error instanceof ChatModelError) ||
            !retryableCodes.has(error.code) ||
            textShown ||
            attempt >= maxAttempts
          ) {
            throw error;
          }
          const delayMs = delayAfter(error, attempt);
          if (delayMs === undefined) throw error;
          await sleep(delayMs);
        }
      }
    },
  };
}
