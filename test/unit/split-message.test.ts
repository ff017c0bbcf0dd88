import { describe, expect, it } from 'vitest';
import { splitMessage } from '../../src/discord/split-message.js';

describe('splitMessage', () => {
  it('keeps a short reply whole', () => {
    expect(splitMessage('Hello there.')).toEqual(['Hello there.']);
  });

  it('sends nothing for a blank reply', () => {
    expect(splitMessage('  \n\t ')).toEqual([]);
  });

  it('cuts at a paragraph boundary when there is one', () => {
    const first = 'a'.repeat(1200);
    const second = 'b'.repeat(1200);
    expect(splitMessage(`${first}\n\n${second}`)).toEqual([first, second]);
  });

  it('cuts at a word boundary when a paragraph is longer than the limit', () => {
    const words = Array.from({ length: 600 }, (_, i) => `word${i}`).join(' ');
    const chunks = splitMessage(words);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(2000);
    expect(chunks.join(' ')).toBe(words);
  });

  it('closes and reopens a code block cut in two, with its language', () => {
    const code = Array.from({ length: 200 }, (_, i) => `const value${i} = ${i};`).join('\n');
    const chunks = splitMessage(`Here you go:\n\n\`\`\`ts\n${code}\n\`\`\`\nDone.`);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(2000);
      expect((chunk.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(chunks[1]?.startsWith('```ts\n')).toBe(true);
  });

  it('never splits an emoji in a text with no spaces', () => {
    const chunks = splitMessage('😀'.repeat(1500));
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(2000);
      expect(chunk).toMatch(/^(?:😀)+$/u);
    }
    expect(chunks.join('')).toBe('😀'.repeat(1500));
  });
});
