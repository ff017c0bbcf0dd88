// Entry: registers the slash commands with Discord, globally or (with --guild <id>) to one server.
import { parseArgs } from 'node:util';
import { commands } from '../commands/index.js';
import { describeConfigProblems } from './config.js';
import { loadSettings } from './settings.js';
import { applicationIdFromToken, registerCommands } from './discord/register-commands.js';

const { values } = parseArgs({ options: { guild: { type: 'string' } } });
const guildId = values.guild?.trim();
const parsed = loadSettings(process.env, { cwd: process.cwd() });
const problems = parsed.ok ? [] : [...parsed.problems];
if (guildId !== undefined && !/^\d{17,20}$/.test(guildId)) {
  problems.push(
    '--guild must be a server id: a number of 17 to 20 digits (right-click the server → Copy Server ID).',
  );
}
if (!parsed.ok || problems.length > 0) {
  console.error(describeConfigProblems(problems));
  process.exit(1);
}
const config = parsed.config;
const applicationId = config.discordClientId ?? applicationIdFromToken(config.discordToken);
if (applicationId === undefined) {
  console.error(
    describeConfigProblems([
      'DISCORD_CLIENT_ID is needed to register commands: copy "Application ID" from the General Information page.',
    ]),
  );
  process.exit(1);
}

try {
  const names = await registerCommands({
    token: config.discordToken,
    applicationId,
    guildId,
    apiUrl: config.discordApiUrl,
    commands,
  });
  console.log(
    `Registered ${names.map((name) => `/${name}`).join(', ')} ${
      guildId === undefined
        ? 'globally (they can take up to an hour to appear everywhere)'
        : `to server ${guildId} (available now)`
    }.`,
  );
} catch (error) {
  const { status, code } = error as { status?: unknown; code?: unknown };
  console.error(
    status === 401
      ? 'Discord refused DISCORD_TOKEN: copy the bot token again from the Developer Portal (Bot → Reset Token).'
      : code === 50001 && guildId !== undefined
        ? `The bot is not in server ${guildId}: invite it first (see README), or check the id.`
        : `Could not register the commands: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}
