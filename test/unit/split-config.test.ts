// The settings of a bot split into processes: the gateway and the workers share their work
// through Redis, so they refuse to start without REDIS_URL, and say so plainly; the single
// process does not need it.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';

const token = 'MTAwMDAwMDAwMDAwMDAwMDAx.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789ABCD';
const minimal = { DISCORD_TOKEN: token, GEMINI_API_KEY: 'AIzaSyExampleExampleExample' };

function problemsOf(
  env: Record<string, string | undefined>,
  purpose: 'discord-bot' | 'gateway' | 'worker',
): string[] {
  const result = parseConfig(env, { cwd: '/srv/bot', purpose });
  return result.ok ? [] : result.problems;
}

describe.each(['gateway', 'worker'] as const)('the settings of the %s', (purpose) => {
  it('report a missing REDIS_URL as the one problem, naming it', () => {
    const problems = problemsOf(minimal, purpose);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^REDIS_URL is not set: /);
    expect(problems[0]).toContain(purpose);
  });

  it('report an empty REDIS_URL exactly as a missing one', () => {
    const missing = problemsOf(minimal, purpose);

    expect(problemsOf({ ...minimal, REDIS_URL: '' }, purpose)).toEqual(missing);
    expect(problemsOf({ ...minimal, REDIS_URL: '   ' }, purpose)).toEqual(missing);
  });

  it('have no problem when REDIS_URL is set', () => {
    const result = parseConfig(
      { ...minimal, REDIS_URL: 'redis://127.0.0.1:6379' },
      { cwd: '/srv/bot', purpose },
    );

    expect(result.ok).toBe(true);
    expect(result.ok && result.config.redisUrl).toBe('redis://127.0.0.1:6379');
  });
});

describe('the settings of the single-process bot', () => {
  it('do not need REDIS_URL', () => {
    expect(problemsOf(minimal, 'discord-bot')).toEqual([]);
    expect(parseConfig(minimal, { cwd: '/srv/bot' }).ok).toBe(true);
  });
});
