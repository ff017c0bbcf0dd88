import {
  GoogleGenAI,
  HarmBlockThreshold,
  HarmCategory,
  type SafetySetting,
  setDefaultBaseUrls,
} from '@google/genai';
import {
  type ChatModel,
  ChatModelError,
  type ChatOutcome,
  type ChatRequestSource,
  resolveChatRequest,
  type StreamOptions,
} from './chat-model.js';
import {
  type GeminiResponseLike,
  mapGeminiError,
  mapGeminiResponse,
  mergeChunk,
} from './gemini-mapping.js';

/** Options for the Gemini chat model. */
export interface GeminiChatOptions {
  apiKey: string;
  model: string;
  /** Overrides the API's base URL (a proxy, or a stand-in in tests). */
  baseUrl: string | undefined;
  /** Upper bound for one whole request. */
  requestTimeoutMs: number;
  /**
   * Most tokens the model may write for one answer (thinking included, on models that think);
   * an answer cut by it ends with finish reason MAX_TOKENS and says so.
   */
  maxOutputTokens?: number;
}

/**
 * Safety settings chosen deliberately for a supportive companion: people must be able to talk
 * about painful things (self-harm, abuse, grief) without the answer being blocked, so only
 * high-probability harm is blocked; the persona handles the rest with care.
 */
const companionSafetySettings: SafetySetting[] = [
  HarmCategory.HARM_CATEGORY_HARASSMENT,
  HarmCategory.HARM_CATEGORY_HATE_SPEECH,
  HarmCategory.HARM_CATEGORY_SEXUALLY_EXPLICIT,
  HarmCategory.HARM_CATEGORY_DANGEROUS_CONTENT,
].map((category) => ({ category, threshold: HarmBlockThreshold.BLOCK_ONLY_HIGH }));

/**
 * For someone under 18 (California's SB 243: no sexually explicit content for minors): the
 * companion's settings, with sexual content blocked from low probability up.
 */
const minorSafetySettings: SafetySetting[] = companionSafetySettings.map((setting) =>
  setting.category === HarmCategory.HARM_CATEGORY_SEXUALLY_EXPLICIT
    ? { ...setting, threshold: HarmBlockThreshold.BLOCK_LOW_AND_ABOVE }
    : setting,
);

/**
 * Points every @google/genai client in this process at `baseUrl`, including the ones mem0 open
 * source builds itself (it ignores its own baseURL setting). Call before creating any client.
 */
export function useGeminiBaseUrl(baseUrl: string | undefined): void {
  if (baseUrl !== undefined) setDefaultBaseUrls({ geminiUrl: baseUrl });
}

/** A ChatModel backed by the Gemini API through @google/genai (SSE streaming), one request per call, no SDK retries. */
export function createGeminiChatModel(options: GeminiChatOptions): ChatModel {
  const client = new GoogleGenAI({
    apiKey: options.apiKey,
    httpOptions: {
      timeout: options.requestTimeoutMs,
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    },
  });
  return {
    async stream(source: ChatRequestSource, streamOptions?: StreamOptions): Promise<ChatOutcome> {
      const request = resolveChatRequest(source);
      let text = '';
      const merged: GeminiResponseLike = {};
      try {
        const stream = await client.models.generateContentStream({
          model: options.model,
          contents: request.messages.map((message) => ({
            role: message.role,
            parts: [...(message.data ? [{ text: message.data }] : []), { text: message.text }],
          })),
          config: {
            systemInstruction: request.systemInstruction,
            safetySettings: request.forMinor ? minorSafetySettings : companionSafetySettings,
            ...(options.maxOutputTokens === undefined
              ? {}
              : { maxOutputTokens: options.maxOutputTokens }),
          },
        });
        for await (const chunk of stream) {
          // An SSE `data: {"error":…}` event arrives as a chunk with neither candidates nor
          // feedback (the SDK does not throw for it): the stream broke.
          if (!chunk.candidates && !chunk.promptFeedback)
            throw new ChatModelError('unavailable', undefined);
          mergeChunk(merged, chunk);
          const delta = mapGeminiResponse(chunk);
          if (delta.kind === 'answer') {
            text += delta.text;
            streamOptions?.onText?.(text);
          }
        }
      } catch (error) {
        // A stream that breaks after some text keeps what was shown, marked as cut off.
        if (text.trim() !== '')
          return { kind: 'answer', text, truncated: false, interrupted: true };
        throw mapGeminiError(error);
      }
      // A stream stopped for safety or recitation is a refusal, however much text came first;
      // the core replaces what was shown with its notice.
      const outcome = mapGeminiResponse(merged);
      if (outcome.kind !== 'answer') return outcome;
      // Gemini ends every complete stream with a finish reason; without one, the connection was cut.
      const finished = merged.candidates?.[0]?.finishReason !== undefined;
      return { ...outcome, text, ...(finished ? {} : { interrupted: true }) };
    },
  };
}
