import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { splitMessage } from '../../src/discord/split-message.js';
import { createStreamingReply, type MessageSink } from '../../src/discord/streaming-reply.js';

type Operation =
  | { op: 'create'; content: string; isFirst: boolean; handle: number }
  | { op: 'edit'; content: string; handle: number }
  | { op: 'remove'; handle: number };

/** A channel that records every operation and takes `delayMs` (fake time) for each. */
class RecordingSink implements MessageSink<number> {
  readonly operations: Operation[] = [];
  /** The next create fails with this error. */
  createFailure: Error | undefined;
  private readonly messages = new Map<number, string>();
  private nextHandle = 1;

  constructor(private readonly delayMs = 0) {}

  /** The messages a person sees, oldest first. */
  visible(): string[] {
    return [...this.messages.values()];
  }

  edits(): string[] {
    return this.operations.flatMap((o) => (o.op === 'edit' ? [o.content] : []));
  }

  async create(content: string, isFirst: boolean): Promise<number> {
    await this.pause();
    const failure = this.createFailure;
    if (failure !== undefined) {
      this.createFailure = undefined;
      throw failure;
    }
    const handle = this.nextHandle++;
    this.messages.set(handle, content);
    this.operations.push({ op: 'create', content, isFirst, handle });
    return handle;
  }

  async edit(handle: number, content: string): Promise<void> {
    await this.pause();
    this.messages.set(handle, content);
    this.operations.push({ op: 'edit', content, handle });
  }

  async remove(handle: number): Promise<void> {
    await this.pause();
    this.messages.delete(handle);
    this.operations.push({ op: 'remove', handle });
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.delayMs));
  }
}

/** Words totalling about `length` characters, so that splitting cuts between words. */
function words(length: number, word = 'word'): string {
  return Array.from({ length: Math.ceil(length / (word.length + 1)) }, () => word).join(' ');
}

