import { REST, Routes } from 'discord.js';
import type { SlashCommand } from './command-view.js';

/** Options of `registerCommands`. */
export interface RegisterCommandsOptions {
  token: string;
  applicationId: string;
  /** Register to this server only (instant, for development); globally when absent. */
  guildId: string | undefined;
  /** REST base URL (a proxy or a stand-in); Discord's own when absent. */
  apiUrl: string | undefined;
  commands: readonly SlashCommand[];
}

/** Replaces the application's slash commands with `commands` (Discord's bulk overwrite); returns their names. */
export async function registerCommands(options: RegisterCommandsOptions): Promise<string[]> {
  const rest = new REST(options.apiUrl === undefined ? {} : { api: options.apiUrl }).setToken(
    options.token,
  );
  const route =
    options.guildId === undefined
      ? Routes.applicationCommands(options.applicationId)
      : Routes.applicationGuildCommands(options.applicationId, options.guildId);
  const registered = (await rest.put(route, {
    body: options.commands.map((command) => command.data),
  })) as Array<{ name: string }>;
  return registered.map((command) => command.name);
}

/**
 * The application id a bot token belongs to: its first part is the bot user's id in base64, and
 * a bot user's id is its application's id.
 */
export function applicationIdFromToken(token: string): string | undefined {
  const first = token.split('.')[0] ?? '';
  const id = Buffer.from(first, 'base64').toString('utf8');
  return /^\d{17,20}$/.test(id) ? id : undefined;
}
