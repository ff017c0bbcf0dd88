import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { type ThinkingLevel, thinkingLevels } from './llm/chat-model.js';
import { type CrisisResources, parseCrisisResources } from './safety/crisis-resources.js';
import { defaultCrisisResources } from './safety/builtin-crisis-lines.js';

/** Everything the app needs to run, validated; built from environment variables by `parseConfig`. */
export interface Config {
  /** Empty for the terminal chat, which needs no Discord token. */
  discordToken: string;
  /** The application's id; when absent it is taken from Discord's READY event. */
  discordClientId: string | undefined;
  /** REST base URL for discord.js (a Discord REST proxy, or a stand-in in tests). */
  discordApiUrl: string | undefined;
  /** Ask Discord for the privileged Message Content intent (enable it in the Developer Portal first). */
  discordMessageContent: boolean;
  geminiApiKey: string;
  geminiModel: string;
  geminiEmbeddingModel: string;
  /** Base URL for every Gemini call, ours and mem0's (GOOGLE_GEMINI_BASE_URL, the SDK's own variable). */
  geminiBaseUrl: string | undefined;
  geminiTimeoutMs: number;
  /** How much Gemini thinks before it writes an answer, and before it extracts memories. */
  geminiThinking: { answers: ThinkingLevel; memory: ThinkingLevel };
  memory:
    | { backend: 'platform'; apiKey: string; host: string | undefined }
    | {
        backend: 'open-source';
        dataDir: string;
        embeddingDimensions: number;
        /** PostgreSQL with pgvector (DATABASE_URL) instead of the SQLite file, for many workers. */
        databaseUrl: string | undefined;
      };
  /** Redis (REDIS_URL): the limiters' shared state, so every process keeps one set of limits. */
  redisUrl: string | undefined;
  /**
   * How long a worker's hold on a person lasts unrenewed (WORKER_LEASE_SECONDS): after a worker
   * dies, the people it was serving wait this long before another worker takes them.
   */
  workerLeaseMs: number;
  /** People one worker serves at once (WORKER_MAX_PEOPLE); the others wait for a free place. */
  workerMaxPeople: number;
  /** Where `/healthz`, `/readyz` and Prometheus `/metrics` are served (METRICS_PORT); off when unset. */
  metrics: { port: number; host: string } | undefined;
  /**
   * Whether mem0 (open source and the Platform client) may send its anonymous usage telemetry:
   * only when MEM0_TELEMETRY is exactly `true`. When off, mem0 open source also skips fetching its
   * notices file from GitHub.
   */
  mem0Telemetry: boolean;
  /** Folder of the bot's own files (local memories, the memory write queue, the message inbox); created if missing. */
  dataDir: string;
  memorySearchTimeoutMs: number;
  maxMemoriesPerPrompt: number;
  /**
   * How exchanges are gathered into one memory write (one mem0 add): each waits up to `windowMs`
   * for more of the same person's exchanges in the same place, and at most `maxExchanges` go together.
   */
  memoryBatch: { windowMs: number; maxExchanges: number };
  /** The persona's text: the default, PERSONA, or the contents of PERSONA_FILE. */
  persona: string | undefined;
  /** Longest part of one message the bot reads; the rest is cut off, and the person told. */
  maxMessageChars: number;
  limits: {
    geminiRequestsPerMinute: number;
    geminiMaxConcurrent: number;
    userTurnsPerMinute: number;
    /** Messages a person sends within this window of each other while waiting are answered together. */
    userMergeWindowMs: number;
    /** Least time between two sends or edits by the bot in one channel. */
    replyEditIntervalMs: number;
    /** A person waiting in line longer than this is told why, and for about how long. */
    queueNoticeAfterMs: number;
    /**
     * While memory extraction waits, at least one Gemini request in this many goes to it; 0: it
     * waits until no answer does.
     */
    memoryExtractionEvery: number;
    /** Most messages one person may have waiting; more are merged into the last one waiting. */
    userMaxWaitingMessages: number;
  };
  /** The crisis protocol's settings (see SAFETY.md). */
  crisis: {
    /** The crisis lines: the built-in ones, or CRISIS_RESOURCES_FILE's. */
    resources: CrisisResources;
    /** The region for people whom nothing else places (CRISIS_DEFAULT_REGION). */
    defaultRegion: string | undefined;
    /** Where the operator published SAFETY.md (SAFETY_POLICY_URL). */
    policyUrl: string | undefined;
  };
  /** Budget of recent turns sent to the model as chat history. */
  history: { maxTurns: number; maxChars: number; idleExpiryMs: number };
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

const urlWithScheme = (name: string, schemes: readonly string[], example: string) =>
  optionalText.refine(
    (value) => value === undefined || schemes.some((scheme) => hasScheme(value, scheme)),
    { message: `${name} must be a URL such as ${example}, without spaces.` },
  );

const intInRange = (name: string, fallback: number, min: number, max: number) =>
  optionalText.transform((value, ctx) => {
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      ctx.addIssue({
        code: 'custom',
        message: `${name} must be a whole number from ${min} to ${max}.`,
      });
      return z.NEVER;
    }
    return parsed;
  });

