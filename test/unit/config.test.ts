import { describe, expect, it } from 'vitest';
import { configSecrets, describeConfigProblems, parseConfig } from '../../src/config.js';

const token = 'MTAwMDAwMDAwMDAwMDAwMDAx.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789ABCD';
const minimal = { DISCORD_TOKEN: token, GEMINI_API_KEY: 'AIzaSyExampleExampleExample' };

function parse(env: Record<string, string | undefined>) {
  return parseConfig(env, { cwd: '/srv/bot' });
}

describe('parseConfig', () => {
  it('needs only a Discord token and a Gemini key, and stores memories locally by default', () => {
    const result = parse(minimal);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.memory).toEqual({
      backend: 'open-source',
      dataDir: '/srv/bot/data',
      embeddingDimensions: 768,
      databaseUrl: undefined,
    });
    expect(result.config.redisUrl).toBeUndefined();
    expect(result.config.metrics).toBeUndefined();
    expect(result.config.geminiModel).toBe('gemini-3.8-flash');
    expect(result.config.logLevel).toBe('info');
    expect(result.config.discordClientId).toBeUndefined();
  });

  it('reports every missing variable at once, saying where to get it', () => {
    const result = parse({});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(2);
    expect(result.problems[0]).toMatch(/^DISCORD_TOKEN is missing: .*Reset Token/);
    expect(result.problems[1]).toMatch(/^GEMINI_API_KEY is missing: .*aistudio/);
  });

  it('reports every malformed setting at once', () => {
    const result = parse({
      ...minimal,
      DISCORD_CLIENT_ID: 'abc',
      DISCORD_API_URL: 'not a url',
      LOG_LEVEL: 'loud',
      GEMINI_TIMEOUT_MS: '-5',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.split(' ')[0])).toEqual([
      'DISCORD_CLIENT_ID',
      'DISCORD_API_URL',
      'GEMINI_TIMEOUT_MS',
      'LOG_LEVEL',
    ]);
  });

  it('never repeats a secret value in its messages', () => {
    const secret = 'not-a-real-token-but-secret-value';
    const result = parse({ DISCORD_TOKEN: secret, GEMINI_API_KEY: ' ' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(describeConfigProblems(result.problems)).not.toContain(secret);
    expect(result.problems[0]).toMatch(/^DISCORD_TOKEN does not look like a Discord bot token/);
    expect(result.problems[1]).toMatch(/^GEMINI_API_KEY is empty/);
  });

  it('uses the mem0 Platform when MEM0_API_KEY is set', () => {
    const result = parse({ ...minimal, MEM0_API_KEY: 'm0-key', MEM0_HOST: 'http://127.0.0.1:9/' });
    expect(result.ok && result.config.memory).toEqual({
      backend: 'platform',
      apiKey: 'm0-key',
      host: 'http://127.0.0.1:9/',
    });
  });

  it('refuses MEM0_HOST without MEM0_API_KEY rather than silently storing locally', () => {
    const result = parse({ ...minimal, MEM0_HOST: 'http://127.0.0.1:9' });
    expect(result.ok).toBe(false);
  });

  it('keeps the Gemini SDK base URL variable working', () => {
    const result = parse({ ...minimal, GOOGLE_GEMINI_BASE_URL: 'http://127.0.0.1:8080' });
    expect(result.ok && result.config.geminiBaseUrl).toBe('http://127.0.0.1:8080');
  });

  it('batches memory writes for 30 seconds and up to 6 exchanges by default', () => {
    const result = parse(minimal);
    expect(result.ok && result.config.memoryBatch).toEqual({ windowMs: 30_000, maxExchanges: 6 });
  });

  it('accepts a memory batch window of 0, which writes each exchange at once', () => {
    const result = parse({
      ...minimal,
      MEMORY_BATCH_WINDOW_MS: '0',
      MEMORY_BATCH_MAX_EXCHANGES: '1',
    });
    expect(result.ok && result.config.memoryBatch).toEqual({ windowMs: 0, maxExchanges: 1 });
  });

  it('refuses memory batch settings out of their bounds, saying the bounds', () => {
    const result = parse({
      ...minimal,
      MEMORY_BATCH_WINDOW_MS: '600001',
      MEMORY_BATCH_MAX_EXCHANGES: '0',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      'MEMORY_BATCH_WINDOW_MS must be a whole number from 0 to 600000.',
      'MEMORY_BATCH_MAX_EXCHANGES must be a whole number from 1 to 20.',
    ]);
  });

  it('thinks little by default: low before an answer, minimal before extracting memories', () => {
    const result = parse(minimal);
    expect(result.ok && result.config.geminiThinking).toEqual({
      answers: 'low',
      memory: 'minimal',
    });
  });

  it('takes thinking levels in any case, and refuses an unknown one naming the four', () => {
    const ok = parse({
      ...minimal,
      GEMINI_THINKING_LEVEL: 'HIGH',
      GEMINI_MEMORY_THINKING_LEVEL: ' Low ',
    });
    expect(ok.ok && ok.config.geminiThinking).toEqual({ answers: 'high', memory: 'low' });
    const bad = parse({
      ...minimal,
      GEMINI_THINKING_LEVEL: 'max',
      GEMINI_MEMORY_THINKING_LEVEL: '0',
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems).toEqual([
      'GEMINI_THINKING_LEVEL must be one of minimal, low, medium, high.',
      'GEMINI_MEMORY_THINKING_LEVEL must be one of minimal, low, medium, high.',
    ]);
  });

  it('gives memory extraction one Gemini request in 4 and caps waiting messages at 10 by default', () => {
    const result = parse(minimal);
    expect(result.ok && result.config.limits).toMatchObject({
      memoryExtractionEvery: 4,
      userMaxWaitingMessages: 10,
    });
    const off = parse({ ...minimal, MEMORY_EXTRACTION_EVERY: '0' });
    expect(off.ok && off.config.limits.memoryExtractionEvery).toBe(0);
  });

  it('refuses an extraction share of 1 (answers would never go first) and other bad values', () => {
    for (const value of ['1', '-2', '101', 'half']) {
      const result = parse({
        ...minimal,
        MEMORY_EXTRACTION_EVERY: value,
        USER_MAX_WAITING_MESSAGES: '0',
      });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.problems).toEqual([
        'MEMORY_EXTRACTION_EVERY must be 0 (off) or a whole number from 2 to 100.',
        'USER_MAX_WAITING_MESSAGES must be a whole number from 1 to 1000.',
      ]);
    }
  });

  it('keeps mem0 telemetry off when MEM0_TELEMETRY is unset', () => {
    const result = parse(minimal);
    expect(result.ok && result.config.mem0Telemetry).toBe(false);
  });

  it('keeps mem0 telemetry off when MEM0_TELEMETRY is empty, as the quick start leaves it', () => {
    const result = parse({ ...minimal, MEM0_TELEMETRY: '' });
    expect(result.ok && result.config.mem0Telemetry).toBe(false);
  });

  it.each(['TRUE', 'True', '1', 'yes', 'on', ' true', 'false'])(
    'keeps mem0 telemetry off when MEM0_TELEMETRY is %j',
    (value) => {
      const result = parse({ ...minimal, MEM0_TELEMETRY: value });
      expect(result.ok && result.config.mem0Telemetry).toBe(false);
    },
  );

  it('turns mem0 telemetry on only when MEM0_TELEMETRY is exactly true', () => {
    const result = parse({ ...minimal, MEM0_TELEMETRY: 'true' });
    expect(result.ok && result.config.mem0Telemetry).toBe(true);
  });

  it('keeps local memories in PostgreSQL when DATABASE_URL is set', () => {
    const url = 'postgresql://bot:secret@db.internal:5432/wellness0';
    const result = parse({ ...minimal, DATABASE_URL: url, REDIS_URL: 'redis://cache:6379' });
    expect(result.ok && result.config.memory).toMatchObject({
      backend: 'open-source',
      databaseUrl: url,
    });
    expect(result.ok && result.config.redisUrl).toBe('redis://cache:6379');
  });

  it('refuses DATABASE_URL beside MEM0_API_KEY, and URLs of the wrong kind, without repeating them', () => {
    const result = parse({
      ...minimal,
      MEM0_API_KEY: 'm0-key',
      DATABASE_URL: 'postgresql://bot:secret@db/wellness0',
      REDIS_URL: 'http://bot:hunter2@cache:6379',
      METRICS_PORT: '70000',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.split(' ')[0])).toEqual([
      'REDIS_URL',
      'METRICS_PORT',
      'DATABASE_URL',
    ]);
    expect(result.problems.join('\n')).not.toMatch(/secret|hunter2/);
  });

  it('names the Redis and PostgreSQL passwords among the secrets no log may hold', () => {
    const result = parse({
      ...minimal,
      DATABASE_URL: 'postgresql://bot:p%40ssword-long@db/wellness0',
      REDIS_URL: 'redis://:short@cache:6379',
    });
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const secrets = configSecrets(result.config);
    expect(secrets).toEqual(
      expect.arrayContaining([token, 'p@ssword-long', 'redis://:short@cache:6379']),
    );
  });

  it('serves metrics on this machine only unless METRICS_HOST says otherwise', () => {
    const result = parse({ ...minimal, METRICS_PORT: '9464', METRICS_HOST: '' });
    expect(result.ok && result.config.metrics).toEqual({ port: 9464, host: '127.0.0.1' });
  });

  it('treats empty variables as unset', () => {
    const result = parse({ ...minimal, MEM0_API_KEY: '', DATA_DIR: '', LOG_LEVEL: '' });
    expect(result.ok && result.config.memory.backend).toBe('open-source');
  });
});

describe('describeConfigProblems', () => {
  it('lists every problem in one message', () => {
    expect(describeConfigProblems(['A is missing.', 'B is wrong.'])).toBe(
      [
        'wellness0 cannot start: 2 settings need attention.',
        '  - A is missing.',
        '  - B is wrong.',
        'Settings are read from the environment or from a .env file (see .env.example).',
      ].join('\n'),
    );
  });
});

describe('crisis settings', () => {
  const files = (contents: Record<string, string>) => ({
    cwd: '/srv/bot',
    readTextFile: (path: string) => contents[path],
  });

  it('uses the built-in crisis lines unless a file is given', () => {
    const result = parse(minimal);
    expect(result.ok && Object.keys(result.config.crisis.resources.regions)).toContain('US');
  });

  it('uses the lines of CRISIS_RESOURCES_FILE', () => {
    const file = JSON.stringify({
      regions: {
        NL: {
          name: 'Netherlands',
          emergency: '112',
          lines: [{ name: '113', contact: 'call 113' }],
        },
      },
      fallback: { lines: [{ name: 'Find A Helpline', contact: 'findahelpline.com' }] },
    });
    const result = parseConfig(
      { ...minimal, CRISIS_RESOURCES_FILE: 'lines.json', CRISIS_DEFAULT_REGION: 'nl' },
      files({ '/srv/bot/lines.json': file }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.keys(result.config.crisis.resources.regions)).toEqual(['NL']);
    expect(result.config.crisis.defaultRegion).toBe('NL');
  });

  it('lists every problem of a bad CRISIS_RESOURCES_FILE with the other settings’ problems', () => {
    const result = parseConfig(
      { ...minimal, LOG_LEVEL: 'loud', CRISIS_RESOURCES_FILE: 'lines.json' },
      files({ '/srv/bot/lines.json': JSON.stringify({ regions: {}, fallback: { lines: [] } }) }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(
      result.problems.filter((p) => p.startsWith('CRISIS_RESOURCES_FILE (/srv/bot/lines.json): '))
        .length,
    ).toBeGreaterThanOrEqual(2);
    expect(result.problems.some((p) => p.startsWith('LOG_LEVEL'))).toBe(true);
  });

  it('says so when CRISIS_RESOURCES_FILE cannot be read', () => {
    const result = parseConfig({ ...minimal, CRISIS_RESOURCES_FILE: 'gone.json' }, files({}));
    expect(result.ok || result.problems).toEqual([
      'CRISIS_RESOURCES_FILE: cannot read /srv/bot/gone.json. Check the path.',
    ]);
  });

  it('refuses a CRISIS_DEFAULT_REGION without lines, even when other settings are wrong', () => {
    const result = parse({ ...minimal, LOG_LEVEL: 'loud', CRISIS_DEFAULT_REGION: 'ZZ' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(
      result.problems.some((p) =>
        p.startsWith('CRISIS_DEFAULT_REGION is ZZ, which has no crisis lines'),
      ),
    ).toBe(true);
  });

  it('refuses a CRISIS_DEFAULT_REGION that is not a country code', () => {
    const result = parse({ ...minimal, CRISIS_DEFAULT_REGION: 'Germany' });
    expect(result.ok || result.problems).toEqual([
      'CRISIS_DEFAULT_REGION must be a two-letter country code such as US, GB or DE (or unset).',
    ]);
  });

  it('reports a PERSONA_FILE it has no way to read instead of ignoring it', () => {
    const result = parse({ ...minimal, PERSONA_FILE: 'persona.txt' });
    expect(result.ok || result.problems).toEqual([
      'PERSONA_FILE: cannot read /srv/bot/persona.txt. Check the path.',
    ]);
  });

  it('treats an empty CRISIS_DEFAULT_REGION as unset', () => {
    const result = parse({ ...minimal, CRISIS_DEFAULT_REGION: '' });
    expect(result.ok && result.config.crisis.defaultRegion).toBeUndefined();
  });
});
