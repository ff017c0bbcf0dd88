import {
  ApplicationCommandOptionType,
  ApplicationIntegrationType,
  ChannelType,
  InteractionContextType,
  PermissionFlagsBits,
} from 'discord-api-types/v10';
import type { CommandView, ServerAdmin, SlashCommand } from '../src/discord/command-view.js';
import {
  type ServerSettings,
  type ServerSettingsChange,
  serverSettingsLimits,
} from '../src/servers/server-settings.js';

const onOff = [
  { name: 'on', value: 'on' },
  { name: 'off', value: 'off' },
];
const sub = ApplicationCommandOptionType.Subcommand;
const string = ApplicationCommandOptionType.String;

/**
 * `/settings`: a server's admins (Manage Server) see and change how the bot behaves in their
 * server. Nothing here shows what a member said or what the bot remembers of anyone.
 */
export const settingsCommand: SlashCommand = {
  data: {
    name: 'settings',
    description: 'See or change how the bot behaves in this server (Manage Server)',
    // Discord shows it only to members with Manage Server; checked again when it is used.
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    options: [
      { type: sub, name: 'show', description: "This server's settings and their last changes" },
      {
        type: sub,
        name: 'channels',
        description: 'Where the bot talks: everywhere, only in listed channels, or except them',
        options: [
          {
            type: string,
            name: 'mode',
            description: 'Everywhere, only the listed channels, or everywhere except them',
            required: true,
            choices: [
              { name: 'everywhere', value: 'everywhere' },
              { name: 'only listed channels', value: 'only' },
              { name: 'everywhere except listed channels', value: 'except' },
            ],
          },
        ],
      },
      {
        type: sub,
        name: 'channel',
        description: 'Add a channel to the list, or take it off',
        options: [
          {
            type: ApplicationCommandOptionType.Channel,
            name: 'channel',
            description: 'The channel (its threads follow it)',
            required: true,
            channel_types: [
              ChannelType.GuildText,
              ChannelType.GuildAnnouncement,
              ChannelType.GuildForum,
            ],
          },
          {
            type: string,
            name: 'list',
            description: 'Add it to the list or take it off',
            required: true,
            choices: [
              { name: 'add', value: 'add' },
              { name: 'remove', value: 'remove' },
            ],
          },
        ],
      },
      {
        type: sub,
        name: 'persona',
        description: 'A short text added to how the bot behaves here (leave empty to remove)',
        options: [
          {
            type: string,
            name: 'text',
            description: 'It never replaces the safety rules, the AI notice or the crisis protocol',
            max_length: serverSettingsLimits.maxPersonaChars,
          },
        ],
      },
      {
        type: sub,
        name: 'memory',
        description: 'Whether the bot remembers and recalls what members say in this server',
        options: [
          {
            type: string,
            name: 'state',
            description: 'On (the default) or off',
            required: true,
            choices: onOff,
          },
        ],
      },
      {
        type: sub,
        name: 'crisis-region',
        description: 'The region whose crisis lines members get here (leave empty to remove)',
        options: [
          {
            type: string,
            name: 'region',
            description: 'A two-letter country code, such as GB or US',
            max_length: 2,
          },
        ],
      },
      {
        type: sub,
        name: 'crisis-line',
        description: "Add your community's own helpline to the crisis lines here",
        options: [
          {
            type: string,
            name: 'name',
            description: 'Its name',
            required: true,
            max_length: serverSettingsLimits.maxLineNameChars,
          },
          {
            type: string,
            name: 'contact',
            description: 'How to reach it (a number, a link)',
            required: true,
            max_length: serverSettingsLimits.maxLineContactChars,
          },
        ],
      },
      { type: sub, name: 'crisis-lines-clear', description: 'Remove the lines added here' },
      {
        type: sub,
        name: 'minors',
        description: "Treat everyone here as under 18 for the safety rules (a minors' space)",
        options: [
          {
            type: string,
            name: 'state',
            description: 'On or off (the default)',
            required: true,
            choices: onOff,
          },
        ],
      },
      {
        type: sub,
        name: 'budget',
        description: 'At most this many answers a day here (leave empty for no limit)',
        options: [
          {
            type: ApplicationCommandOptionType.Integer,
            name: 'answers',
            description: 'Answers a day (UTC); DMs never count',
            min_value: 1,
            max_value: serverSettingsLimits.maxDailyAnswers,
          },
        ],
      },
    ],
  },

  async run(ctx, options) {
    const server = ctx.server;
    if (server === undefined) {
      return { content: '`/settings` works in a server: it changes how I behave in that server.' };
    }
    if (!server.mayManage) {
      return {
        content:
          "Only members who can manage this server can see or change my settings here. Ask one of the server's admins.",
      };
    }
    if (options.subcommand === 'show') return show(server);
    const change = changeFrom(options, ctx.safety.regions());
    if ('refused' in change) return { content: change.refused };
    const outcome = await server.change(change);
    if ('refused' in outcome) return { content: `Nothing was changed: ${outcome.refused}` };
    return {
      content: `Done: it applies from now on in this server.\n\n${describe(outcome.settings)}`,
    };
  },
};