const positiveInt = (name: string, fallback: number, max: number) =>
  intInRange(name, fallback, 1, max);

const nonNegativeInt = (name: string, fallback: number, max: number) =>
  intInRange(name, fallback, 0, max);

const requiredSecret = (name: keyof typeof where, what: string) =>
  z
    .string({ error: `${name} is missing: ${what}. ${where[name]}` })
    .trim()
    .min(1, { error: `${name} is empty: ${what}. ${where[name]}` });

const thinkingLevel = (name: string, fallback: ThinkingLevel) =>
  optionalText
    .transform((value) => value?.toLowerCase())
    .refine(
      (value) => value === undefined || (thinkingLevels as readonly string[]).includes(value),
      {
        error: `${name} must be one of ${thinkingLevels.join(', ')}.`,
      },
    )
    .transform((value) => (value ?? fallback) as ThinkingLevel);

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
  DISCORD_MESSAGE_CONTENT: optionalText
    .transform((value) => value?.toLowerCase())
    .refine((value) => value === undefined || value === 'true' || value === 'false', {
      error: 'DISCORD_MESSAGE_CONTENT must be true or false.',
    })
    .transform((value) => value === 'true'),
  GEMINI_API_KEY: requiredSecret('GEMINI_API_KEY', 'the bot needs a Gemini API key to answer'),
  GEMINI_MODEL: optionalText.default('gemini-3.8-flash'),
  GEMINI_EMBEDDING_MODEL: optionalText.default('gemini-embedding-001'),
  GOOGLE_GEMINI_BASE_URL: optionalUrl('GOOGLE_GEMINI_BASE_URL'),
  GEMINI_TIMEOUT_MS: positiveInt('GEMINI_TIMEOUT_MS', 30_000, 600_000),
  GEMINI_THINKING_LEVEL: thinkingLevel('GEMINI_THINKING_LEVEL', 'low'),
  GEMINI_MEMORY_THINKING_LEVEL: thinkingLevel('GEMINI_MEMORY_THINKING_LEVEL', 'minimal'),
  MEM0_API_KEY: optionalText,
  MEM0_HOST: optionalUrl('MEM0_HOST'),
  DATA_DIR: optionalText.default('./data'),
  MEMORY_EMBEDDING_DIMENSIONS: positiveInt('MEMORY_EMBEDDING_DIMENSIONS', 768, 3072),
  MEMORY_SEARCH_TIMEOUT_MS: positiveInt('MEMORY_SEARCH_TIMEOUT_MS', 5_000, 120_000),
  MAX_MEMORIES_PER_PROMPT: positiveInt('MAX_MEMORIES_PER_PROMPT', 8, 50),
  MEMORY_BATCH_WINDOW_MS: nonNegativeInt('MEMORY_BATCH_WINDOW_MS', 30_000, 600_000),
  MEMORY_BATCH_MAX_EXCHANGES: positiveInt('MEMORY_BATCH_MAX_EXCHANGES', 6, 20),
  // Exactly `true`, not trimmed or case-folded: an empty value (as `cp .env.example .env` leaves
  // it), a typo or `1` keeps it off. mem0 itself counts everything but `false` as on.
  MEM0_TELEMETRY: z
    .string()
    .optional()
    .transform((value) => value === 'true'),
  PERSONA: optionalText,
  PERSONA_FILE: optionalText,
  MAX_MESSAGE_CHARS: intInRange('MAX_MESSAGE_CHARS', 4_000, 100, 100_000),
  GEMINI_REQUESTS_PER_MINUTE: positiveInt('GEMINI_REQUESTS_PER_MINUTE', 10, 100_000),
  GEMINI_MAX_CONCURRENT: positiveInt('GEMINI_MAX_CONCURRENT', 4, 1_000),
  USER_TURNS_PER_MINUTE: positiveInt('USER_TURNS_PER_MINUTE', 6, 1_000),
  USER_MERGE_WINDOW_MS: nonNegativeInt('USER_MERGE_WINDOW_MS', 2_000, 60_000),
  REPLY_EDIT_INTERVAL_MS: positiveInt('REPLY_EDIT_INTERVAL_MS', 1_200, 60_000),
  QUEUE_NOTICE_AFTER_MS: positiveInt('QUEUE_NOTICE_AFTER_MS', 4_000, 600_000),
  MEMORY_EXTRACTION_EVERY: optionalText.transform((value, ctx) => {
    if (value === undefined) return 4;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed === 1 || parsed < 0 || parsed > 100) {
      ctx.addIssue({
        code: 'custom',
        message: 'MEMORY_EXTRACTION_EVERY must be 0 (off) or a whole number from 2 to 100.',
      });
      return z.NEVER;
    }
    return parsed;
  }),
  USER_MAX_WAITING_MESSAGES: positiveInt('USER_MAX_WAITING_MESSAGES', 10, 1_000),
  HISTORY_MAX_TURNS: nonNegativeInt('HISTORY_MAX_TURNS', 12, 200),
  HISTORY_MAX_CHARS: positiveInt('HISTORY_MAX_CHARS', 8_000, 500_000),
  HISTORY_IDLE_MINUTES: positiveInt('HISTORY_IDLE_MINUTES', 60, 10_080),
  CRISIS_RESOURCES_FILE: optionalText,
  CRISIS_DEFAULT_REGION: optionalText
    .transform((value) => value?.toUpperCase())
    .refine((value) => value === undefined || /^[A-Z]{2}$/.test(value), {
      error:
        'CRISIS_DEFAULT_REGION must be a two-letter country code such as US, GB or DE (or unset).',
    }),
  SAFETY_POLICY_URL: optionalUrl('SAFETY_POLICY_URL'),
  REDIS_URL: urlWithScheme('REDIS_URL', ['redis:', 'rediss:'], 'redis://localhost:6379'),
  DATABASE_URL: urlWithScheme(
    'DATABASE_URL',
    ['postgres:', 'postgresql:'],
    'postgresql://wellness0:secret@localhost:5432/wellness0',
  ),
  WORKER_LEASE_SECONDS: positiveInt('WORKER_LEASE_SECONDS', 30, 3_600),
  WORKER_MAX_PEOPLE: positiveInt('WORKER_MAX_PEOPLE', 32, 10_000),
  METRICS_PORT: positiveInt('METRICS_PORT', 0, 65_535),
  METRICS_HOST: optionalText.default('127.0.0.1'),
  LOG_LEVEL: optionalText
    .transform((level) => level?.toLowerCase())
    .refine((level) => level === undefined || (logLevels as readonly string[]).includes(level), {
      error: `LOG_LEVEL must be one of ${logLevels.join(', ')}.`,
    })
    .transform((level) => (level ?? 'info') as Config['logLevel']),
});

