import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { type MemoryUserId, memoryUserIdForDiscord } from '../memory/user-id.js';
import { personRegion } from '../safety/crisis-first.js';
import { linesFor } from '../safety/crisis-resources.js';
import { safetyBlockNote, safetyTextLanguage } from '../safety/crisis-texts.js';
import type { SafetySettings } from '../safety/safety-settings.js';
import type { CommandContext, CommandSafety } from './command-view.js';
import { type Confirmations, createConfirmations } from './confirmations.js';
import type { ServerSettingsChange } from '../servers/server-settings.js';
import type { ServerSettingsStore } from '../servers/server-settings-store.js';

/** What commands are given, for every caller. */
export interface CommandServices {
  /** The memory store, deleting through which also clears the deleted text from disk. */
  memory: CommandContext['memory'];
  /** Forgets a person's short-term conversation (see Core.forgetShortTerm). */
  forgetShortTerm(userId: MemoryUserId): Promise<void>;
  /** Drops the text of a Discord user's messages waiting in the inbox. */
  forgetAuthor(discordUserId: string): void;
  safety: SafetySettings;
  /** Queues a held-back crisis exchange for long-term memory (see Core.rememberWithheld). */
  rememberWithheld(userId: MemoryUserId, key: string): boolean;
  crisis: Config['crisis'];
  logger: Logger;
  /** How commands wait; real time by default. */
  sleep?: (ms: number) => Promise<void>;
  /** Where confirmation buttons' values are kept (a worker carries them between processes). */
  confirmations?: Confirmations;
  /** Every server's settings (/settings); without it, commands see no server settings. */
  servers?: ServerSettingsStore;
}

/** What the interaction says of the caller besides who and where. */
export interface CallerRights {
  /** They have Manage Server in the server the command was used in. */
  mayManageServer: boolean;
}

/** Builds the context of each command call: one caller, in one place, speaking one locale. */
export function createCommandContexts(
  services: CommandServices,
): (
  discordUserId: string,
  guildId: string | undefined,
  locale: string,
  rights?: CallerRights,
) => CommandContext {
  const confirmations = services.confirmations ?? createConfirmations();
  const { safety, crisis, logger } = services;
  const sleep =
    services.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /** What `/safety` and its buttons may do for one person, whose Discord client speaks `locale`. */
  function commandSafety(userId: MemoryUserId, locale: string): CommandSafety {
    // The locale of a person's own commands places them better than a server's (see SAFETY.md).
    try {
      if (safety.get(userId).locale !== locale) safety.update(userId, { locale });
    } catch (error) {
      logger.error({ err: error }, 'safety settings could not be written');
    }
    return {
      settings: () => safety.get(userId),
      update: (change) => safety.update(userId, change),
      forget: () => safety.forget(userId),
      lines() {
        const region = personRegion({
          person: safety.get(userId),
          serverLocale: undefined,
          resources: crisis.resources,
          defaultRegion: crisis.defaultRegion,
        });
        const language = safetyTextLanguage(locale);
        const lines = linesFor({ region, language }, crisis.resources);
        return { text: safetyBlockNote({ language, lines }), region: lines.region };
      },
      regions: () =>
        Object.entries(crisis.resources.regions).map(([code, region]) => ({
          code,
          name: region.name,
        })),
      rememberWithheld: (key) => services.rememberWithheld(userId, key),
      policyUrl: crisis.policyUrl,
    };
  }

  return (discordUserId, guildId, locale, rights) => {
    const userId = memoryUserIdForDiscord(discordUserId);
    const servers = services.servers;
    const server =
      guildId === undefined || servers === undefined
        ? undefined
        : {
            guildId,
            mayManage: rights?.mayManageServer === true,
            settings: () => servers.get(guildId),
            change: (change: ServerSettingsChange) =>
              servers.change(guildId, change, { userId: discordUserId, at: Date.now() }),
            recentChanges: () => servers.recentChanges(guildId, 5),
          };
    return {
      ...(server === undefined ? {} : { server }),
      userId,
      place: guildId === undefined ? { kind: 'dm' } : { kind: 'guild', guildId },
      memory: services.memory,
      safety: commandSafety(userId, locale),
      forgetShortTerm: async () => {
        await services.forgetShortTerm(userId);
        services.forgetAuthor(discordUserId);
      },
      remember: (value) => confirmations.remember(discordUserId, value),
      recall: (key) => confirmations.take(discordUserId, key),
      sleep,
    };
  };
}
