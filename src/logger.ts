import { type DestinationStream, type LogFn, type Logger as PinoLogger, pino } from 'pino';

/** One log method: fields (ids, codes, counts, durations; an error as `err`) and a message. */
export interface LogMethod {
  (fields: object, message?: string): void;
  (message: string): void;
}

/** What the bot logs through, one method per level; pino behind it (see createLogger). */
export interface Logger {
  fatal: LogMethod;
  error: LogMethod;
  warn: LogMethod;
  info: LogMethod;
  debug: LogMethod;
  trace: LogMethod;
}

/** Options for `createLogger`. */
export interface LoggerOptions {
  level: string;
  /** Values that must never reach a log line (tokens, API keys); each is replaced by `[redacted]`. */
  secrets: readonly string[];
  /** Where lines go; standard output when absent. */
  destination?: DestinationStream;
}

/** A JSON-lines logger that scrubs every configured secret from every line it writes. */
export function createLogger(options: LoggerOptions): Logger {
  const scrub = secretScrubber(options.secrets);
  return pino(
    {
      level: options.level,
      base: { app: 'wellness0' },
      redact: {
        paths: [
          'token',
          'apiKey',
          '*.token',
          '*.apiKey',
          'headers.authorization',
          '*.headers.authorization',
        ],
        censor: '[redacted]',
      },
      // pino's own error serializer copies every enumerable property (request bodies, URLs with
      // interaction tokens, axios configs with API keys); ours keeps only what names the failure.
      serializers: { err: serializeError, error: serializeError },
      formatters: { log: serializeNestedErrors },
      hooks: { streamWrite: scrub, logMethod: withoutErrorMessage },
    },
    options.destination ?? pino.destination(1),
  );
}

/** Returns a function that replaces each secret (and its JSON-escaped form) in a text with `[redacted]`. */
export function secretScrubber(secrets: readonly string[]): (text: string) => string {
  const needles = [
    ...new Set(
      secrets
        .filter((secret) => secret.length >= 8)
        .flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]),
    ),
  ].sort((a, b) => b.length - a.length);
  if (needles.length === 0) return (text) => text;
  return (text) => {
    let scrubbed = text;
    for (const needle of needles) scrubbed = scrubbed.split(needle).join('[redacted]');
    return scrubbed;
  };
}

// How deep causes, AggregateError members and nested log values are followed.
const maxErrorDepth = 3;
const maxErrorsPerAggregate = 5;
const maxStackFrames = 12;

/**
 * What a log line keeps of a thrown value: its kind, codes, HTTP status, method and route (ids and
 * tokens masked), system-call fields and stack frames. Never its message (upstream messages
 * embed response bodies, and ours may quote what someone said), request or response bodies,
 * headers, query strings or hosts.
 */
export function serializeError(value: unknown): Record<string, unknown> {
  return summarise(value, 0);
}

function summarise(value: unknown, depth: number): Record<string, unknown> {
  if (!isError(value)) return { type: typeOf(value) };
  try {
    const error = value as Error & Record<string, unknown>;
    const config = objectAt(error, 'config');
    const response = objectAt(error, 'response');
    const request = objectAt(error, 'request');
    const type = typeOf(error);
    const code = codeOf(error.code) ?? codeOf(error.errorCode);
    const url = stringAt(error, 'url') ?? stringAt(config, 'url') ?? stringAt(request, 'path');
    const summary: Record<string, unknown> = {
      type,
      name: errorName(error),
      code,
      status:
        [error.status, error.statusCode, response?.status].find(isHttpStatus) ?? statusOf(code),
      method: methodOf(
        stringAt(error, 'method') ?? stringAt(config, 'method') ?? stringAt(request, 'method'),
      ),
      route: url === undefined ? undefined : maskedRoute(url, stringAt(config, 'baseURL')),
      syscall: identifier(error.syscall),
      errno: Number.isInteger(error.errno) ? error.errno : undefined,
      port: Number.isInteger(error.port) ? error.port : undefined,
      retryAfterMs: Number.isFinite(error.retryAfterMs) ? error.retryAfterMs : undefined,
      stack: stackFrames(error),
    };
    if (depth < maxErrorDepth && error.cause !== undefined) {
      summary.cause = summarise(error.cause, depth + 1);
    }
    if (depth < maxErrorDepth && Array.isArray(error.errors)) {
      const members: unknown[] = error.errors;
      summary.errorCount = members.length;
      summary.errors = members.slice(0, maxErrorsPerAggregate).map((e) => summarise(e, depth + 1));
    }
    for (const key of Object.keys(summary)) if (summary[key] === undefined) delete summary[key];
    return summary;
  } catch {
    // A getter that throws (some SDK errors compute fields lazily) must not lose the log line.
    return { type: typeOf(value) };
  }
}

