import type { MemoryOrigin } from './memory-store.js';

const snowflake = /^\d{17,20}$/;

/**
 * The mem0 session (run_id) a memory is written under: one per audience, since that is where
 * privacy differs. Private talk (DMs, the terminal) shares one session each; in a server, each
 * channel's audience has its own (a public thread shares its parent channel's, a private thread
 * has its own; see `audienceChannelId`). mem0 builds its extraction context from the session, so
 * an exchange in one channel never sees what was said in a DM or in another channel.
 */
export function memorySession(origin: MemoryOrigin): string {
  if (origin.kind === 'guild') {
    if (!origin.guildId || !snowflake.test(origin.guildId)) {
      throw new Error('Refusing a server memory without a valid server id');
    }
    if (!origin.audienceChannelId || !snowflake.test(origin.audienceChannelId)) {
      throw new Error('Refusing a server memory without a valid channel id');
    }
    return `guild-${origin.guildId}-channel-${origin.audienceChannelId}`;
  }
  return origin.kind === 'terminal' ? 'terminal' : 'dm';
}

/**
 * The scope rule, used by every recall path: in private (a DM or the terminal) a person's own
 * memories from anywhere may be recalled; in a server only what they said before to the same
 * audience (the same channel, or a private thread). Memories of a server made before channels
 * had sessions of their own (session `guild-<id>`) are never recalled in a server.
 * Returns the session to restrict recall to, or undefined for all of the person's memories.
 */
export function recallSession(origin: MemoryOrigin): string | undefined {
  return origin.kind === 'guild' ? memorySession(origin) : undefined;
}
