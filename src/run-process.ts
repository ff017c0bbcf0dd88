import { join } from 'node:path';
import { type Config, configSecrets, describeConfigProblems, type ParseOptions } from './config.js';
import type { Logger } from './logger.js';
import { loadSettings } from './settings.js';

/** A process of the bot: started once, stopped on SIGINT or SIGTERM. */
export interface Runnable {
  start(): Promise<unknown>;
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * What every Discord entry does (`npm start`, `npm run gateway`, `npm run worker`): reads the
 * settings from `env` (the entry's process environment) and stops with one message listing every
 * problem; makes what it writes private; runs what `create` builds until a signal stops it.
 */
export async function runProcess(
  env: NodeJS.ProcessEnv,
  options: {
    purpose: NonNullable<ParseOptions['purpose']>;
    /** Logged once the configuration is read. */
    startingMessage: string;
    create: (config: Config, logger: Logger) => Promise<Runnable>;
  },
): Promise<void> {
  // Whatever this process creates (mem0's own files in MEM0_DIR too) is readable by this user only.
  process.umask(0o077);
  const parsed = loadSettings(env, { cwd: process.cwd(), purpose: options.purpose });
  if (!parsed.ok) {
    console.error(describeConfigProblems(parsed.problems));
    process.exit(1);
  }
  const config = parsed.config;
  // mem0 reads these when its module loads, so they are settled before the app is imported.
  // Telemetry is on only when MEM0_TELEMETRY is exactly `true`; mem0 counts anything but `false`
  // (an empty value too) as on, so it is always overwritten. mem0's own files live in DATA_DIR.
  env.MEM0_TELEMETRY = config.mem0Telemetry ? 'true' : 'false';
  env.MEM0_DIR ??= join(config.dataDir, 'mem0');

  const { createLogger, routeConsoleTo } = await import('./logger.js');
  const logger = createLogger({ level: config.logLevel, secrets: configSecrets(config) });
  // mem0 reports through console.*, quoting what it extracted; its lines go through the logger, scrubbed.
  routeConsoleTo(logger, console);
  const app = await options.create(config, logger);
  logger.info(
    { memoryBackend: config.memory.backend, model: config.geminiModel },
    options.startingMessage,
  );

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await app.stop(10_000);
      logger.info('stopped cleanly');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  }
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    await app.start();
  } catch (error) {
    const tokenRejected = (error as { code?: unknown }).code === 'TokenInvalid';
    logger.fatal(
      { err: error },
      tokenRejected
        ? 'Discord refused DISCORD_TOKEN: copy the bot token again from the Developer Portal (Bot → Reset Token).'
        : 'could not start',
    );
    await app.stop(1_000).catch(() => {});
    process.exit(1);
  }
}
