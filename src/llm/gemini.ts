import {
  GoogleGenAI,
  HarmBlockThreshold,
  HarmCategory,
  type SafetySetting,
  setDefaultBaseUrls,
  type ThinkingConfig,
  ThinkingLevel as GeminiThinkingLevel,
} from '@google/genai';
import {
  type ChatModel,
  ChatModelError,
  type ChatOutcome,
  type ChatRequestSource,
  resolveChatRequest,
  type StreamOptions,
  type ThinkingLevel,
} from './chat-model.js';
import {
  type GeminiResponseLike,
  mapGeminiError,
  mapGeminiResponse,
  mapGeminiUsage,
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
  /** How much the model thinks before each answer; the model's own default when absent. */
  thinkingLevel?: ThinkingLevel;
}

const geminiLevels: Record<ThinkingLevel, GeminiThinkingLevel> = {
  minimal: GeminiThinkingLevel.MINIMAL,
  low: GeminiThinkingLevel.LOW,
  medium: GeminiThinkingLevel.MEDIUM,
  high: GeminiThinkingLevel.HIGH,
};

/**
 * The models known to accept MINIMAL (https://ai.google.dev/gemini-api/docs/generate-content/thinking#thinking-levels,
 * and probes of the live API): the Flash-Lite line, 3 Flash Preview, 3.5 and 3.6 Flash. Gemini
 * 3.7 and 3.8 Flash, 3.1 Pro and 4 Argon answer 400 "Thinking level MINIMAL is not supported for
 * this model", and so may the next model: everything else gets LOW, the least they all take.
 */
const acceptsMinimal =
  /^gemini-3(?:\.\d+)?-flash-lite|^gemini-3-flash-preview|^gemini-3\.[56]-flash/;

/**
 * Gemini 2.5 budgets in tokens, as Google's OpenAI-compatible endpoint maps reasoning effort
 * (low, medium, high = 1,024, 8,192, 24,576; https://ai.google.dev/gemini-api/docs/openai).
 * Minimal is 0, thinking off, which 2.5 Flash and Flash-Lite allow; 2.5 Pro cannot stop thinking
 * and takes 128 to 32,768 (https://ai.google.dev/gemini-api/docs/thinking#set-budget).
 */
const gemini25Budgets: Record<ThinkingLevel, number> = {
  minimal: 0,
  low: 1_024,
  medium: 8_192,
  high: 24_576,
};
const gemini25ProLeastBudget = 128;

/** Models from before thinking (1.x, 2.0): they refuse any thinking config. */
const thinksNot = /^gemini-(?:1\.|2\.0-)/;

/**
 * The SDK's thinking config for `level` on `model`: Gemini 2.5 models reject thinkingLevel and
 * take a token budget; Gemini 3 and any model this cannot place take thinkingLevel, with minimal
 * raised to low where the model does not accept it. Never both: the API rejects that with 400.
 * Undefined for a model that does not think (Gemini 1.x and 2.0), which would refuse either.
 */
export function geminiThinkingConfig(
  model: string,
  level: ThinkingLevel,
): ThinkingConfig | undefined {
  const id = model.replace(/^models\//, '').toLowerCase();
  if (thinksNot.test(id)) return undefined;
  if (id.startsWith('gemini-2.5-')) {
    const budget = gemini25Budgets[level];
    const isPro = id.startsWith('gemini-2.5-pro');
    return { thinkingBudget: isPro ? Math.max(budget, gemini25ProLeastBudget) : budget };
  }
  if (level === 'minimal' && !acceptsMinimal.test(id)) {
    return { thinkingLevel: GeminiThinkingLevel.LOW };
  }
  return { thinkingLevel: geminiLevels[level] };
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
  const thinkingConfig =
    options.thinkingLevel === undefined
      ? undefined
      : geminiThinkingConfig(options.model, options.thinkingLevel);
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
            ...(thinkingConfig === undefined ? {} : { thinkingConfig }),
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
          return { kind: 'answer', text, truncated: false, interrupted: true, ...usageOf(merged) };
        throw mapGeminiError(error);
      }
      // A stream stopped for safety or recitation is a refusal, however much text came first;
      // the core replaces what was shown with its notice.
      const outcome = mapGeminiResponse(merged);
      if (outcome.kind !== 'answer') return outcome;
      // Gemini ends every complete stream with a finish reason; without one, the connection was cut.
      const finished = merged.candidates?.[0]?.finishReason !== undefined;
      return { ...outcome, text, ...usageOf(merged), ...(finished ? {} : { interrupted: true }) };
    },
  };
}

/** `{ usage }` when the stream reported usage, else nothing (for spreading into an answer). */
function usageOf(merged: GeminiResponseLike) {
  const usage = mapGeminiUsage(merged.usageMetadata);
  return usage === undefined ? {} : { usage };
}
