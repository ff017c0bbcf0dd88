/** A mem0 user_id owned by exactly one person, namespaced by where they talk to us (`discord:<snowflake>`). */
export type MemoryUserId = string & { readonly __brand: 'MemoryUserId' };

const snowflake = /^[1-9]\d{16,19}$/;
const terminalName = /^[\p{L}\p{N}._-]{1,64}$/u;

/**
 * Maps a Discord user id to its mem0 user_id. Refuses anything that is not a snowflake:
 * mem0 reads an empty id as "every memory", so a bad id must never reach it.
 */
export function memoryUserIdForDiscord(discordUserId: string): MemoryUserId {
  if (!snowflake.test(discordUserId)) {
    throw new Error(
      `Refusing a malformed Discord user id (${JSON.stringify(discordUserId.slice(0, 32))})`,
    );
  }
  return `discord:${discordUserId}` as MemoryUserId;
}

/** Maps a local terminal user name to its mem0 user_id (`terminal:<name>`). */
export function memoryUserIdForTerminal(name: string): MemoryUserId {
  if (!terminalName.test(name)) {
    throw new Error(
      `Refusing a malformed terminal user name (${JSON.stringify(name.slice(0, 32))})`,
    );
  }
  return `terminal:${name}` as MemoryUserId;
}

/** True when a value is a well-formed namespaced memory user id; adapters check this before every call. */
export function isMemoryUserId(value: string): value is MemoryUserId {
  const [namespace, id, extra] = value.split(':');
  if (extra !== undefined || id === undefined) return false;
  if (namespace === 'discord') return snowflake.test(id);
  if (namespace === 'terminal') return terminalName.test(id);
  return false;
}

/** Throws unless `userId` is well formed: the last guard before every memory backend call. */
export function requireMemoryUserId(userId: string): MemoryUserId {
  if (!isMemoryUserId(userId))
    throw new Error('Refusing a memory call without a well-formed user id');
  return userId;
}
