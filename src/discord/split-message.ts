import { safeCutIndex } from '../text/cut-text.js';
import { discordMessageLimit } from './discord-limits.js';

const fenceLine = /^\s*```([^\s`]*)/;
/** Longest language carried over when a code block is reopened; a longer "language" is a long word. */
const maxLanguageLength = 20;
const closingFence = '\n```';

/**
 * Splits a reply into Discord messages of at most `maxLength` characters, cutting at a paragraph,
 * then a line, then a word boundary. A code block cut in two is closed and reopened with the same
 * language; no message is empty or whitespace-only.
 */
export function splitMessage(text: string, maxLength = discordMessageLimit): string[] {
  const chunks: string[] = [];
  let rest = text;
  let openFence: string | undefined;
  while (rest.trim() !== '') {
    const prefix = openFence === undefined ? '' : `${openFence}\n`;
    if (prefix.length + rest.length <= maxLength) {
      pushVisible(chunks, prefix + rest);
      break;
    }
    const budget = maxLength - prefix.length - closingFence.length;
    const { end, resume } = findCut(rest, budget);
    const piece = rest.slice(0, end);
    rest = rest.slice(resume);
    openFence = fenceAfter(openFence, piece);
    pushVisible(chunks, prefix + piece + (openFence === undefined ? '' : closingFence));
  }
  return chunks;
}

function pushVisible(chunks: string[], chunk: string): void {
  const withoutFences = chunk.replace(/```[^\s`]*/g, '');
  if (withoutFences.trim() !== '') chunks.push(chunk.replace(/\s+$/, ''));
}

/** Where to end this piece and where the next begins (skipping the separator that was cut at). */
function findCut(text: string, budget: number): { end: number; resume: number } {
  const window = text.slice(0, budget + 1);
  for (const separator of ['\n\n', '\n', ' ']) {
    const at = window.lastIndexOf(separator, budget - separator.length + 1);
    // A cut in the first quarter would leave a tiny piece; a finer separator does better.
    if (at > budget / 4) return { end: at, resume: at + separator.length };
  }
  const end = safeCutIndex(text, budget);
  return { end, resume: end };
}

/** The fence still open after `piece`, given the one open before it. */
function fenceAfter(open: string | undefined, piece: string): string | undefined {
  let fence = open;
  for (const line of piece.split('\n')) {
    const match = fenceLine.exec(line);
    if (!match) continue;
    if (fence !== undefined) {
      fence = undefined;
      continue;
    }
    // Reopening with a "language" of any length could leave no room for text in the next message.
    const language = match[1] ?? '';
    fence = language.length <= maxLanguageLength ? `\`\`\`${language}` : '```';
  }
  return fence;
}
