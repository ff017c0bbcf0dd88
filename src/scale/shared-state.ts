import type { PersonSnapshot } from '../core.js';
import type { ConfirmationEntries } from '../discord/confirmations.js';

/** What a worker carries of one person to the next worker: the core's state, their open confirmations. */
export interface SharedPerson {
  core: PersonSnapshot;
  confirmations: ConfirmationEntries;
}

/** How far the answer to one message got, as every process of a split bot sees it. */
export interface MessageProgress {
  answered: boolean;
  /** The first message of its answer on Discord, once posted (a retry continues it). */
  replyMessageId: string | undefined;
}

/**
 * What the processes of a split bot (one gateway, any number of workers) share besides the
 * person stream and the limits: the answers' progress (so that a message handed to a second
 * worker is never answered twice), the threads the bot follows for someone, and each person's
 * short-term state, carried from the worker that served them last to the next.
 */
export interface SharedState {
  progress(messageId: string): Promise<MessageProgress>;
  replyStarted(messageId: string, replyMessageId: string): Promise<void>;
  answered(messageId: string): Promise<void>;
  /** The bot follows `threadId` for `authorId` (they mentioned it there). */
  follow(threadId: string, authorId: string): Promise<void>;
  follows(threadId: string, authorId: string): Promise<boolean>;
  /** The person's short-term state as the last worker that served them left it. */
  loadPerson(userId: string): Promise<SharedPerson | undefined>;
  savePerson(userId: string, person: SharedPerson): Promise<void>;
  /**
   * Records that the person asked to be forgotten now, and deletes their short-term state and
   * safety settings: every worker drops the memory writes it queued for them before this.
   */
  forgetPerson(userId: string): Promise<void>;
  /** When the person last asked to be forgotten (ms since the epoch, Redis's clock), if recently. */
  forgottenAt(userId: string): Promise<number | undefined>;
  close(): Promise<void>;
}
