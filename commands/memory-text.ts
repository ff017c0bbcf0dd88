import type { StoredMemory } from '../src/memory/memory-store.js';
import { cutWithEllipsis } from '../src/text/cut-text.js';

/** Where a memory was said, in words. */
function describeOrigin(memory: StoredMemory): string {
  switch (memory.origin?.kind) {
    case 'dm':
      return 'in a DM';
    case 'guild':
      return `in server ${memory.origin.guildId ?? 'unknown'}`;
    case 'terminal':
      return 'in the terminal chat';
    default:
      return 'somewhere unrecorded';
  }
}

/** One line describing a memory, cut to `maxChars`. */
export function memoryLine(memory: StoredMemory, maxChars = 280): string {
  const text = memory.text.replace(/\s+/g, ' ').trim();
  const cut = cutWithEllipsis(text, maxChars);
  const date = memory.createdAt?.slice(0, 10) ?? 'undated';
  return `${cut} — *${date}, ${describeOrigin(memory)}*`;
}
