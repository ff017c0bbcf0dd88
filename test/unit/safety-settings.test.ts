import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryUserIdForTerminal } from '../../src/memory/user-id.js';
import { createSafetySettings, type SafetySettings } from '../../src/safety/safety-settings.js';

const ada = memoryUserIdForTerminal('ada');
const grace = memoryUserIdForTerminal('grace');

let dir: string;
let path: string;
const opened: SafetySettings[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wellness0-safety-'));
  path = join(dir, 'safety-settings.db');
});
afterEach(() => {
  for (const settings of opened.splice(0)) settings.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(): SafetySettings {
  const settings = createSafetySettings({ path });
  opened.push(settings);
  return settings;
}

/** The bytes of the database and its WAL, whichever exist. */
function fileBytes(): Buffer {
  return Buffer.concat(
    [path, `${path}-wal`].filter((file) => existsSync(file)).map((file) => readFileSync(file)),
  );
}

describe('createSafetySettings', () => {
  it('knows nothing about someone new, and does not take them for a minor', () => {
    expect(open().get(ada)).toEqual({ region: undefined, locale: undefined, minor: false });
  });

  it('merges a change into what was set before', () => {
    const settings = open();
    settings.update(ada, { region: 'GB', locale: 'en-GB' });

    settings.update(ada, { minor: true });

    expect(settings.get(ada)).toEqual({ region: 'GB', locale: 'en-GB', minor: true });
  });

  it('clears a setting changed to undefined', () => {
    const settings = open();
    settings.update(ada, { region: 'GB', locale: 'en-GB' });

    settings.update(ada, { region: undefined });

    expect(settings.get(ada)).toEqual({ region: undefined, locale: 'en-GB', minor: false });
  });

  it("keeps one person's settings apart from another's", () => {
    const settings = open();

    settings.update(ada, { region: 'DE', minor: true });

    expect(settings.get(grace)).toEqual({ region: undefined, locale: undefined, minor: false });
  });

  it('keeps the settings across a restart', () => {
    const first = open();
    first.update(ada, { region: 'IE', locale: 'ga-IE', minor: true });
    first.close();

    expect(open().get(ada)).toEqual({ region: 'IE', locale: 'ga-IE', minor: true });
  });

  it('forgets the person, and only them', () => {
    const settings = open();
    settings.update(ada, { region: 'GB', minor: true });
    settings.update(grace, { region: 'US' });

    settings.forget(ada);

    expect(settings.get(ada)).toEqual({ region: undefined, locale: undefined, minor: false });
    expect(settings.get(grace).region).toBe('US');
  });

  it("leaves a forgotten person's locale and region nowhere in the database file or its WAL", () => {
    const settings = open();
    settings.update(ada, { region: 'QZ', locale: 'xx-Quizzlebop' });
    settings.update(grace, { locale: 'en-US' });
    expect(fileBytes().includes('xx-Quizzlebop')).toBe(true);

    settings.forget(ada);
    // Read while still open: the WAL's old frames would hold the row until a checkpoint.
    const afterForget = fileBytes();
    settings.close();
    const afterClose = fileBytes();

    for (const bytes of [afterForget, afterClose]) {
      expect(bytes.includes('xx-Quizzlebop')).toBe(false);
      expect(bytes.includes('terminal:ada')).toBe(false);
      expect(bytes.includes('QZ')).toBe(false);
      expect(bytes.includes('en-US')).toBe(true);
    }
  });

  it('keeps its file readable by its owner only', () => {
    open().update(ada, { minor: true });

    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
  });

  it('creates no file until it is first used', () => {
    const settings = open();
    settings.close();

    expect(readdirSync(dir)).toEqual([]);
  });
});
