import type { SlashCommand } from '../src/discord/command-view.js';
import { exportCommand } from './export.js';
import { forgetCommand } from './forget.js';
import { memoriesCommand } from './memories.js';
import { safetyCommand } from './safety.js';
import { settingsCommand } from './settings.js';

/** Every slash command, listed explicitly. */
export const commands: readonly SlashCommand[] = [
  memoriesCommand,
  forgetCommand,
  exportCommand,
  safetyCommand,
  settingsCommand,
];
