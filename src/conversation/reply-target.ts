/**
 * Something offered with a reply, that only the person it answers can take up (a button on
 * Discord, a typed command in the terminal).
 */
export type ReplyOffer =
  /** Keep in long-term memory the crisis exchange held back under `key`. */
  | { kind: 'remember-crisis'; key: string }
  /** Tell the bot they are under 18. */
  | { kind: 'under-18' };

/** Where the answer to a turn goes (a Discord channel, the terminal, a test). */
export interface ReplyTarget {
  /** Shows that an answer is being prepared, until the returned function is called. */
  startTyping(): () => void;
  /** Shows a short status (such as a place in line) that the answer will replace. */
  notice(text: string): Promise<void>;
  /** Shows the answer so far, while the model is still writing; may be coalesced or skipped. */
  update(textSoFar: string): void;
  /**
   * Shows the final text, replacing any status and partial text, and resolves once delivered.
   * An empty text removes whatever was shown. `offers` go with the final text.
   */
  complete(text: string, offers?: readonly ReplyOffer[]): Promise<void>;
  /**
   * Posts `text` at once as a message of its own, apart from the answer and never replaced by it
   * (the crisis lines); paced by nothing but the platform. Resolves once delivered.
   */
  sendNow(text: string): Promise<void>;
}
