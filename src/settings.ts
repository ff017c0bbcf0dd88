import { readFileSync } from 'node:fs';
import dotenv from 'dotenv';
import { type ConfigResult, type ParseOptions, parseConfig } from './config.js';

/**
 * What every entry does first: fills `env` from the .env file (variables already set win; the
 * file is DOTENV_CONFIG_PATH or ./.env) and reads the configuration, with PERSONA_FILE read from disk.
 */
export function loadSettings(
  env: NodeJS.ProcessEnv,
  options: { cwd: string; purpose?: ParseOptions['purpose'] },
): ConfigResult {
  dotenv.config({ quiet: true, path: env.DOTENV_CONFIG_PATH ?? '.env', processEnv: env });
  return parseConfig(env, {
    cwd: options.cwd,
    ...(options.purpose ? { purpose: options.purpose } : {}),
    readTextFile: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
  });
}
