/**
 * The BCP 47 tag of a POSIX locale (`de_DE.UTF-8` → `de-DE`, `pt_BR` → `pt-BR`, `fr` → `fr`), as
 * Discord names locales; undefined for `C`, `POSIX` and anything else.
 */
export function localeFromPosix(posix: string | undefined): string | undefined {
  const match = /^([a-z]{2,3})(?:_([A-Z]{2}))?(?:\.[\w-]+)?(?:@\w+)?$/.exec(posix?.trim() ?? '');
  if (match === null) return undefined;
  return match[2] === undefined ? match[1] : `${match[1]}-${match[2]}`;
}
