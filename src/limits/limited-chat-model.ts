import type { ChatModel } from '../llm/chat-model.js';
import type { RateGate } from './rate-gate.js';

/** Wraps a ChatModel so that every request passes the gate (Gemini's requests per minute and concurrency). */
export function limitChatModel(model: ChatModel, gate: RateGate): ChatModel {
  return {
    stream(request, options) {
      return gate.schedule(() => model.stream(request, options), options?.onWaiting);
    },
  };
}
