import type { MemoryOrigin } from '../memory/memory-store.js';
import type { MemoryUserId } from '../memory/user-id.js';
import type { CrisisLanguage, CrisisSignal } from '../safety/crisis-detection.js';

/** One message (or several sent together) from one person, ready for an answer. */
export interface Turn {
  userId: MemoryUserId;
  text: string;
  origin: MemoryOrigin;
  /** The place of the conversation (a DM channel, a server channel or thread, the terminal). */
  placeId: string;
  /**
   * The person's forget generation when the message arrived (see ForgetGenerations): the
   * exchange is remembered only if it is still current when answered. Absent: taken at answer time.
   */
  generation?: number;
  /** The server's preferred locale (Discord's), for a message in a server. */
  serverLocale?: string;
  /** Set by the core's crisis screen when the message arrives (see CrisisFirst). */
  safety?: TurnSafety;
  /** The id of the message that started the turn (Discord's), for the turn's log lines. */
  turnId?: string;
  /** What the server's admins chose, for a message in a server that changed its settings. */
  server?: ServerPlace;
}

/** What a server's admins chose for the bot in their server (/settings), as a turn there needs it. */
export interface ServerPlace {
  /** Added to the persona; never in place of the safety rules. */
  personaAddition?: string | undefined;
  /** Nothing said here is recalled from or written to long-term memory. */
  memoryOff: boolean;
  /** Tell the person at the start of the reply that memory is off here (their first turn here). */
  sayMemoryOff: boolean;
  /** Everyone here is treated as a minor by the safety rules. */
  minorsSpace: boolean;
  /** The region whose crisis lines apply here when the person chose none. */
  crisisRegion?: string | undefined;
  /** The server's own lines, listed with the crisis lines. */
  crisisLines: Array<{ name: string; contact: string }>;
}

/** What the safety rules know about a turn when it arrives. */
export interface TurnSafety {
  crisis: CrisisSignal;
  /** The person said they are under 18. */
  minor: boolean;
  /** The region whose crisis lines apply, if anything tells it. */
  region: string | undefined;
  /** The language of notices for this person (their Discord client's, else the server's, else English). */
  language: CrisisLanguage;
  /**
   * For a crisis: the lines posted when it arrived (for `region`, as counted), and whether they
   * reached the person.
   */
  crisisLines?: { text: string; region: string | undefined; delivered: Promise<boolean> };
}

/** What the person saw at the end of a turn. */
export interface TurnResult {
  kind: 'answer' | 'notice';
  /** How many long-term memories were recalled into the prompt. */
  memoriesUsed: number;
  /** The turn was a crisis, answered in crisis mode and held back from long-term memory. */
  crisis?: boolean;
  /** Tokens the answer cost, as the model reported them (cached: the prompt prefix served from its cache). */
  tokens?: { prompt: number; cached: number; output: number; thoughts: number };
}
