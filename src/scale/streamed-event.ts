import type { APIInteraction } from 'discord-api-types/v10';
import type { ServerPlace } from '../conversation/turn.js';
import type { IncomingMessage } from '../discord/message-to-turn.js';

/** What the gateway hands a worker through the person stream (as JSON). */
export type StreamedEvent =
  | {
      kind: 'message';
      message: IncomingMessage;
      /** Who the bot is (its mention is taken out of the text). */
      botUserId: string;
      /** The gateway posted the crisis lines already: the worker answers in crisis mode without posting them again. */
      crisisLinesSent: boolean;
      /** When the gateway received it (ms since the epoch). */
      receivedAt: number;
      /** What the server's admins chose, as the gateway read it (absent: nothing, or a DM). */
      server?: ServerPlace;
    }
  | {
      /** Acknowledged by the gateway already (a deferred reply or update). */
      kind: 'interaction';
      data: APIInteraction;
    };
