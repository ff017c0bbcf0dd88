import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/** Everything the app needs to run, validated; built from environment variables by `parseConfig`. */
export interface Config {
  discordToken: string;
  /** The application's id; when absent it is taken from Discord's READY event. */
  discordClientId: string | undefined;
  /** REST base URL for discord.js (a Discord REST proxy, or a stand-in in tests). */
  discordApiUrl: string | undefined;
  geminiApiKey: string;
  geminiModel: string;
  geminiEmbeddingModel: string;
  /** Base URL for every Gemini call, ours and mem0's (GOOGLE_GEMINI_BASE_URL, the SDK's own variable). */
  geminiBaseUrl: string | undefined;
  geminiTimeoutMs: number;
  memory:
    | { backend: 'platform'; apiKey: string; host: string | undefined }
    | { backend: 'open-source'; dataDir: string; embeddingDimensions: number };
  memorySearchTimeoutMs: number;
  maxMemoriesPerPrompt: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** The outcome of reading configuration: a Config, or every problem found, in plain words. */
export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

const where = {
  DISCORD_TOKEN:
    'Create an application at https://discord.com/developers/applications, open "Bot" and press "Reset Token".',
  GEMINI_API_KEY: 'Create a key at https://aistudio.google.com/apikey.',
  MEM0_API_KEY:
    'Create a key in the mem0 dashboard under "API Keys", or leave it unset to store memories locally.',
} as const;

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const optionalUrl = (name: string) =>
  optionalText.refine((value) => value === undefined || isHttpUrl(value), {
    message: `${name} must be an http(s) URL such as https://example.com, without spaces.`,
  });

const positiveInt = (name: string, fallback: number, max: number) =>
  optionalText.transform((value, ctx) => {
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > max) {
      ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from 1 to ${max}.` });
      return z.NEVER;
    }
    return parsed;
  });

const requiredSecret = (name: keyof typeof where, what: string) =>
  z
    .string({ error: `${name} is missing: ${what}. ${where[name]}` })
    .trim()
    .min(1, { error: `${name} is empty: ${what}. ${where[name]}` });

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const schema = z.object({
  DISCORD_TOKEN: requiredSecret(
    'DISCORD_TOKEN',
    'the bot needs its Discord bot token to log in',
  ).refine((token) => !/\s/.test(token) && token.split('.').length === 3, {
    error: `DISCORD_TOKEN does not look like a Discord bot token (three parts separated by dots). Copy it again: ${where.DISCORD_TOKEN}`,
  }),
  DISCORD_CLIENT_ID: optionalText.refine((id) => id === undefined || /^\d{17,20}$/.test(id), {
    error:
      'DISCORD_CLIENT_ID must be your application\'s id, a number of 17 to 20 digits ("Application ID" on the General Information page). Leave it unset to read it from Discord at start.',
  }),
  DISCORD_API_URL: optionalUrl('DISCORD_API_URL'),
  GEMINI_API_KEY: requiredSecret('GEMINI_API_KEY', 'the bot needs a Gemini API key to answer'),
  GEMINI_MODEL: optionalText.default('gemini-3.5-flash'),
  GEMINI_EMBEDDING_MODEL: optionalText.default('gemini-embedding-001'),
  GOOGLE_GEMINI_BASE_URL: optionalUrl('GOOGLE_GEMINI_BASE_URL'),
  GEMINI_TIMEOUT_MS: positiveInt('GEMINI_TIMEOUT_MS', 30_000, 600_000),
  MEM0_API_KEY: optionalText,
  MEM0_HOST: optionalUrl('MEM0_HOST'),
  DATA_DIR: optionalText.default('./data'),
  MEMORY_EMBEDDING_DIMENSIONS: positiveInt('MEMORY_EMBEDDING_DIMENSIONS', 768, 3072),
  MEMORY_SEARCH_TIMEOUT_MS: positiveInt('MEMORY_SEARCH_TIMEOUT_MS', 5_000, 120_000),
  MAX_MEMORIES_PER_PROMPT: positiveInt('MAX_MEMORIES_PER_PROMPT', 8, 50),
  LOG_LEVEL: optionalText
    .transform((level) => level?.toLowerCase())
    .refine((level) => level === undefined || (logLevels as readonly string[]).includes(level), {
      error: `LOG_LEVEL must be one of ${logLevels.join(', ')}.`,
    })
    .transform((level) => (level ?? 'info') as Config['logLevel']),
});

/**
 * Reads configuration from an environment-like record, reporting every problem at once.
 * Messages name the variable and what is wrong, never a secret's value.
 */
export function parseConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: { cwd: string },
): ConfigResult {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => issue.message) };
  }
  const e = parsed.data;
  if (e.MEM0_HOST !== undefined && e.MEM0_API_KEY === undefined) {
    return {
      ok: false,
      problems: [
        `MEM0_HOST is set but MEM0_API_KEY is not: the mem0 Platform needs both. ${where.MEM0_API_KEY}`,
      ],
    };
  }
  const dataDir = isAbsolute(e.DATA_DIR) ? e.DATA_DIR : resolve(options.cwd, e.DATA_DIR);
  return {
    ok: true,
    config: {
      discordToken: e.DISCORD_TOKEN,
      discordClientId: e.DISCORD_CLIENT_ID,
      discordApiUrl: e.DISCORD_API_URL,
      geminiApiKey: e.GEMINI_API_KEY,
      geminiModel: e.GEMINI_MODEL,
      geminiEmbeddingModel: e.GEMINI_EMBEDDING_MODEL,
      geminiBaseUrl: e.GOOGLE_GEMINI_BASE_URL,
      geminiTimeoutMs: e.GEMINI_TIMEOUT_MS,
      memory:
        e.MEM0_API_KEY !== undefined
          ? { backend: 'platform', apiKey: e.MEM0_API_KEY, host: e.MEM0_HOST }
          : {
              backend: 'open-source',
              dataDir,
              embeddingDimensions: e.MEMORY_EMBEDDING_DIMENSIONS,
            },
      memorySearchTimeoutMs: e.MEMORY_SEARCH_TIMEOUT_MS,
      maxMemoriesPerPrompt: e.MAX_MEMORIES_PER_PROMPT,
      logLevel: e.LOG_LEVEL,
    },
  };
}

/** The one message printed when configuration is bad: every problem, one per line. */
export function describeConfigProblems(problems: readonly string[]): string {
  return [
    `wellness0 cannot start: ${problems.length === 1 ? 'one setting needs' : `${problems.length} settings need`} attention.`,
    ...problems.map((problem) => `  - ${problem}`),
    'Settings are read from the environment or from a .env file (see .env.example).',
  ].join('\n');
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
