import {
  GoogleGenAI,
  HarmBlockThreshold,
  HarmCategory,
  type SafetySetting,
  setDefaultBaseUrls,
} from '@google/genai';
import type { ChatModel, ChatRequest } from './chat-model.js';
import { mapGeminiError, mapGeminiResponse } from './gemini-mapping.js';

/** Options for the Gemini chat model. */
export interface GeminiChatOptions {
  apiKey: string;
  model: string;
  /** Overrides the API's base URL (a proxy, or a stand-in in tests). */
  baseUrl: string | undefined;
  /** Upper bound for one whole request. */
  requestTimeoutMs: number;
}

/**
 * Safety settings chosen deliberately for a supportive companion: people must be able to talk
 * about painful things (self-harm, abuse, grief) without the answer being blocked, so only
 * high-probability harm is blocked; the persona handles the rest with care.
 */
export const companionSafetySettings: SafetySetting[] = [
  HarmCategory.HARM_CATEGORY_HARASSMENT,
  HarmCategory.HARM_CATEGORY_HATE_SPEECH,
  HarmCategory.HARM_CATEGORY_SEXUALLY_EXPLICIT,
  HarmCategory.HARM_CATEGORY_DANGEROUS_CONTENT,
].map((category) => ({ category, threshold: HarmBlockThreshold.BLOCK_ONLY_HIGH }));

/**
 * Points every @google/genai client in this process at `baseUrl`, including the ones mem0 open
 * source builds itself (it ignores its own baseURL setting). Call before creating any client.
 */
export function useGeminiBaseUrl(baseUrl: string | undefined): void {
  if (baseUrl !== undefined) setDefaultBaseUrls({ geminiUrl: baseUrl });
}

/** A ChatModel backed by the Gemini API through @google/genai, one request per call, no SDK retries. */
export function createGeminiChatModel(options: GeminiChatOptions): ChatModel {
  const client = new GoogleGenAI({
    apiKey: options.apiKey,
    httpOptions: {
      timeout: options.requestTimeoutMs,
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    },
  });
  return {
    async generate(request: ChatRequest) {
      try {
        const response = await client.models.generateContent({
          model: options.model,
          contents: request.messages.map((message) => ({
            role: message.role,
            parts: [{ text: message.text }],
          })),
          config: {
            systemInstruction: request.systemInstruction,
            safetySettings: companionSafetySettings,
          },
        });
        return mapGeminiResponse(response);
      } catch (error) {
        throw mapGeminiError(error);
      }
    },
  };
}