describe('createStreamingReply', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows the first text as one new message, sent as the reply', async () => {
    const sink = new RecordingSink();
    const reply = createStreamingReply(sink, { onError: () => {} });

    reply.show('Hello');
    await vi.runAllTimersAsync();

    expect(sink.operations).toEqual([{ op: 'create', content: 'Hello', isFirst: true, handle: 1 }]);
  });

  it('tells onFirstMessage once the first message exists', async () => {
    const sink = new RecordingSink(100);
    // What the channel held each time onFirstMessage was told, and which message it was told of.
    const told: Array<{ handle: number; operations: Operation[] }> = [];
    const reply = createStreamingReply(sink, {
      onError: () => {},
      onFirstMessage: (handle) => told.push({ handle, operations: [...sink.operations] }),
    });

    reply.show('Hello');
    await vi.advanceTimersByTimeAsync(99);
    expect(told).toEqual([]);
    await vi.runAllTimersAsync();
    reply.show('Hello there');
    await vi.runAllTimersAsync();

    expect(told).toEqual([
      { handle: 1, operations: [{ op: 'create', content: 'Hello', isFirst: true, handle: 1 }] },
    ]);
  });

  it('does not send a blank text', async () => {
    const sink = new RecordingSink();
    const reply = createStreamingReply(sink, { onError: () => {} });

    reply.show('  \n ');
    await vi.runAllTimersAsync();

    expect(sink.operations).toEqual([]);
  });

  it('coalesces rapid updates made while a sync is in flight into one edit with the newest text', async () => {
    const sink = new RecordingSink(100);
    const reply = createStreamingReply(sink, { onError: () => {} });
    const texts = ['Hel', 'Hello', 'Hello th', 'Hello there', 'Hello there, friend'];

    for (const text of texts) reply.show(text);
    await vi.runAllTimersAsync();

    // The first text is sent at once; the four that came while it was in flight make one edit.
    expect(sink.operations).toEqual([
      { op: 'create', content: 'Hel', isFirst: true, handle: 1 },
      { op: 'edit', content: 'Hello there, friend', handle: 1 },
    ]);
    expect(sink.visible()).toEqual(['Hello there, friend']);
  });

  it('waits the update interval between syncs of a text still being written', async () => {
    const sink = new RecordingSink();
    const reply = createStreamingReply(sink, { onError: () => {}, minUpdateIntervalMs: 1_000 });
    reply.show('One');
    await vi.advanceTimersByTimeAsync(0);
    reply.show('One two');
    await vi.advanceTimersByTimeAsync(400);
    reply.show('One two three');
    await vi.advanceTimersByTimeAsync(590);
    expect(sink.edits()).toEqual([]);
    await vi.advanceTimersByTimeAsync(20);

    expect(sink.edits()).toEqual(['One two three']);
  });

  it('shows the finished text at once instead of waiting for the update interval', async () => {
    const sink = new RecordingSink();
    const reply = createStreamingReply(sink, { onError: () => {}, minUpdateIntervalMs: 1_000 });

    reply.show('One');
    await vi.advanceTimersByTimeAsync(0);
    reply.show('One two');
    await vi.advanceTimersByTimeAsync(100);
    const finished = reply.finish('One two three.');
    await vi.advanceTimersByTimeAsync(0);
    await finished;

    expect(sink.edits()).toEqual(['One two three.']);
    await vi.runAllTimersAsync();
    expect(sink.visible()).toEqual(['One two three.']);
  });

  it('leaves exactly the final text visible, across several messages when it is long', async () => {
    const sink = new RecordingSink(50);
    const reply = createStreamingReply(sink, { onError: () => {} });
    const final = `${words(1500, 'first')}\n\n${words(1500, 'second')}\n\n${words(1500, 'third')}`;

    reply.show('Thinking…');
    reply.show(final.slice(0, 2500));
    const finished = reply.finish(final);
    await vi.runAllTimersAsync();
    await finished;

    expect(sink.visible()).toEqual(splitMessage(final));
    expect(sink.visible().length).toBe(3);
    for (const message of sink.visible()) expect(message.length).toBeLessThanOrEqual(2000);
  });

  it('continues a text that grows past the limit into a second message', async () => {
    const sink = new RecordingSink();
    const reply = createStreamingReply(sink, { onError: () => {} });
    const start = words(1500);
    const grown = `${start}\n\n${words(1000, 'more')}`;

    reply.show(start);
    await vi.runAllTimersAsync();
    reply.show(grown);
    await vi.runAllTimersAsync();

    expect(sink.visible()).toEqual(splitMessage(grown));
    expect(sink.operations.filter((o) => o.op === 'create')).toEqual([
      { op: 'create', content: start, isFirst: true, handle: 1 },
      { op: 'create', content: words(1000, 'more'), isFirst: false, handle: 2 },
    ]);
  });

  it('removes the extra messages when the final text is shorter than a notice shown before it', async () => {
    const sink = new RecordingSink();
    const reply = createStreamingReply(sink, { onError: () => {} });

    reply.show(`${words(1800, 'waiting')}\n\n${words(1800, 'still')}`);
    await vi.runAllTimersAsync();
    expect(sink.visible().length).toBe(2);
    const finished = reply.finish('Here is a short answer.');
    await vi.runAllTimersAsync();
    await finished;

    expect(sink.visible()).toEqual(['Here is a short answer.']);
    expect(sink.operations.at(-1)).toEqual({ op: 'remove', handle: 2 });
  });

  it('ignores show after finish', async () => {
    const sink = new RecordingSink();
    const reply = createStreamingReply(sink, { onError: () => {} });

    const finished = reply.finish('Done.');
    await vi.runAllTimersAsync();
    await finished;
    const before = sink.operations.length;
    reply.show('A late update');
    await vi.runAllTimersAsync();

    expect(sink.operations.length).toBe(before);
    expect(sink.visible()).toEqual(['Done.']);
  });

  it('shows the final text even when finish is called while a sync is in flight', async () => {
    const sink = new RecordingSink(100);
    const reply = createStreamingReply(sink, { onError: () => {} });

    reply.show('Hel');
    reply.show('Hello th');
    const finished = reply.finish('Hello there.');
    await vi.runAllTimersAsync();
    await finished;

    expect(sink.visible()).toEqual(['Hello there.']);
  });

  it('reports a failed create while streaming to onError without rejecting show', async () => {
    const sink = new RecordingSink();
    const failure = new Error('Missing Permissions');
    sink.createFailure = failure;
    const onError = vi.fn();
    const reply = createStreamingReply(sink, { onError });

    expect(() => reply.show('Hello')).not.toThrow();
    await vi.runAllTimersAsync();

    expect(onError).toHaveBeenCalledWith(failure);
    expect(sink.visible()).toEqual([]);
  });

  it('still shows the final text after a failed create while streaming', async () => {
    const sink = new RecordingSink();
    sink.createFailure = new Error('Missing Permissions');
    const reply = createStreamingReply(sink, { onError: () => {} });

    reply.show('Hello');
    await vi.runAllTimersAsync();
    const finished = reply.finish('Hello there.');
    await vi.runAllTimersAsync();
    await finished;

    expect(sink.visible()).toEqual(['Hello there.']);
  });

  it('rejects finish when the final text cannot be shown, and reports the error', async () => {
    const sink = new RecordingSink();
    const failure = new Error('Missing Permissions');
    sink.createFailure = failure;
    const onError = vi.fn();
    const reply = createStreamingReply(sink, { onError });

    const finished = reply.finish('Hello there.');
    const outcome = expect(finished).rejects.toBe(failure);
    await vi.runAllTimersAsync();

    await outcome;
    expect(onError).toHaveBeenCalledWith(failure);
  });
});
