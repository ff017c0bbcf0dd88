import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

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
      hooks: { streamWrite: scrub },
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
