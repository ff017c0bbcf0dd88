import { describe, expect, it } from 'vitest';
import { localeFromPosix } from '../../src/terminal/posix-locale.js';

describe('localeFromPosix', () => {
  it('turns a POSIX locale with a territory and an encoding into a BCP 47 tag', () => {
    expect(localeFromPosix('de_DE.UTF-8')).toBe('de-DE');
  });

  it('keeps a language without a territory as it is', () => {
    expect(localeFromPosix('fr')).toBe('fr');
  });

  it('drops a modifier', () => {
    expect(localeFromPosix('pt_BR.utf8@euro')).toBe('pt-BR');
  });

  it('gives nothing for the C and POSIX locales, or none at all', () => {
    expect([localeFromPosix('C'), localeFromPosix('POSIX'), localeFromPosix(undefined)]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});
