/** Longest message content Discord accepts, in characters (UTF-16 units). https://discord.com/developers/docs/resources/message#create-message */
export const discordMessageLimit = 2000;

/**
 * Allowed mentions for everything the bot writes: nothing it writes may ping anyone (@everyone,
 * @here, roles, users, the person replied to), whatever the model wrote.
 * https://discord.com/developers/docs/resources/message#allowed-mentions-object
 */
export const noPings = { parse: [], repliedUser: false } as const;