/** Every variable the configuration reads (the terminal chat also reads CHAT_USER). */
export const configVariables: readonly string[] = Object.keys(schema.shape);

/**
 * Reads configuration from an environment-like record, reporting every problem at once.
 * Messages name the variable and what is wrong, never a secret's value.
 */
export function parseConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: ParseOptions,
): ConfigResult {
  const forChat = options.purpose === 'terminal-chat';
  // The terminal chat needs no Discord token.
  const parsed = schema.safeParse(
    forChat ? { ...env, DISCORD_TOKEN: 'x.x.x', DISCORD_CLIENT_ID: undefined } : env,
  );
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
  if (env.MEM0_HOST?.trim() && !env.MEM0_API_KEY?.trim()) {
    problems.push(
      `MEM0_HOST is set but MEM0_API_KEY is not: the mem0 Platform needs both. ${where.MEM0_API_KEY}`,
    );
  }
  if (env.DATABASE_URL?.trim() && env.MEM0_API_KEY?.trim()) {
    problems.push(
      'DATABASE_URL and MEM0_API_KEY are both set: the mem0 Platform keeps memories itself, DATABASE_URL is for the local store. Keep one of them.',
    );
  }
  if ((options.purpose === 'gateway' || options.purpose === 'worker') && !env.REDIS_URL?.trim()) {
    problems.push(
      `REDIS_URL is not set: the ${options.purpose} of a split bot shares its work through Redis (for one process, use npm start).`,
    );
  }
  if (env.PERSONA?.trim() && env.PERSONA_FILE?.trim()) {
    problems.push('PERSONA and PERSONA_FILE are both set: keep one of them.');
  }
  let persona = env.PERSONA?.trim() || undefined;
  const personaFile = env.PERSONA_FILE?.trim();
  const readTextFile = options.readTextFile ?? (() => undefined);
  if (personaFile) {
    const path = isAbsolute(personaFile) ? personaFile : resolve(options.cwd, personaFile);
    const text = readTextFile(path);
    if (text === undefined) problems.push(`PERSONA_FILE: cannot read ${path}. Check the path.`);
    else if (text.trim() === '') problems.push(`PERSONA_FILE: ${path} is empty.`);
    else persona = text.trim();
  }
  let crisisResources = defaultCrisisResources;
  const resourcesFile = env.CRISIS_RESOURCES_FILE?.trim();
  if (resourcesFile) {
    const path = isAbsolute(resourcesFile) ? resourcesFile : resolve(options.cwd, resourcesFile);
    const text = readTextFile(path);
    const read = text === undefined ? undefined : parseCrisisResources(text);
    if (read === undefined)
      problems.push(`CRISIS_RESOURCES_FILE: cannot read ${path}. Check the path.`);
    else if (!read.ok) {
      problems.push(
        ...read.problems.map((problem) => `CRISIS_RESOURCES_FILE (${path}): ${problem}`),
      );
    } else crisisResources = read.resources;
  }
  const defaultRegion = env.CRISIS_DEFAULT_REGION?.trim().toUpperCase() || undefined;
  if (
    defaultRegion !== undefined &&
    /^[A-Z]{2}$/.test(defaultRegion) &&
    !Object.hasOwn(crisisResources.regions, defaultRegion)
  ) {
    problems.push(
      `CRISIS_DEFAULT_REGION is ${defaultRegion}, which has no crisis lines. Known: ${Object.keys(crisisResources.regions).join(', ')}.`,
    );
  }
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  const e = parsed.data;
  const dataDir = isAbsolute(e.DATA_DIR) ? e.DATA_DIR : resolve(options.cwd, e.DATA_DIR);
  return {
    ok: true,
    config: {
      discordToken: forChat ? '' : e.DISCORD_TOKEN,
      discordClientId: e.DISCORD_CLIENT_ID,
      discordApiUrl: e.DISCORD_API_URL,
      discordMessageContent: e.DISCORD_MESSAGE_CONTENT,
      geminiApiKey: e.GEMINI_API_KEY,
      geminiModel: e.GEMINI_MODEL,
      geminiEmbeddingModel: e.GEMINI_EMBEDDING_MODEL,
      geminiBaseUrl: e.GOOGLE_GEMINI_BASE_URL,
      geminiTimeoutMs: e.GEMINI_TIMEOUT_MS,
      geminiThinking: { answers: e.GEMINI_THINKING_LEVEL, memory: e.GEMINI_MEMORY_THINKING_LEVEL },
      memory:
        e.MEM0_API_KEY !== undefined
          ? { backend: 'platform', apiKey: e.MEM0_API_KEY, host: e.MEM0_HOST }
          : {
              backend: 'open-source',
              dataDir,
              embeddingDimensions: e.MEMORY_EMBEDDING_DIMENSIONS,
              databaseUrl: e.DATABASE_URL,
            },
      redisUrl: e.REDIS_URL,
      workerLeaseMs: e.WORKER_LEASE_SECONDS * 1_000,
      workerMaxPeople: e.WORKER_MAX_PEOPLE,
      metrics: e.METRICS_PORT === 0 ? undefined : { port: e.METRICS_PORT, host: e.METRICS_HOST },
      mem0Telemetry: e.MEM0_TELEMETRY,
      dataDir,
      memorySearchTimeoutMs: e.MEMORY_SEARCH_TIMEOUT_MS,
      maxMemoriesPerPrompt: e.MAX_MEMORIES_PER_PROMPT,
      memoryBatch: {
        windowMs: e.MEMORY_BATCH_WINDOW_MS,
        maxExchanges: e.MEMORY_BATCH_MAX_EXCHANGES,
      },
      persona,
      maxMessageChars: e.MAX_MESSAGE_CHARS,
      limits: {
        geminiRequestsPerMinute: e.GEMINI_REQUESTS_PER_MINUTE,
        geminiMaxConcurrent: e.GEMINI_MAX_CONCURRENT,
        userTurnsPerMinute: e.USER_TURNS_PER_MINUTE,
        userMergeWindowMs: e.USER_MERGE_WINDOW_MS,
        replyEditIntervalMs: e.REPLY_EDIT_INTERVAL_MS,
        queueNoticeAfterMs: e.QUEUE_NOTICE_AFTER_MS,
        memoryExtractionEvery: e.MEMORY_EXTRACTION_EVERY,
        userMaxWaitingMessages: e.USER_MAX_WAITING_MESSAGES,
      },
      crisis: {
        resources: crisisResources,
        defaultRegion: e.CRISIS_DEFAULT_REGION,
        policyUrl: e.SAFETY_POLICY_URL,
      },
      history: {
        maxTurns: e.HISTORY_MAX_TURNS,
        maxChars: e.HISTORY_MAX_CHARS,
        idleExpiryMs: e.HISTORY_IDLE_MINUTES * 60_000,
      },
      logLevel: e.LOG_LEVEL,
    },
  };
}

