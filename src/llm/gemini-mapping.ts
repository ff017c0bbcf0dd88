import { ChatModelError, type ChatOutcome } from './chat-model.js';

/** The parts of a Gemini GenerateContentResponse that decide the outcome. */
export interface GeminiResponseLike {
  candidates?: Array<{
    content?: { parts?: Array<{ text?: string; thought?: boolean }> };
    finishReason?: string;
  }>;
  promptFeedback?: { blockReason?: string };
  usageMetadata?: {
    promptTokenCount?: number;
    cachedContentTokenCount?: number;
    candidatesTokenCount?: number;
    thoughtsTokenCount?: number;
  };
}

/** The tokens one answer used; see the answer member of ChatOutcome. */
export type ChatUsage = NonNullable<Extract<ChatOutcome, { kind: 'answer' }>['usage']>;

/**
 * Maps Gemini's usageMetadata to the tokens an answer used; a count Gemini leaves out is 0
 * (it omits cachedContentTokenCount without a cache hit, thoughtsTokenCount without thinking).
 * Undefined when the response carried no usage at all.
 */
export function mapGeminiUsage(
  usage: GeminiResponseLike['usageMetadata'] | undefined,
): ChatUsage | undefined {
  if (usage === undefined) return undefined;
  return {
    promptTokens: usage.promptTokenCount ?? 0,
    cachedTokens: usage.cachedContentTokenCount ?? 0,
    outputTokens: usage.candidatesTokenCount ?? 0,
    thoughtsTokens: usage.thoughtsTokenCount ?? 0,
  };
}

/**
 * Maps a Gemini response to what the conversation core needs: text, or why there is none. A
 * candidate stopped for safety or recitation is a refusal whatever text came before the stop
 * (a stream can write half an answer first), so that the person never sees it as an answer.
 */
export function mapGeminiResponse(response: GeminiResponseLike): ChatOutcome {
  if (response.promptFeedback?.blockReason) return { kind: 'refused', reason: 'blocked-prompt' };
  const candidate = response.candidates?.[0];
  const finishReason = candidate?.finishReason ?? 'STOP';
  const stoppedFor = refusalReason(finishReason);
  if (stoppedFor !== undefined) return { kind: 'refused', reason: stoppedFor };
  const text = (candidate?.content?.parts ?? [])
    .filter((part) => !part.thought && typeof part.text === 'string')
    .map((part) => part.text)
    .join('');
  if (text.trim() !== '') {
    return { kind: 'answer', text, truncated: finishReason === 'MAX_TOKENS' };
  }
  return { kind: 'refused', reason: 'no-answer' };
}

/** Why Gemini withheld an answer, for the finish reasons that mean it stopped one itself. */
function refusalReason(finishReason: string): 'safety' | 'recitation' | undefined {
  // https://ai.google.dev/api/generate-content#FinishReason
  switch (finishReason) {
    case 'SAFETY':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
      return 'safety';
    case 'RECITATION':
      return 'recitation';
    default:
      return undefined;
  }
}

/**
 * Folds one streamed chunk into a response that holds every part, the last finish reason, any
 * block and the last usage (each chunk reports usage so far; the last one, the whole call's).
 */
export function mergeChunk(into: GeminiResponseLike, chunk: GeminiResponseLike): void {
  if (chunk.promptFeedback?.blockReason) into.promptFeedback = chunk.promptFeedback;
  if (chunk.usageMetadata) into.usageMetadata = chunk.usageMetadata;
  const candidate = chunk.candidates?.[0];
  if (!candidate) return;
  const target = (into.candidates ??= [{ content: { parts: [] } }])[0];
  if (!target) return;
  target.content?.parts?.push(...(candidate.content?.parts ?? []));
  if (candidate.finishReason) target.finishReason = candidate.finishReason;
}

/** Maps anything @google/genai throws to a ChatModelError with a stable code. */
export function mapGeminiError(error: unknown): ChatModelError {
  if (error instanceof ChatModelError) return error;
  const name = error instanceof Error ? error.name : '';
  if (name === 'AbortError' || name === 'TimeoutError') {
    return new ChatModelError('timeout', undefined, { cause: error });
  }
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status !== 'number')
    return new ChatModelError('unavailable', undefined, { cause: error });
  const retryAfterMs = retryDelayFromBody(error instanceof Error ? error.message : '');
  if (status === 429) return new ChatModelError('rate-limited', retryAfterMs, { cause: error });
  if (status === 401 || status === 403)
    return new ChatModelError('unauthorized', undefined, { cause: error });
  if (status === 408 || status >= 500)
    return new ChatModelError('unavailable', retryAfterMs, { cause: error });
  // Google answers an invalid API key with 400 INVALID_ARGUMENT and a reason of API_KEY_INVALID.
  if (/API key not valid|API_KEY_INVALID/.test(error instanceof Error ? error.message : '')) {
    return new ChatModelError('unauthorized', undefined, { cause: error });
  }
  return new ChatModelError('rejected', undefined, { cause: error });
}

/** Reads google.rpc.RetryInfo's `retryDelay` ("37s", "1.5s") from an ApiError message, in ms. */
function retryDelayFromBody(message: string): number | undefined {
  const match = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(message);
  return match?.[1] === undefined ? undefined : Math.ceil(Number(match[1]) * 1000);
}
