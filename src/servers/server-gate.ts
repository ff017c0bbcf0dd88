import type { ServerPlace } from '../conversation/turn.js';
import type { Logger } from '../logger.js';
import { budgetDay, type ServerSettings, talksIn } from './server-settings.js';
import type { ServerSettingsStore } from './server-settings-store.js';

/** What to do with a message addressed to the bot in a server, as its settings say. */
export type ServerDecision =
  /** Answer it, with what the server chose (undefined: the server changed nothing). */
  | { kind: 'answer'; server: ServerPlace | undefined }
  /**
   * The bot does not talk in this channel: nothing public. `hint`: tell the person privately
   * where it does (once per person and server, in this process).
   */
  | { kind: 'not-here'; hint: boolean }
  /**
   * The server's daily budget is spent: say so (publicly, briefly) and when it resets, once a
   * day to each person (`notice` absent: they were told today).
   */
  | { kind: 'over-budget'; notice?: string };

/** Decides, from a server's settings, how the bot answers there. */
export interface ServerGate {
  decide(message: {
    guildId: string;
    /** The channel the settings name (a thread's parent). */
    channelId: string;
    /** The author's Discord user id. */
    authorId: string;
    /** A crisis is answered whatever the budget (and, where the bot may not talk, privately). */
    crisis: boolean;
  }): Promise<ServerDecision>;
  /** The bot left the server: its settings go (its members' memories stay theirs). */
  removed(guildId: string): Promise<void>;
}

// How long a message waits for its server's settings before it is answered as if there were none.
const settingsWaitMs = 1_000;
// People told something once per server (a hint, memory off), kept at most; oldest out first.
const maxTold = 100_000;

/** A ServerGate over a settings store; a store that fails answers as if the server set nothing. */
export function createServerGate(options: {
  store: ServerSettingsStore;
  logger: Logger;
  now?: () => number;
}): ServerGate {
  const { store, logger } = options;
  const now = options.now ?? Date.now;
  const told = new Set<string>();
  /** True the first time for this key. */
  function firstTime(key: string): boolean {
    if (told.has(key)) return false;
    told.add(key);
    if (told.size > maxTold) told.delete(told.values().next().value ?? '');
    return true;
  }

  async function settingsOf(guildId: string): Promise<ServerSettings | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        store.get(guildId),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('server settings timed out')), settingsWaitMs);
        }),
      ]);
    } catch (error) {
      // Answered as before there were settings: better than a silence nobody can explain.
      logger.error({ err: error, guildId }, 'server settings could not be read');
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async decide({ guildId, channelId, authorId, crisis }) {
      const settings = await settingsOf(guildId);
      if (settings === undefined) return { kind: 'answer', server: undefined };
      if (!talksIn(settings, channelId)) {
        return { kind: 'not-here', hint: firstTime(`hint|${guildId}|${authorId}`) };
      }
      if (settings.dailyAnswers !== undefined && !crisis) {
        const { day, resetsAt } = budgetDay(now());
        try {
          const spent = await store.spend(guildId, day, settings.dailyAnswers);
          if (!spent.allowed) {
            if (!firstTime(`budget|${guildId}|${authorId}|${day}`)) return { kind: 'over-budget' };
            return {
              kind: 'over-budget',
              notice: `I've given all ${settings.dailyAnswers} answers this server has for today. I'll be back here <t:${Math.floor(resetsAt / 1000)}:R> (midnight UTC); you can DM me any time.`,
            };
          }
        } catch (error) {
          logger.error({ err: error, guildId }, 'server answer count could not be kept');
        }
      }
      const memoryOff = settings.memory === 'off';
      return {
        kind: 'answer',
        server: {
          personaAddition: settings.personaAddition,
          memoryOff,
          sayMemoryOff: memoryOff && firstTime(`memory-off|${guildId}|${authorId}`),
          minorsSpace: settings.minorsSpace,
          crisisRegion: settings.crisisRegion,
          crisisLines: settings.crisisLines,
        },
      };
    },
    async removed(guildId) {
      await store.remove(guildId);
      for (const key of [...told]) if (key.includes(`|${guildId}|`)) told.delete(key);
    },
  };
}

/** Where the bot talks, said privately to someone who addressed it in a channel where it does not. */
export const notHereHint =
  "I can't talk in that channel: this server's admins chose where I do. You can talk with me here in a DM any time, or in one of the server's channels where I answer.";
