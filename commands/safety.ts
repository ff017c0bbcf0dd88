import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import {
  type CommandContext,
  type CommandView,
  everywhere,
  type SlashCommand,
} from '../src/discord/command-view.js';
import { cutText } from '../src/text/cut-text.js';

const regionHelp =
  'Use `/safety region` with a two-letter country code (such as US, GB, DE or BR), or `auto` to go back to your Discord language.';

function about(ctx: CommandContext): CommandView {
  const { policyUrl } = ctx.safety;
  return {
    content: [
      "**How I handle a crisis.** I'm an AI, not a person and not a therapist. When a message says someone wants to end their life, hurt themselves, or is in danger right now, I send crisis lines for your region straight away, before anything else, then stay in the conversation. I never give details of methods.",
      '**What I keep.** A conversation from a crisis is not written to my long-term memory unless you press the button under my answer. I only count how many times I shared crisis lines, by day and country, with nothing about who.',
      '**Under 18?** Tell me with `/safety age`: I remind you to take breaks, and keep things strictly age-appropriate.',
      ...(policyUrl ? [`The whole protocol: <${policyUrl}>`] : []),
      // The lines alone can take most of a message (an operator's list up to 1,500 characters).
      'Crisis lines for where you are: `/safety lines`.',
    ].join('\n'),
  };
}

/** `/safety`: crisis lines for the caller's region, the region and age settings, and the protocol. */
export const safetyCommand = {
  data: {
    name: 'safety',
    description: 'Crisis lines, and how wellness0 keeps you safe',
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'lines',
        description: 'Show crisis lines for where you are',
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'region',
        description: 'Choose the country whose crisis lines I show you',
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: 'country',
            description: 'A two-letter country code such as US, GB, DE or BR, or "auto"',
            required: true,
            max_length: 4,
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'age',
        description: 'Tell me whether you are under 18',
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: 'age',
            description: 'Your age group',
            required: true,
            choices: [
              { name: "I'm under 18", value: 'under-18' },
              { name: "I'm 18 or over", value: 'adult' },
            ],
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'about',
        description: 'How I handle a crisis, and what I keep',
      },
    ],
    ...everywhere,
  },
  async run(ctx, options) {
    if (options.subcommand === 'lines') return { content: ctx.safety.lines().text };
    if (options.subcommand === 'region') {
      const code = (options.country ?? '').trim().toUpperCase();
      if (code === 'AUTO') {
        ctx.safety.update({ region: undefined });
        return {
          content: `Done: I'll go by your Discord language again.\n\n${ctx.safety.lines().text}`,
        };
      }
      const known = ctx.safety.regions();
      const region = known.find((r) => r.code === code);
      if (region === undefined) {
        return {
          content: `I don't have crisis lines for “${cutText(code, 4)}” yet. I have them for ${known.map((r) => r.code).join(', ')}. <https://findahelpline.com> lists free lines in many more countries.\n\n${regionHelp}`,
        };
      }
      ctx.safety.update({ region: region.code });
      return {
        content: `Done: I'll show you crisis lines for ${region.name}.\n\n${ctx.safety.lines().text}`,
      };
    }
    if (options.subcommand === 'age') {
      const minor = options.age === 'under-18';
      ctx.safety.update({ minor });
      return {
        content: minor
          ? "Thank you for telling me. I'll remind you to take a break every few hours, and keep our conversations age-appropriate. I'm an AI, not a person."
          : "Thanks, noted: you're 18 or over.",
      };
    }
    return about(ctx);
  },
  async press(ctx, action, arg) {
    if (action === 'remember' && arg) {
      return ctx.safety.rememberWithheld(arg)
        ? {
            content:
              "Thank you for trusting me. I'll remember that you're going through this. `/memories` shows what I keep, and `/forget` deletes it.",
          }
        : {
            content:
              "That conversation is no longer waiting (it was a while ago, you asked me to forget, or it's already kept), so nothing was saved.",
          };
    }
    if (action === 'under-18') {
      ctx.safety.update({ minor: true });
      return {
        content:
          "Thank you for telling me. I'll remind you to take a break every few hours, and keep our conversations age-appropriate. You can change this with `/safety age`.",
      };
    }
    return about(ctx);
  },
} satisfies SlashCommand;
