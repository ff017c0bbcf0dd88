import type { CommandContext, CommandSafety } from '../../src/discord/command-view.js';
import { type MemoryUserId, memoryUserIdForDiscord } from '../../src/memory/user-id.js';

/** The person every command fake belongs to. */
export const alice: MemoryUserId = memoryUserIdForDiscord('200000000000000001');

/** A stand-in for a collaborator a test does not expect to be used: it throws, naming itself. */
export function unscripted(name: string): () => never {
  return () => {
    throw new Error(`unscripted call: ${name}`);
  };
}

/** Safety settings of which every part throws when used. */
export const unscriptedSafety: CommandSafety = {
  settings: unscripted('safety.settings'),
  update: unscripted('safety.update'),
  forget: unscripted('safety.forget'),
  lines: unscripted('safety.lines'),
  regions: unscripted('safety.regions'),
  rememberWithheld: unscripted('safety.rememberWithheld'),
  policyUrl: undefined,
};

/** A command context for Alice in a DM whose every part throws when used, but the ones given. */
export function commandContext(parts: Partial<CommandContext> = {}): CommandContext {
  return {
    userId: alice,
    place: { kind: 'dm' },
    memory: {
      list: unscripted('memory.list'),
      search: unscripted('memory.search'),
      delete: unscripted('memory.delete'),
      deleteAll: unscripted('memory.deleteAll'),
      listEntities: unscripted('memory.listEntities'),
    },
    forgetShortTerm: unscripted('forgetShortTerm'),
    remember: unscripted('remember'),
    recall: unscripted('recall'),
    safety: unscriptedSafety,
    sleep: unscripted('sleep'),
    ...parts,
  };
}
