import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutText, cutWithEllipsis, safeCutIndex } from '../../src/text/cut-text.js';

const hasLoneSurrogate = (text: string) =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

describe('cutting text', () => {
  it('keeps text that fits as it is', () => {
    expect(cutText('hello', 10)).toBe('hello');
    expect(cutWithEllipsis('hello', 5)).toBe('hello');
  });

  it('cuts one unit early rather than through an emoji', () => {
    expect(cutText('ab😀', 3)).toBe('ab');
    expect(safeCutIndex('ab😀', 4)).toBe(4);
  });

  it('ends a cut text with an ellipsis, counted in the length', () => {
    expect(cutWithEllipsis('hello world', 6)).toBe('hello…');
  });

  it('never leaves half an emoji, and never goes over the length', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', ' ', '😀', 'é', '👩‍👩‍👧') }),
        fc.integer({ min: 1, max: 40 }),
        (text, max) => {
          const cut = cutText(text, max);
          const ellipsised = cutWithEllipsis(text, max);
          return (
            cut.length <= max &&
            ellipsised.length <= max &&
            text.startsWith(cut) &&
            !hasLoneSurrogate(cut) &&
            !hasLoneSurrogate(ellipsised)
          );
        },
      ),
    );
  });
});
