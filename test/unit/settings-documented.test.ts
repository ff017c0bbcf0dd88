import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configVariables } from '../../src/config.js';

const repo = join(import.meta.dirname, '..', '..');
const variables = [...configVariables, 'CHAT_USER'];

describe('settings', () => {
  it.each(variables)('documents %s in .env.example with a comment', (name) => {
    const lines = readFileSync(join(repo, '.env.example'), 'utf8').split('\n');
    const at = lines.indexOf(`${name}=`);
    expect(at, `${name}= is missing from .env.example`).toBeGreaterThan(0);
    expect(lines[at - 1]).toMatch(/^# /);
  });

  it.each(variables)('documents %s in the README settings table', (name) => {
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toContain(`| \`${name}\``);
  });
});
