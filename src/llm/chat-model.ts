/** One message of the conversation sent to the model. */
export interface ChatMessage {
  role: 'user' | 'model';
  text: string;
}

/** Everything the model is asked in one turn. */
export interface ChatRequest {
  /** The persona and the recalled memories. */
  systemInstruction: string;
  /** Earlier turns, oldest first, ending with the user's new message. */
  messages: readonly ChatMessage[];
}

/** How a model call ended when it ended normally. */
export type ChatOutcome =
  | {
      kind: 'answer';
      text: string /** The model stopped at its output limit. */;
      truncated: boolean;
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

/** A chat model that answers one request at a time. */
export interface ChatModel {
  /** Answers `request`; throws ChatModelError when the service fails. */
  generate(request: ChatRequest): Promise<ChatOutcome>;
}
