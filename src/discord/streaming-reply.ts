import { discordMessageLimit } from './discord-limits.js';
import { splitMessage } from './split-message.js';

/** The Discord operations a streaming reply needs, each already paced for its channel. */
export interface MessageSink<Handle> {
  /** Sends a new message; the first one of a reply may be sent as a reply to the person's message. */
  create(content: string, isFirst: boolean): Promise<Handle>;
  edit(handle: Handle, content: string): Promise<void>;
  remove(handle: Handle): Promise<void>;
}

/** A reply that grows while the model writes, shown as one or more messages kept in sync with the text. */
export interface StreamingReply<Handle> {
  /** Replaces what is shown with `text` soon (coalescing rapid calls). */
  show(text: string): void;
  /** Shows exactly `text`, then resolves; later `show` calls are ignored. */
  finish(text: string): Promise<void>;
  /** The last message shown, if any. */
  lastMessage(): Handle | undefined;
}

/**
 * Keeps Discord messages in sync with a growing text: each sync splits the latest text below the
 * limit and creates or edits only the messages that changed. Rapid updates coalesce: at most one
 * sync runs at a time, the next one uses the newest text, and updates wait until
 * `minUpdateIntervalMs` after the previous sync, while the finished text is shown at once (a
 * waiting update is dropped for it rather than sent first).
 */
export function createStreamingReply<Handle>(
  sink: MessageSink<Handle>,
  options: {
    maxLength?: number;
    /** Least time between two syncs of a text still being written; default 0. */
    minUpdateIntervalMs?: number;
    onError: (error: unknown) => void;
    onFirstMessage?: (handle: Handle) => void;
    /** A message already on Discord to continue from (left by a run that stopped mid-answer). */
    initial?: { handle: Handle; content: string };
  },
): StreamingReply<Handle> {
  const maxLength = options.maxLength ?? discordMessageLimit;
  const shown: Array<{ handle: Handle; content: string }> = options.initial
    ? [options.initial]
    : [];
  let desired = '';
  let finished = false;
  const minUpdateIntervalMs = options.minUpdateIntervalMs ?? 0;
  let syncing: Promise<void> | undefined;
  let dirty = false;
  let lastSyncAt = -Infinity;
  let waitingUpdate: ReturnType<typeof setTimeout> | undefined;

  async function syncOnce(text: string, final: boolean): Promise<void> {
    const chunks = splitMessage(text, maxLength);
    for (const [index, content] of chunks.entries()) {
      const current = shown[index];
      if (current === undefined) {
        const handle = await sink.create(content, index === 0);
        shown.push({ handle, content });
        if (index === 0) options.onFirstMessage?.(handle);
      } else if (current.content !== content) {
        await sink.edit(current.handle, content);
        current.content = content;
      }
    }
    if (final) {
      // The final text can be shorter than a status shown before it.
      for (const extra of shown.splice(chunks.length)) await sink.remove(extra.handle);
    }
  }

  function kick(): Promise<void> {
    if (syncing !== undefined) {
      dirty = true;
      return syncing;
    }
    syncing = (async () => {
      lastSyncAt = Date.now();
      try {
        await syncOnce(desired, finished);
      } catch (error) {
        options.onError(error);
        if (finished) throw error;
      }
    })().finally(() => {
      syncing = undefined;
      if (dirty && !finished) {
        dirty = false;
        scheduleUpdate();
      }
    });
    return syncing;
  }

  /** Syncs the text being written once the interval since the last sync has passed. */
  function scheduleUpdate(): void {
    if (syncing !== undefined) {
      dirty = true;
      return;
    }
    if (waitingUpdate !== undefined) return;
    const waitMs = lastSyncAt + minUpdateIntervalMs - Date.now();
    if (waitMs <= 0) {
      kick().catch(() => {});
      return;
    }
    waitingUpdate = setTimeout(() => {
      waitingUpdate = undefined;
      if (!finished) scheduleUpdate();
    }, waitMs);
  }

  return {
    show(text) {
      if (finished || text.trim() === '') return;
      desired = text;
      scheduleUpdate();
    },
    async finish(text) {
      finished = true;
      desired = text;
      clearTimeout(waitingUpdate);
      waitingUpdate = undefined;
      // Wait for a sync in flight, then make sure the final text is what is shown.
      while (syncing !== undefined) await syncing.catch(() => {});
      await kick();
    },
    lastMessage: () => shown.at(-1)?.handle,
  };
}
