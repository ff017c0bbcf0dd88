import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  ComponentType,
  type Interaction,
  MessageFlags,
  PermissionFlagsBits,
} from 'discord.js';
import type { Logger } from '../logger.js';
import type { CommandContext, CommandView, SlashCommand } from './command-view.js';
import { cutWithEllipsis } from '../text/cut-text.js';
import { discordMessageLimit, noPings } from './discord-limits.js';

/** Options of the interaction handler. */
export interface InteractionHandlerOptions {
  commands: readonly SlashCommand[];
  /**
   * The context for one caller, in one place; `locale` is the language of the caller's Discord
   * client (https://discord.com/developers/docs/reference#locales).
   */
  contextFor(
    discordUserId: string,
    guildId: string | undefined,
    locale: string,
    rights?: { mayManageServer: boolean },
  ): CommandContext;
  logger: Logger;
}

const styles = {
  primary: ButtonStyle.Primary,
  secondary: ButtonStyle.Secondary,
  danger: ButtonStyle.Danger,
} as const;

/**
 * Button ids carry the command, the action, the caller they belong to and an argument, so that
 * a press can be routed without server state and refused when someone else presses it.
 */
export function buttonId(command: string, action: string, ownerId: string, arg = ''): string {
  return ['w0', command, action, ownerId, arg].join(':');
}

/** Reads a button id made by `buttonId`; undefined for anything else. */
export function parseButtonId(
  id: string,
): { command: string; action: string; ownerId: string; arg: string | undefined } | undefined {
  const [prefix, command, action, ownerId, ...rest] = id.split(':');
  if (prefix !== 'w0' || !command || !action || !ownerId) return undefined;
  const arg = rest.join(':');
  return { command, action, ownerId, arg: arg === '' ? undefined : arg };
}

/** Handles slash commands and their buttons: private to the caller, acknowledged at once. */
export function createInteractionHandler(options: InteractionHandlerOptions) {
  const byName = new Map(options.commands.map((command) => [command.data.name, command]));
  const { logger } = options;

  function render(view: CommandView, command: string, ownerId: string) {
    const content = cutWithEllipsis(view.content, discordMessageLimit);
    return {
      content,
      allowedMentions: noPings,
      components: (view.buttons ?? []).map((row) =>
        new ActionRowBuilder<ButtonBuilder>().addComponents(
          row.map((button) =>
            new ButtonBuilder()
              .setCustomId(buttonId(command, button.action, ownerId, button.arg))
              .setLabel(button.label)
              .setStyle(styles[button.style])
              .setDisabled(button.disabled ?? false),
          ),
        ),
      ),
      files: view.file
        ? [new AttachmentBuilder(Buffer.from(view.file.contents, 'utf8'), { name: view.file.name })]
        : [],
    };
  }

  /**
   * Tells the caller something privately, whether the interaction was acknowledged here or
   * already (by the gateway process of a split bot: a deferred private reply for a command, a
   * deferred update for a button).
   */
  async function tellPrivately(
    interaction: ChatInputCommandInteraction | ButtonInteraction,
    content: string,
  ): Promise<void> {
    if (!interaction.deferred && !interaction.replied) {
      await interaction.reply({ content, flags: MessageFlags.Ephemeral });
    } else if (interaction.isButton()) {
      await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
    } else {
      await interaction.editReply({ content });
    }
  }

  async function runCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const command = byName.get(interaction.commandName);
    if (command === undefined) {
      await tellPrivately(
        interaction,
        "I don't know that command any more. It may have been removed.",
      );
      return;
    }
    // Acknowledge within Discord's 3 seconds before touching memory, which may be slow.
    if (!interaction.deferred) await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const values: Record<string, string | undefined> = {};
    const collect = (list: readonly CommandInteractionOption[]) => {
      for (const option of list) {
        if (option.options) {
          values.subcommand = option.name;
          collect(option.options);
        } else if (typeof option.value === 'string' || typeof option.value === 'number') {
          values[option.name] = String(option.value);
        }
      }
    };
    collect(interaction.options.data);
    const view = await command.run(
      options.contextFor(
        interaction.user.id,
        interaction.guildId ?? undefined,
        interaction.locale,
        {
          // As Discord computed them for this interaction (never a cached member's).
          mayManageServer:
            interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
        },
      ),
      values,
    );
    await interaction.editReply(render(view, command.data.name, interaction.user.id));
  }

  async function pressButton(interaction: ButtonInteraction): Promise<void> {
    const parsed = parseButtonId(interaction.customId);
    const command = parsed && byName.get(parsed.command);
    if (parsed === undefined || command?.press === undefined) {
      await tellPrivately(
        interaction,
        'That button no longer works. Please run the command again.',
      );
      return;
    }
    if (parsed.ownerId !== interaction.user.id) {
      await tellPrivately(
        interaction,
        'These buttons belong to someone else. Use the command yourself to see your own.',
      );
      return;
    }
    if (!interaction.deferred) await interaction.deferUpdate();
    const view = await command.press(
      options.contextFor(interaction.user.id, interaction.guildId ?? undefined, interaction.locale),
      parsed.action,
      parsed.arg,
    );
    const rendered = render(view, command.data.name, interaction.user.id);
    // A button under one of the bot's conversation messages (not a command's private reply) is
    // taken off once used, the message otherwise left as it was, and answered privately.
    if (interaction.message.interactionMetadata === null) {
      // Only the bot's own buttons are ever on its messages (one row, see `offerButton`).
      const left = interaction.message.components.flatMap((row) =>
        'components' in row
          ? row.components.flatMap((c) =>
              c.type === ComponentType.Button && c.customId !== interaction.customId
                ? [ButtonBuilder.from(c)]
                : [],
            )
          : [],
      );
      // For a button, the interaction's own message is the one it sits on.
      await interaction
        .editReply({
          components:
            left.length === 0 ? [] : [new ActionRowBuilder<ButtonBuilder>().addComponents(left)],
        })
        .catch((error: unknown) => {
          // The press worked; a used button left in place only says so again.
          logger.warn(
            { err: error, interactionId: interaction.id },
            'could not remove a used button',
          );
        });
      await interaction.followUp({ ...rendered, flags: MessageFlags.Ephemeral });
      return;
    }
    await interaction.editReply(rendered);
  }

  return async function handle(interaction: Interaction): Promise<void> {
    if (!interaction.isChatInputCommand() && !interaction.isButton()) return;
    try {
      if (interaction.isChatInputCommand()) await runCommand(interaction);
      else await pressButton(interaction);
    } catch (error) {
      logger.error({ err: error, interactionId: interaction.id }, 'interaction failed');
      const content =
        'Something went wrong and I could not finish that. Nothing was changed unless I said so; please try again in a minute.';
      try {
        if (interaction.deferred || interaction.replied) {
          await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
        } else {
          await interaction.reply({ content, flags: MessageFlags.Ephemeral });
        }
      } catch (replyError) {
        logger.warn({ err: replyError }, 'could not tell the user about a failed interaction');
      }
    }
  };
}