/** pino `formatters.log`: every Error anywhere in a log object (not only under `err`) is summarised. */
function serializeNestedErrors(object: Record<string, unknown>): Record<string, unknown> {
  const mapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    // `err` and `error` go through the serializers, which also summarise values that are not Errors.
    mapped[key] = key === 'err' || key === 'error' ? value : withErrorsSummarised(value, 1);
  }
  return mapped;
}

function withErrorsSummarised(value: unknown, depth: number): unknown {
  if (isError(value)) return serializeError(value);
  if (typeof value !== 'object' || value === null) return value;
  // Deeper than errors are looked for, an object might hold one, which JSON would write whole.
  if (depth > maxErrorDepth) return { type: typeOf(value) };
  if (Array.isArray(value))
    return value.map((each: unknown) => withErrorsSummarised(each, depth + 1));
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, each]) => [key, withErrorsSummarised(each, depth + 1)]),
  );
}

/**
 * pino hook: pino makes an error's message the line's message when none is given
 * (`logger.error(err)`, `logger.warn({ err })`); the error's name stands in for it instead.
 */
function withoutErrorMessage(this: PinoLogger, args: Parameters<LogFn>, method: LogFn): void {
  if (args.length === 0) return method.apply(this, args);
  const [first, ...rest] = args as unknown[];
  const object = isError(first) ? { err: first } : first;
  const err =
    typeof object === 'object' && object !== null ? (object as { err?: unknown }).err : undefined;
  const needsMessage = rest.length === 0 && isError(err) && !('msg' in (object as object));
  const message = needsMessage ? errorName(err) : undefined;
  const call = [object, ...(message === undefined ? rest : [message])];
  method.apply(this, call as Parameters<LogFn>);
}

/** The console methods libraries write through, and the log level each is routed to. */
const consoleLevels = {
  log: 'info',
  info: 'info',
  warn: 'warn',
  error: 'error',
  debug: 'debug',
} as const;

/** An object with the console's log methods: `console` itself in an entry file. */
export type ConsoleLike = Record<keyof typeof consoleLevels, (...args: unknown[]) => void>;

/**
 * Replaces `target`'s log methods so that what libraries write there (mem0 writes through
 * `console.*`, quoting extracted facts) reaches `logger` scrubbed, each at its own level: a
 * leading string keeps only a short label, Errors are summarised by `serializeError`, and any
 * other argument is reduced to its type. Returns a function that puts the original methods back.
 */
export function routeConsoleTo(logger: Logger, target: ConsoleLike): () => void {
  const originals = { ...target };
  for (const [method, level] of Object.entries(consoleLevels)) {
    target[method as keyof typeof consoleLevels] = (...args: unknown[]) => {
      const [first, ...rest] = args;
      const label = typeof first === 'string' ? consoleLabel(first) : undefined;
      const others = label === undefined ? args : rest;
      const err = others.find(isError);
      const types = others.filter((each) => each !== err).map(typeOf);
      logger[level](
        {
          console: method,
          ...(err === undefined ? {} : { err }),
          ...(types.length > 0 ? { args: types } : {}),
        },
        label ?? (err === undefined ? 'console output' : errorName(err)),
      );
    };
  }
  return () => {
    Object.assign(target, originals);
  };
}

// A console line's label ends where its data begins: mem0 writes `what failed: ${error}`,
// `… for '${text}'`, `… (${model})` or `id=${id}`.
const labelEnd = /[:'"`\u2018\u2019\u201c\u201d\n\r(){}[\]=%<>]/;
const maxLabelLength = 60;

/** The content-free start of a console line: tags and data cut off, words with digits masked. */
export function consoleLabel(text: string): string {
  const head = text.replace(/^(?:\s*\[[\w-]{1,16}\])+/, '').split(labelEnd)[0] ?? '';
  const masked = head
    .replace(/\S*\d\S*/g, ':id')
    .replace(/\s+/g, ' ')
    .trim();
  // Cut at a word boundary, so that no half word hints at what followed.
  const capped =
    masked.length <= maxLabelLength
      ? masked
      : masked.slice(0, maxLabelLength + 1).replace(/\s*\S*$/, '');
  return capped || 'console output';
}

function isError(value: unknown): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

/** The constructor name of an object, or `typeof` of anything else. */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  return identifier(ctor?.name) ?? 'Object';
}

