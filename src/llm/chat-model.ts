/**
 * How much a model may think before it answers, least first: more is slower to the first word
 * and costs more tokens, and helps little with a supportive chat answer.
 */
export const thinkingLevels = ['minimal', 'low', 'medium', 'high'] as const;

/** One of {@link thinkingLevels}. */
export type ThinkingLevel = (typeof thinkingLevels)[number];

/** One message of the conversation sent to the model. */
export interface ChatMessage {
  role: 'user' | 'model';
  text: string;
  /**
   * Quoted data that comes with this turn (what is remembered about the person), sent as its
   * own part before `text`: user-derived, so never given the weight of the system instruction.
   */
  data?: string;
}

/** Everything the model is asked in one turn. */
export interface ChatRequest {
  /** The persona and the rules; nothing derived from what anyone said. */
  systemInstruction: string;
  /** Earlier turns, oldest first, ending with the user's new message. */
  messages: readonly ChatMessage[];
  /** The person is under 18: sexual content is blocked at the model's strictest threshold. */
  forMinor?: boolean;
}

/**
 * A request, or how to build it: a function is called only once the call may be sent (after any
 * wait in line), so that it can include what arrived meanwhile.
 */
export type ChatRequestSource = ChatRequest | (() => ChatRequest);

/** The request a source stands for, built now if it is a function. */
export function resolveChatRequest(source: ChatRequestSource): ChatRequest {
  return typeof source === 'function' ? source() : source;
}

/** How a model call ended when it ended normally. */
export type ChatOutcome =
  | {
      kind: 'answer';
      text: string;
      /** The model stopped at its output limit. */
      truncated: boolean;
      /** The stream broke after this text; the rest is lost. */
      interrupted?: boolean;
      /**
       * Tokens the call used, as the service reported them: the whole prompt, the part of it
       * served from the service's cache, the answer, and the thinking before it.
       */
      usage?: {
        promptTokens: number;
        cachedTokens: number;
        outputTokens: number;
        thoughtsTokens: number;
      };
    }
  | { kind: 'refused'; reason: 'blocked-prompt' | 'safety' | 'recitation' | 'no-answer' };

/** Why a model call failed; `retryAfterMs` is set when the service said when to try again. */
export class ChatModelError extends Error {
  override readonly name = 'ChatModelError';
  constructor(
    readonly code: 'rate-limited' | 'unavailable' | 'timeout' | 'rejected' | 'unauthorized',
    readonly retryAfterMs: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(`chat model call failed: ${code}`, options);
  }
}

/** Options of one streamed model call. */
export interface StreamOptions {
  /** Called with the whole text so far each time more arrives. */
  onText?: (textSoFar: string) => void;
  /**
   * Called once when the call has waited a while for a slot: `people-ahead` when other people's
   * calls wait ahead of it (its place counts them, 1 = next), `answer-limit` when it is next and
   * waits only for the per-minute pace or a free slot; `waitMs` is a rough guess of how long
   * until it starts.
   */
  onWaiting?: (wait: {
    reason: 'people-ahead' | 'answer-limit';
    placeInLine: number;
    waitMs: number;
  }) => void;
}

/** A chat model that answers one request at a time, streaming its text. */
export interface ChatModel {
  /** Answers `request`, reporting text as it arrives; throws ChatModelError when the service fails. */
  stream(request: ChatRequestSource, options?: StreamOptions): Promise<ChatOutcome>;
}
