import { type ChatModel, ChatModelError } from '../llm/chat-model.js';
import type { Logger } from '../logger.js';
import type { MemoryOrigin, MemoryStore, RecalledMemory } from '../memory/memory-store.js';
import type { MemoryUserId } from '../memory/user-id.js';
import type { BackgroundWork } from './background-work.js';
import { noticeForModelError, notices } from './notices.js';
import { buildPrompt } from './prompt.js';
import { withTimeout } from './with-timeout.js';

/** One message from one person, ready for an answer. */
export interface Turn {
  userId: MemoryUserId;
  text: string;
  origin: MemoryOrigin;
}

/** Where the answer to a turn goes (a Discord channel, the terminal, a test). */
export interface ReplyTarget {
  /** Shows that an answer is being prepared, until the returned function is called. */
  startTyping(): () => void;
  /** Delivers one complete text to the person. */
  send(text: string): Promise<void>;
}

/** What the person saw at the end of a turn. */
export interface TurnResult {
  kind: 'answer' | 'notice';
  /** How many long-term memories were recalled into the prompt. */
  memoriesUsed: number;
}

/** Collaborators and limits of the conversation core. */
export interface ConversationOptions {
  memory: MemoryStore;
  model: ChatModel;
  persona: string;
  maxMemoriesPerPrompt: number;
  memorySearchTimeoutMs: number;
  background: BackgroundWork;
  logger: Logger;
}

/** The turn pipeline: recall → ask the model → reply → remember, with exactly one visible outcome. */
export interface Conversation {
  /** Answers one turn; never throws for an upstream failure (the person gets a notice instead). */
  respond(turn: Turn, target: ReplyTarget): Promise<TurnResult>;
}

/** Builds the conversation core from its collaborators; it knows nothing of Discord, Gemini or mem0. */
export function createConversation(options: ConversationOptions): Conversation {
  const { memory, model, logger } = options;

  async function recall(turn: Turn): Promise<RecalledMemory[]> {
    try {
      const found = await withTimeout(
        memory.search(turn.userId, turn.text, { limit: options.maxMemoriesPerPrompt }),
        options.memorySearchTimeoutMs,
      );
      return found.filter((item) => item.text.trim() !== '').slice(0, options.maxMemoriesPerPrompt);
    } catch (error) {
      // Answering without memories beats not answering; the prompt then claims nothing remembered.
      logger.warn({ err: error }, 'memory search failed; answering without memories');
      return [];
    }
  }

  return {
    async respond(turn, target) {
      const text = turn.text.trim();
      if (text === '') {
        await target.send(notices.invalidInput);
        return { kind: 'notice', memoriesUsed: 0 };
      }
      const stopTyping = target.startTyping();
      try {
        const memories = await recall(turn);
        let reply: string;
        let answered = false;
        try {
          const outcome = await model.generate(
            buildPrompt({ persona: options.persona, memories, message: text }),
          );
          if (outcome.kind === 'answer') {
            reply = outcome.text;
            answered = true;
          } else {
            logger.info({ reason: outcome.reason }, 'model gave no answer');
            reply = outcome.reason === 'no-answer' ? notices.refusedOther : notices.refusedSafety;
          }
        } catch (error) {
          const modelError =
            error instanceof ChatModelError ? error : new ChatModelError('unavailable', undefined);
          logger.warn({ err: error, code: modelError.code }, 'model call failed');
          reply = noticeForModelError(modelError);
        }
        stopTyping();
        await target.send(reply);
        if (answered) {
          options.background.run('memory-write', () =>
            memory.add(
              turn.userId,
              [
                { role: 'user', content: text },
                { role: 'assistant', content: reply },
              ],
              turn.origin,
            ),
          );
        }
        return { kind: answered ? 'answer' : 'notice', memoriesUsed: memories.length };
      } finally {
        stopTyping();
      }
    },
  };
}
