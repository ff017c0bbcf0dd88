import type { MemoryOrigin } from './memory-store.js';

/**
 * The mem0 session (run_id) a memory is written under: one per place where privacy differs.
 * Private talk (DMs, the terminal) shares one session; each server has its own. mem0 builds its
 * extraction context from the session, so a server exchange never sees what was said in a DM.
 */
export function memorySession(origin: MemoryOrigin): string {
  if (origin.kind === 'guild') {
    if (!origin.guildId || !/^\d{17,20}$/.test(origin.guildId)) {
      throw new Error('Refusing a server memory without a valid server id');
    }
    return `guild-${origin.guildId}`;
  }
  return origin.kind === 'terminal' ? 'terminal' : 'dm';
}

/**
 * The scope rule, used by every recall path: in private (a DM or the terminal) a person's own
 * memories from anywhere may be recalled; in a server channel only memories made in that server.
 * Returns the session to restrict recall to, or undefined for all of the person's memories.
 */
export function recallSession(origin: MemoryOrigin): string | undefined {
  return origin.kind === 'guild' ? memorySession(origin) : undefined;
}
