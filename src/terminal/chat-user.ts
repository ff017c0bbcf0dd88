/**
 * A name usable in a terminal memory user id, made from an OS account name: characters other than
 * letters, digits, `.`, `_` and `-` become `-`, at most 64 are kept, and an empty result is `me`.
 */
export function terminalNameFromAccount(accountName: string | undefined): string {
  const cleaned = (accountName ?? '')
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._-]/gu, '-')
    .replace(/^-+|-+$/g, '');
  // Counted in code points, as the user-id pattern counts them, so no surrogate pair is cut.
  const name = Array.from(cleaned).slice(0, 64).join('');
  return name === '' ? 'me' : name;
}
