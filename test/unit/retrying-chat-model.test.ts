import { describe, expect, it } from 'vitest';
import {
  type ChatModel,
  ChatModelError,
  type ChatOutcome,
  type ChatRequest,
  type StreamOptions,
} from '../../src/llm/chat-model.js';
import { type RetryOptions, withRetries } from '../../src/llm/retrying-chat-model.js';

/** One scripted call: an answer, a failure, or some text and then a failure. */
type Step = ChatOutcome | Error | { textThenFail: string; error: Error };

/** A ChatModel that answers from a script and records its calls; an unscripted call throws. */
class FakeChatModel implements ChatModel {
  calls = 0;
  /** The options each attempt was given. */
  readonly optionsSeen: Array<StreamOptions | undefined> = [];
  private readonly steps: Step[];

  constructor(...steps: Step[]) {
    this.steps = steps;
  }

  async stream(_request: ChatRequest, options?: StreamOptions): Promise<ChatOutcome> {
    this.calls++;
    this.optionsSeen.push(options);
    const step = this.steps.shift();
    if (step === undefined) throw new Error('FakeChatModel: unscripted call');
    if (step instanceof Error) throw step;
    if ('textThenFail' in step) {
      options?.onText?.(step.textThenFail);
      throw step.error;
    }
    if (step.kind === 'answer') options?.onText?.(step.text);
    return step;
  }
}

const request: ChatRequest = {
  systemInstruction: 'Be kind.',
  messages: [{ role: 'user', text: 'hi' }],
};
const answer: ChatOutcome = { kind: 'answer', text: 'Hello.', truncated: false };
const rateLimited = (retryAfterMs?: number) => new ChatModelError('rate-limited', retryAfterMs);
const unavailable = () => new ChatModelError('unavailable', undefined);

function retrying(model: ChatModel, options: RetryOptions = {}) {
  const delays: number[] = [];
  const wrapped = withRetries(model, {
    initialDelayMs: 1_000,
    maxDelayMs: 20_000,
    random: () => 0.5,
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...options,
  });
  return { wrapped, delays };
}

describe('withRetries', () => {
  it('passes an answer through without waiting', async () => {
    const model = new FakeChatModel(answer);
    const { wrapped, delays } = retrying(model);
    await expect(wrapped.stream(request)).resolves.toEqual(answer);
    expect(model.calls).toBe(1);
    expect(delays).toEqual([]);
  });

  it.each(['rate-limited', 'unavailable', 'timeout'] as const)(
    'retries a call that failed with %s before any text',
    async (code) => {
      const model = new FakeChatModel(new ChatModelError(code, undefined), answer);
      const { wrapped } = retrying(model);
      await expect(wrapped.stream(request)).resolves.toEqual(answer);
      expect(model.calls).toBe(2);
    },
  );

  it.each(['rejected', 'unauthorized'] as const)('never retries %s', async (code) => {
    const failure = new ChatModelError(code, undefined);
    const model = new FakeChatModel(failure, answer);
    const { wrapped, delays } = retrying(model);
    await expect(wrapped.stream(request)).rejects.toBe(failure);
    expect(model.calls).toBe(1);
    expect(delays).toEqual([]);
  });

  it('never retries an error that is not a ChatModelError', async () => {
    const bug = new TypeError('boom');
    const model = new FakeChatModel(bug, answer);
    const { wrapped } = retrying(model);
    await expect(wrapped.stream(request)).rejects.toBe(bug);
    expect(model.calls).toBe(1);
  });

  it('does not retry once text was shown, and still reports that text', async () => {
    const failure = unavailable();
    const model = new FakeChatModel({ textThenFail: 'Hel', error: failure }, answer);
    const { wrapped } = retrying(model);
    const seen: string[] = [];
    await expect(wrapped.stream(request, { onText: (text) => seen.push(text) })).rejects.toBe(
      failure,
    );
    expect(model.calls).toBe(1);
    expect(seen).toEqual(['Hel']);
  });

  it('gives up after maxAttempts calls with the last error', async () => {
    const last = unavailable();
    const model = new FakeChatModel(unavailable(), unavailable(), last, answer);
    const { wrapped } = retrying(model, { maxAttempts: 3 });
    await expect(wrapped.stream(request)).rejects.toBe(last);
    expect(model.calls).toBe(3);
  });

  it('backs off exponentially, capped at maxDelayMs', async () => {
    const model = new FakeChatModel(...Array.from({ length: 5 }, unavailable));
    const { wrapped, delays } = retrying(model, {
      maxAttempts: 5,
      initialDelayMs: 1_000,
      maxDelayMs: 3_000,
      random: () => 0.999_999,
    });
    await expect(wrapped.stream(request)).rejects.toBeInstanceOf(ChatModelError);
    expect(model.calls).toBe(5);
    expect(delays).toEqual([1_000, 2_000, 3_000, 3_000]);
  });

  it('adds jitter of at most half the backoff', async () => {
    const steps = () => [unavailable(), unavailable(), answer];
    const low = retrying(new FakeChatModel(...steps()), { random: () => 0 });
    const high = retrying(new FakeChatModel(...steps()), { random: () => 0.999_999 });
    await low.wrapped.stream(request);
    await high.wrapped.stream(request);
    expect(low.delays).toEqual([500, 1_000]);
    expect(high.delays).toEqual([1_000, 2_000]);
  });

  it('waits as long as the service asked (RetryInfo) instead of backing off', async () => {
    const model = new FakeChatModel(rateLimited(7_000), answer);
    const { wrapped, delays } = retrying(model);
    await expect(wrapped.stream(request)).resolves.toEqual(answer);
    expect(delays).toEqual([7_000]);
  });

  it('passes the error on at once when the service asks for a wait longer than maxDelayMs', async () => {
    const failure = rateLimited(37_000);
    const model = new FakeChatModel(failure, answer);
    const { wrapped, delays } = retrying(model, { maxDelayMs: 20_000 });
    await expect(wrapped.stream(request)).rejects.toBe(failure);
    expect(failure.retryAfterMs).toBe(37_000);
    expect(model.calls).toBe(1);
    expect(delays).toEqual([]);
  });

  it('passes the other stream options to every attempt', async () => {
    const model = new FakeChatModel(unavailable(), answer);
    const { wrapped } = retrying(model);
    const seen: string[] = [];
    const onWaiting = () => {};
    await wrapped.stream(request, { onWaiting, onText: (text) => seen.push(text) });
    expect(model.optionsSeen.map((options) => options?.onWaiting)).toEqual([onWaiting, onWaiting]);
    expect(seen).toEqual(['Hello.']);
  });

  it('uses a real timer by default', async () => {
    const model = new FakeChatModel(rateLimited(5), answer);
    const started = Date.now();
    await expect(withRetries(model).stream(request)).resolves.toEqual(answer);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4);
  });
});
