import type { ReplyOffer, ReplyTarget } from '../../src/conversation/reply-target.js';
import {
  type ChatModel,
  type ChatOutcome,
  type ChatRequest,
  type ChatRequestSource,
  resolveChatRequest,
  type StreamOptions,
} from '../../src/llm/chat-model.js';
import type { Logger } from '../../src/logger.js';
import type {
  ExchangeMessage,
  MemoryOrigin,
  MemoryStore,
  RecalledMemory,
  StoredMemory,
} from '../../src/memory/memory-store.js';
import type { MemoryUserId } from '../../src/memory/user-id.js';

const nothing = () => {};
/** A logger that writes nothing. */
export const silentLogger: Logger = {
  fatal: nothing,
  error: nothing,
  warn: nothing,
  info: nothing,
  debug: nothing,
  trace: nothing,
};

/** What a model call reports while it waits in line. */
export type ModelWait = Parameters<NonNullable<StreamOptions['onWaiting']>>[0];

/** A chat model that records requests and answers from a script; an unscripted call throws. */
export class ScriptedChatModel implements ChatModel {
  readonly requests: ChatRequest[] = [];
  private readonly script: Array<ChatOutcome | Error> = [];
  /** What each scripted call reports to `onWaiting` first, in the order of `script`. */
  private readonly waits: Array<ModelWait | undefined> = [];

  answer(...outcomes: Array<ChatOutcome | Error>): this {
    this.script.push(...outcomes);
    return this;
  }

  /** The call the next scripted outcome answers first reports `wait`, as a gate's line does. */
  waitFirst(wait: ModelWait): this {
    this.waits[this.script.length] = wait;
    return this;
  }

  async stream(source: ChatRequestSource, options?: StreamOptions): Promise<ChatOutcome> {
    const wait = this.waits.shift();
    if (wait !== undefined) options?.onWaiting?.(wait);
    this.requests.push(resolveChatRequest(source));
    const next = this.script.shift();
    if (next === undefined) throw new Error('ScriptedChatModel: unscripted call');
    if (next instanceof Error) throw next;
    if (next.kind === 'answer') {
      // Streams the answer in two halves, as the real model does in chunks.
      options?.onText?.(next.text.slice(0, Math.ceil(next.text.length / 2)));
      options?.onText?.(next.text);
    }
    return next;
  }
}

/** An in-memory MemoryStore that records calls and matches memories by shared words. */
export class RecordingMemoryStore implements MemoryStore {
  readonly searches: Array<{ userId: MemoryUserId; query: string; origin: MemoryOrigin }> = [];
  readonly adds: Array<{
    userId: MemoryUserId;
    messages: ExchangeMessage[];
    origin: MemoryOrigin;
  }> = [];
  readonly stored = new Map<MemoryUserId, string[]>();
  searchFailure: Error | undefined;
  searchDelayMs = 0;

  async search(
    userId: MemoryUserId,
    query: string,
    options: { limit: number; origin: MemoryOrigin },
  ): Promise<RecalledMemory[]> {
    this.searches.push({ userId, query, origin: options.origin });
    if (this.searchDelayMs > 0) await new Promise((r) => setTimeout(r, this.searchDelayMs));
    if (this.searchFailure) throw this.searchFailure;
    const words = new Set(query.toLowerCase().split(/\W+/).filter(Boolean));
    return (this.stored.get(userId) ?? [])
      .filter((text) =>
        text
          .toLowerCase()
          .split(/\W+/)
          .some((w) => words.has(w)),
      )
      .map((text, i) => ({ id: String(i), text, createdAt: undefined, score: 1 }));
  }

  async add(userId: MemoryUserId, messages: readonly ExchangeMessage[], origin: MemoryOrigin) {
    this.adds.push({ userId, messages: [...messages], origin });
  }

  async list(userId: MemoryUserId): Promise<StoredMemory[]> {
    return (this.stored.get(userId) ?? []).map((text, i) => ({
      id: String(i),
      text,
      createdAt: undefined,
      score: undefined,
      origin: undefined,
    }));
  }

  async delete(userId: MemoryUserId, memoryId: string): Promise<boolean> {
    const texts = this.stored.get(userId) ?? [];
    const index = Number(memoryId);
    if (!(index in texts)) return false;
    texts.splice(index, 1);
    return true;
  }

  async deleteAll(userId: MemoryUserId): Promise<void> {
    this.stored.delete(userId);
  }

  async listEntities(): Promise<string[]> {
    return [];
  }

  async close() {}
}

/** A ReplyTarget that records what the person would see. */
export class RecordingReplyTarget implements ReplyTarget {
  /** Final texts, one per completed turn. */
  readonly sent: string[] = [];
  readonly notices: string[] = [];
  readonly updates: string[] = [];
  /** Messages posted at once, apart from the answer (crisis lines). */
  readonly sentNow: string[] = [];
  /** What each completed turn offered, in the order of `sent`. */
  readonly offers: Array<readonly ReplyOffer[]> = [];
  typingStarted = 0;
  typingStopped = 0;

  startTyping() {
    this.typingStarted++;
    let stopped = false;
    return () => {
      if (!stopped) this.typingStopped++;
      stopped = true;
    };
  }

  async notice(text: string) {
    this.notices.push(text);
  }

  update(text: string) {
    this.updates.push(text);
  }

  async complete(text: string, offers: readonly ReplyOffer[] = []) {
    this.sent.push(text);
    this.offers.push(offers);
  }

  async sendNow(text: string) {
    this.sentNow.push(text);
  }
}
