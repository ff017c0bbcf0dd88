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
   * An empty text removes whatever was shown.
   */
  complete(text: string): Promise<void>;
}
