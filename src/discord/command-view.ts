import type { MemoryStore } from '../memory/memory-store.js';
import type { PersonSafety } from '../safety/safety-settings.js';
import type { MemoryUserId } from '../memory/user-id.js';
import type {
  ServerSettings,
  ServerSettingsAudit,
  ServerSettingsChange,
} from '../servers/server-settings.js';
import type { ChangeOutcome } from '../servers/server-settings-store.js';
import {
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';

/** A button on a command's private reply; `action` and `arg` come back when the caller presses it. */
export interface ViewButton {
  action: string;
  arg?: string;
  label: string;
  style: 'primary' | 'secondary' | 'danger';
  disabled?: boolean;
}

/** What a command shows the caller, always privately (ephemeral). */
export interface CommandView {
  content: string;
  /** Rows of at most five buttons, at most five rows (Discord's limits). */
  buttons?: ViewButton[][];
  /** A file attached to the private reply. */
  file?: { name: string; contents: string };
}

/** What a command may use: the caller's identity and the caller's memories only. */
export interface CommandContext {
  /** The caller's mem0 user id; every memory call of a command is for this user. */
  userId: MemoryUserId;
  /** Where the command was used, for display. */
  place: { kind: 'dm' } | { kind: 'guild'; guildId: string };
  memory: Pick<MemoryStore, 'list' | 'search' | 'delete' | 'deleteAll' | 'listEntities'>;
  /** Forgets the caller's short-term conversation and waits for their memory writes in flight. */
  forgetShortTerm(): Promise<void>;
  /** Keeps a value for a later button press (a confirmation); returns its key. */
  remember(value: unknown): string;
  /** Takes back a value kept by `remember`, once. */
  recall(key: string): unknown;
  /** The caller's safety settings and crisis lines (see SAFETY.md). */
  safety: CommandSafety;
  /** Resolves after `ms` (a command checking mem0 again); tests pass a clock that does not wait. */
  sleep(ms: number): Promise<void>;
  /** In a server: its settings, for `/settings` (what the caller may do there, as Discord says). */
  server?: ServerAdmin;
}

/** What `/settings` may do in one server: its settings only, never a member's content. */
export interface ServerAdmin {
  guildId: string;
  /** The caller has Manage Server here (from the interaction's permissions, not a cache). */
  mayManage: boolean;
  settings(): Promise<ServerSettings>;
  /** Makes one change, recorded with the caller's id. */
  change(change: ServerSettingsChange): Promise<ChangeOutcome>;
  recentChanges(): Promise<ServerSettingsAudit[]>;
}

/** What a command may do about the caller's safety. */
export interface CommandSafety {
  settings(): PersonSafety;
  update(change: Partial<Pick<PersonSafety, 'region' | 'minor'>>): void;
  /** Deletes the caller's safety settings (with everything else they asked to forget). */
  forget(): void;
  /** The crisis lines for the caller, where the command was used, ready to show. */
  lines(): { text: string; region: string | undefined };
  /** Every region the bot has crisis lines for. */
  regions(): Array<{ code: string; name: string }>;
  /** Queues for long-term memory the crisis exchange held back under `key`; false if gone. */
  rememberWithheld(key: string): boolean;
  /** Where the operator published the safety protocol (SAFETY_POLICY_URL), if anywhere. */
  policyUrl: string | undefined;
}

/** A slash command: the registration data Discord takes, and what it does. */
export interface SlashCommand {
  /** Sent as is to Discord's bulk command overwrite. */
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Handles the command; `options` are the string option values by name (subcommand under `subcommand`). */
  run(ctx: CommandContext, options: Record<string, string | undefined>): Promise<CommandView>;
  /** Handles a press of one of this command's buttons. */
  press?(ctx: CommandContext, action: string, arg: string | undefined): Promise<CommandView>;
}

/** Where a command works: in servers, in DMs with the bot and in private channels; installed to servers. */
export const everywhere: Pick<
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  'contexts' | 'integration_types'
> = {
  contexts: [
    InteractionContextType.Guild,
    InteractionContextType.BotDM,
    InteractionContextType.PrivateChannel,
  ],
  integration_types: [ApplicationIntegrationType.GuildInstall],
};
