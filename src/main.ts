// Entry: the Discord bot. The only file of the bot that reads the process environment.
import { join } from 'node:path';
import { configSecrets, describeConfigProblems } from './config.js';
import { loadSettings } from './settings.js';

// Whatever this process creates (mem0's own files in MEM0_DIR too) is readable by this user only.
process.umask(0o077);

const parsed = loadSettings(process.env, { cwd: process.cwd() });
if (!parsed.ok) {
  console.error(describeConfigProblems(parsed.problems));
  process.exit(1);
}
const config = parsed.config;

// mem0 reads these when its module loads, so they are settled before the app is imported.
// Telemetry is on only when MEM0_TELEMETRY is exactly `true`; mem0 counts anything but `false`
// (an empty value too) as on, so it is always overwritten. mem0's own files live in DATA_DIR.
process.env.MEM0_TELEMETRY = config.mem0Telemetry ? 'true' : 'false';
process.env.MEM0_DIR ??= join(config.dataDir, 'mem0');

const { createLogger, routeConsoleTo } = await import('./logger.js');
const { createApp } = await import('./app.js');

const logger = createLogger({
  level: config.logLevel,
  secrets: configSecrets(config),
});
// mem0 reports through console.*, quoting what it extracted; its lines go through the logger, scrubbed.
routeConsoleTo(logger, console);
const app = createApp(config, logger);
logger.info(
  { memoryBackend: config.memory.backend, model: config.geminiModel },
  'starting wellness0',
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