function identifier(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z_$][\w$]{0,63}$/.test(value) ? value : undefined;
}

/**
 * An error's name if it is a plain name, optionally with a bracketed code or route (discord.js's
 * `DiscordAPIError[50013]`), else its type.
 */
function errorName(error: Error): string {
  try {
    const name = typeof error.name === 'string' ? error.name.replace(/\d{7,}/g, ':id') : '';
    return /^[\w$.-]{1,64}(?:\[[\w$.:/@-]{1,80}\])?$/.test(name) ? name : typeOf(error);
  } catch {
    return typeOf(error);
  }
}

function codeOf(value: unknown): string | number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return typeof value === 'string' && /^[\w.:-]{1,64}$/.test(value) ? value : undefined;
}

function isHttpStatus(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 599;
}

/** mem0's errors carry their status only in a code such as `HTTP_503`. */
function statusOf(code: string | number | undefined): number | undefined {
  const status = typeof code === 'string' ? /^HTTP_(\d{3})$/.exec(code)?.[1] : undefined;
  return status === undefined ? undefined : Number(status);
}

function methodOf(value: string | undefined): string | undefined {
  return value !== undefined && /^[A-Za-z]{3,7}$/.test(value) ? value.toUpperCase() : undefined;
}

function objectAt(value: object | undefined, key: string): Record<string, unknown> | undefined {
  const found = value === undefined ? undefined : (value as Record<string, unknown>)[key];
  return typeof found === 'object' && found !== null
    ? (found as Record<string, unknown>)
    : undefined;
}

function stringAt(value: object | undefined, key: string): string | undefined {
  const found = value === undefined ? undefined : (value as Record<string, unknown>)[key];
  return typeof found === 'string' ? found : undefined;
}

// A path segment kept as it is: a plain word such as `messages`, `v10`, `@original` or
// `gemini-2.5-flash:streamGenerateContent`. Anything else may be a value and is masked.
const plainSegment = /^@?[A-Za-z][\w.:-]{0,47}$/;

/**
 * The path of a URL with ids and tokens masked, without host, credentials or query:
 * `/api/v10/interactions/:id/:token/callback`.
 */
export function maskedRoute(url: string, base?: string): string | undefined {
  let path: string;
  try {
    path = new URL(url, base ?? 'http://host.invalid').pathname;
  } catch {
    return undefined;
  }
  const route: string[] = [];
  for (const segment of path.split('/')) {
    const [beforePrevious, previous] = route.slice(-2);
    if (segment === '') route.push(segment);
    // Discord's interaction and webhook tokens follow the id: /interactions/<id>/<token>/...
    else if (
      previous === ':id' &&
      (beforePrevious === 'interactions' || beforePrevious === 'webhooks')
    )
      route.push(':token');
    else if (/^\d+$|\d{5,}|^(?=.*\d)[\da-f-]{8,}$/i.test(segment)) route.push(':id');
    else {
      // URLs carry Discord's `@original` encoded.
      const word = segment.replace(/^%40/, '@');
      route.push(plainSegment.test(word) ? word : ':token');
    }
  }
  return route.join('/');
}

/** The stack's frames without its first line, which repeats the name and message. */
function stackFrames(error: Error): string | undefined {
  const stack = typeof error.stack === 'string' ? error.stack : '';
  const message = typeof error.message === 'string' ? error.message : '';
  // The message can span lines; the frames start after it.
  const at = message === '' ? -1 : stack.indexOf(message);
  const afterMessage = at < 0 ? stack : stack.slice(at + message.length);
  const frames = afterMessage
    .split('\n')
    .filter((line) =>
      /^\s+at \S.*(?::\d+:\d+\)?|\(native\)|\(<anonymous>\)|\(index \d+\))$/.test(line),
    )
    .slice(0, maxStackFrames)
    .map((line) => line.trim().slice(0, 300));
  return frames.length === 0 ? undefined : frames.join('\n');
}