function changeFrom(
  options: Record<string, string | undefined>,
  regions: Array<{ code: string; name: string }>,
): ServerSettingsChange | { refused: string } {
  switch (options.subcommand) {
    case 'channels': {
      const mode = options.mode;
      if (mode !== 'everywhere' && mode !== 'only' && mode !== 'except') {
        return { refused: 'Choose everywhere, only listed channels, or except listed channels.' };
      }
      return { kind: 'channel-mode', mode };
    }
    case 'channel': {
      const channelId = options.channel;
      if (channelId === undefined || !/^\d{17,20}$/.test(channelId)) {
        return { refused: 'Choose a channel of this server.' };
      }
      return { kind: 'channel', channelId, listed: options.list !== 'remove' };
    }
    case 'persona':
      return { kind: 'persona', text: options.text };
    case 'memory':
      return { kind: 'memory', memory: options.state === 'off' ? 'off' : 'on' };
    case 'crisis-region': {
      const code = options.region?.trim().toUpperCase();
      if (code === undefined || code === '') return { kind: 'crisis-region', region: undefined };
      if (!regions.some((region) => region.code === code)) {
        return {
          refused: `I have no crisis lines for "${code}". \`/safety lines\` lists the regions I know.`,
        };
      }
      return { kind: 'crisis-region', region: code };
    }
    case 'crisis-line':
      return {
        kind: 'crisis-line',
        line: { name: options.name ?? '', contact: options.contact ?? '' },
      };
    case 'crisis-lines-clear':
      return { kind: 'crisis-lines-cleared' };
    case 'minors':
      return { kind: 'minors-space', on: options.state === 'on' };
    case 'budget': {
      if (options.answers === undefined) return { kind: 'daily-answers', answers: undefined };
      const answers = Number(options.answers);
      return { kind: 'daily-answers', answers };
    }
    default:
      return { refused: "I don't know that setting." };
  }
}

async function show(server: ServerAdmin): Promise<CommandView> {
  const [settings, changes] = await Promise.all([server.settings(), server.recentChanges()]);
  const history =
    changes.length === 0
      ? 'No changes yet.'
      : changes
          .map((entry) => `- <t:${Math.floor(entry.at / 1000)}:f> by <@${entry.by}>: ${entry.what}`)
          .join('\n');
  return {
    content: `${describe(settings)}\n\n**Last changes**\n${history}\n\nAdmins can change how I behave here, never see what members told me or what I remember of anyone.`,
  };
}

/** The settings, as an admin reads them. */
export function describe(settings: ServerSettings): string {
  const channels =
    settings.channelMode === 'everywhere'
      ? 'everywhere'
      : `${settings.channelMode === 'only' ? 'only in' : 'everywhere except'} ${
          settings.channelIds.length === 0
            ? '(no channel listed yet)'
            : settings.channelIds.map((id) => `<#${id}>`).join(', ')
        }`;
  const lines =
    settings.crisisLines.length === 0
      ? 'none added'
      : settings.crisisLines.map((line) => `${line.name}: ${line.contact}`).join('; ');
  return [
    '**Settings in this server**',
    `- Channels: ${channels}`,
    `- Persona addition: ${settings.personaAddition === undefined ? 'none' : `"${settings.personaAddition}"`}`,
    `- Memory: ${settings.memory}`,
    `- Crisis region: ${settings.crisisRegion ?? 'none (each member’s own, or the server’s language)'}`,
    `- Crisis lines added: ${lines}`,
    `- Minors' space: ${settings.minorsSpace ? 'on' : 'off'}`,
    `- Daily budget: ${settings.dailyAnswers === undefined ? 'no limit' : `${settings.dailyAnswers} answers a day (UTC)`}`,
  ].join('\n');
}
