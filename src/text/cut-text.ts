/**
 * Where to cut `text` to keep at most `maxUnits` UTF-16 units without splitting a surrogate pair
 * (half an emoji shows as a broken character, and Discord refuses some lone halves).
 */
export function safeCutIndex(text: string, maxUnits: number): number {
  const end = Math.max(0, Math.min(text.length, Math.floor(maxUnits)));
  if (end === 0 || end === text.length) return end;
  const code = text.charCodeAt(end - 1);
  return code >= 0xd800 && code <= 0xdbff ? end - 1 : end;
}

/** The first `maxUnits` UTF-16 units of `text`, one fewer rather than half an emoji. */
export function cutText(text: string, maxUnits: number): string {
  return text.slice(0, safeCutIndex(text, maxUnits));
}

/** `text` within `maxUnits` UTF-16 units, ending in `…` when cut (the ellipsis counted). */
export function cutWithEllipsis(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text;
  return `${cutText(text, maxUnits - 1).trimEnd()}…`;
}
