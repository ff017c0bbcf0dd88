import { OAuth2Scopes, PermissionFlagsBits } from 'discord.js';

/** The least the bot needs in a server: read and answer messages (also in threads), and attach an export. */
const botPermissions =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AttachFiles;

/** The URL a server admin opens to add the bot, with scopes `bot` and `applications.commands`. */
export function inviteUrl(applicationId: string): string {
  const params = new URLSearchParams({
    client_id: applicationId,
    scope: [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands].join(' '),
    permissions: botPermissions.toString(),
  });
  return `https://discord.com/oauth2/authorize?${params.toString()}`;
}