/**
 * The values no log line may hold: the tokens and keys, and the URLs of Redis and PostgreSQL with
 * their passwords (a short password is scrubbed as part of its URL).
 */
export function configSecrets(config: Config): string[] {
  const urls = [
    config.redisUrl,
    config.memory.backend === 'open-source' ? config.memory.databaseUrl : undefined,
  ].filter((url) => url !== undefined);
  const passwords = urls.flatMap((url) => {
    const password = new URL(url).password;
    return password === '' ? [] : [password, decodeURIComponent(password)];
  });
  return [
    config.discordToken,
    config.geminiApiKey,
    ...(config.memory.backend === 'platform' ? [config.memory.apiKey] : []),
    ...urls,
    ...passwords,
  ].filter((secret) => secret !== '');
}

/** How to read configuration. */
export interface ParseOptions {
  /** Relative paths (DATA_DIR, PERSONA_FILE) are resolved against this folder. */
  cwd: string;
  /**
   * `terminal-chat` needs no Discord settings; `gateway` and `worker` (a bot split into
   * processes) need REDIS_URL. Default: `discord-bot`.
   */
  purpose?: 'discord-bot' | 'terminal-chat' | 'gateway' | 'worker';
  /**
   * Reads PERSONA_FILE and CRISIS_RESOURCES_FILE; returns undefined when it cannot. Without it,
   * no file can be read, and a file setting is reported as unreadable.
   */
  readTextFile?: (path: string) => string | undefined;
}

/** The one message printed when configuration is bad: every problem, one per line. */
export function describeConfigProblems(problems: readonly string[]): string {
  return [
    `wellness0 cannot start: ${problems.length === 1 ? 'one setting needs' : `${problems.length} settings need`} attention.`,
    ...problems.map((problem) => `  - ${problem}`),
    'Settings are read from the environment or from a .env file (see .env.example).',
  ].join('\n');
}

function hasScheme(value: string, scheme: string): boolean {
  try {
    return !/\s/.test(value) && new URL(value).protocol === scheme;
  } catch {
    return false;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
