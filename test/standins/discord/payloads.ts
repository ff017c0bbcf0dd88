/** Builders for the complete object shapes Discord sends, so discord.js never meets a missing field. */
import type { DiscordMessagePayload, DiscordUserPayload } from './types.js';

/** Gateway intent bits the stand-in acts on. */
export const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  GuildMessageTyping: 1 << 11,
  DirectMessages: 1 << 12,
  DirectMessageReactions: 1 << 13,
  DirectMessageTyping: 1 << 14,
  MessageContent: 1 << 15,
} as const;

/** The privileged intents: they must be enabled for the app before a session may ask for them. */
export const privilegedIntentBits =
  Intent.GuildMembers | Intent.GuildPresences | Intent.MessageContent;

/** Message flag bits the stand-in acts on. */
export const MessageFlag = { Ephemeral: 1 << 6, Loading: 1 << 7 } as const;

const discordEpochMs = 1_420_070_400_000n;
let lastSnowflake = 0n;

/** A fresh snowflake whose timestamp is now; strictly increasing within the process. */
export function snowflake(at = Date.now()): string {
  let id = (BigInt(at) - discordEpochMs) << 22n;
  if (id <= lastSnowflake) id = lastSnowflake + 1n;
  lastSnowflake = id;
  return id.toString();
}

/** Compares two snowflakes numerically. */
export function compareSnowflakes(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether a string is a snowflake as the spec defines it. */
export function isSnowflake(value: unknown): value is string {
  return typeof value === 'string' && /^(0|[1-9][0-9]*)$/.test(value);
}

const textPermissions =
  (1n << 6n) | // ADD_REACTIONS
  (1n << 10n) | // VIEW_CHANNEL
  (1n << 11n) | // SEND_MESSAGES
  (1n << 14n) | // EMBED_LINKS
  (1n << 15n) | // ATTACH_FILES
  (1n << 16n) | // READ_MESSAGE_HISTORY
  (1n << 18n) | // USE_EXTERNAL_EMOJIS
  (1n << 26n) | // CHANGE_NICKNAME
  (1n << 31n) | // USE_APPLICATION_COMMANDS
  (1n << 38n); // SEND_MESSAGES_IN_THREADS

/** The permissions of every guild's @everyone role, and of the bot, as a decimal string. */
export const defaultPermissions = textPermissions.toString();

/** A user the stand-in knows about. */
export interface FakeUser {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

/** A user object as Discord serialises it. */
export function userPayload(user: FakeUser): DiscordUserPayload {
  return {
    id: user.id,
    username: user.username,
    global_name: user.globalName,
    discriminator: '0',
    avatar: null,
    avatar_decoration_data: null,
    collectibles: null,
    public_flags: 0,
    flags: 0,
    primary_guild: null,
    ...(user.bot ? { bot: true } : {}),
  };
}

/** A guild member object; gateway MESSAGE_CREATE leaves out `user`, interactions include it. */
export function memberPayload(options: {
  user?: DiscordUserPayload;
  joinedAt: string;
  permissions?: string;
}): Record<string, unknown> {
  return {
    ...(options.user ? { user: options.user } : {}),
    nick: null,
    avatar: null,
    banner: null,
    roles: [],
    joined_at: options.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
    unusual_dm_activity_until: null,
    ...(options.permissions ? { permissions: options.permissions } : {}),
  };
}

/** A channel the stand-in knows about: a guild channel or a DM with one user. */
export interface FakeChannel {
  id: string;
  type: number;
  name: string;
  guildId?: string;
  recipientId?: string;
  /** A thread's parent channel. */
  parentId?: string;
  position: number;
  lastMessageId: string | null;
  /** Its permission overwrites, as Discord serialises them. */
  permissionOverwrites?: Array<{ id: string; type: 0 | 1; allow: string; deny: string }>;
}

/** Thread channel types: announcement (10), public (11) and private (12) threads. */
export function isThreadType(type: number): boolean {
  return type === 10 || type === 11 || type === 12;
}

/** A channel object as Discord serialises it. */
export function channelPayload(
  channel: FakeChannel,
  recipient?: DiscordUserPayload,
): Record<string, unknown> {
  if (channel.type === 1 || channel.type === 3) {
    return {
      id: channel.id,
      type: channel.type,
      last_message_id: channel.lastMessageId,
      flags: 0,
      recipients: recipient ? [recipient] : [],
      ...(channel.type === 3
        ? { name: channel.name || null, icon: null, owner_id: channel.recipientId }
        : {}),
    };
  }
  if (isThreadType(channel.type)) {
    return {
      id: channel.id,
      type: channel.type,
      guild_id: channel.guildId,
      name: channel.name,
      flags: 0,
      parent_id: channel.parentId ?? null,
      owner_id: channel.recipientId ?? '0',
      last_message_id: channel.lastMessageId,
      rate_limit_per_user: 0,
      message_count: 0,
      member_count: 1,
      thread_metadata: {
        archived: false,
        auto_archive_duration: 1440,
        archive_timestamp: new Date(0).toISOString(),
        locked: false,
        ...(channel.type === 12 ? { invitable: true } : {}),
      },
    };
  }
  const voice = channel.type === 2 || channel.type === 13;
  return {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    position: channel.position,
    flags: 0,
    parent_id: channel.parentId ?? null,
    permission_overwrites: channel.permissionOverwrites ?? [],
    nsfw: false,
    ...(voice
      ? { bitrate: 64000, user_limit: 0, rtc_region: null, rate_limit_per_user: 0 }
      : { topic: null, rate_limit_per_user: 0, last_message_id: channel.lastMessageId }),
  };
}

/** A guild the stand-in knows about. */
export interface FakeGuild {
  id: string;
  name: string;
  joinedAt: string;
  channelIds: string[];
  memberIds: Set<string>;
  /** The server's preferred locale (Discord's `preferred_locale`). */
  preferredLocale: string;
}

/** The @everyone role of a guild: its id is the guild id. */
export function everyoneRole(guildId: string): Record<string, unknown> {
  return {
    id: guildId,
    name: '@everyone',
    description: null,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: 0,
    permissions: defaultPermissions,
    managed: false,
    mentionable: false,
    flags: 0,
  };
}

/** A GUILD_CREATE payload: everything discord.js reads, with the bot as the only listed member. */
export function guildCreatePayload(options: {
  guild: FakeGuild;
  channels: Array<Record<string, unknown>>;
  bot: DiscordUserPayload;
}): Record<string, unknown> {
  const { guild } = options;
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: '1',
    application_id: null,
    region: 'deprecated',
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [everyoneRole(guild.id)],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    max_presences: null,
    max_members: 500000,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: guild.preferredLocale,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw: false,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    incidents_data: null,
    hub_type: null,
    latest_onboarding_question_id: null,
    joined_at: guild.joinedAt,
    large: false,
    unavailable: false,
    lazy: true,
    member_count: guild.memberIds.size + 1,
    voice_states: [],
    members: [memberPayload({ user: options.bot, joinedAt: guild.joinedAt })],
    // Active threads come apart from the channels, as on Discord.
    channels: options.channels.filter((c) => !isThreadType(Number(c.type))),
    threads: options.channels.filter((c) => isThreadType(Number(c.type))),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    embedded_activities: [],
    activity_instances: [],
    application_command_counts: {},
    version: Date.now(),
  };
}

/** A message object with every field MessageResponse requires. */
export function messagePayload(options: {
  id: string;
  channelId: string;
  author: DiscordUserPayload;
  content: string;
  type?: number;
  flags?: number;
  mentions?: DiscordUserPayload[];
  embeds?: unknown[];
  components?: unknown[];
  attachments?: unknown[];
  tts?: boolean;
  extra?: Record<string, unknown>;
}): DiscordMessagePayload {
  return {
    type: options.type ?? 0,
    content: options.content,
    mentions: options.mentions ?? [],
    mention_roles: [],
    attachments: options.attachments ?? [],
    embeds: options.embeds ?? [],
    timestamp: new Date(snowflakeTime(options.id)).toISOString(),
    edited_timestamp: null,
    flags: options.flags ?? 0,
    components: options.components ?? [],
    id: options.id,
    channel_id: options.channelId,
    author: options.author,
    pinned: false,
    mention_everyone: false,
    tts: options.tts ?? false,
    ...options.extra,
  };
}

/** The creation time encoded in a snowflake, in ms since the Unix epoch (now, for non-snowflakes). */
export function snowflakeTime(id: string): number {
  if (!isSnowflake(id)) return Date.now();
  return Number((BigInt(id) >> 22n) + discordEpochMs);
}

/** Users mentioned as `<@id>` or `<@!id>` in a text, in order of appearance, without repeats. */
export function mentionedIds(content: string): string[] {
  const ids = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1] ?? '');
  return [...new Set(ids)].filter((id) => id !== '');
}

/** A stable 17-19 digit id derived from a string (FNV-1a), for ids that must not depend on call order. */
export function derivedSnowflake(seed: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const char of seed) {
    hash ^= BigInt(char.codePointAt(0) ?? 0);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  const base = 700_000_000_000_000_000n;
  return (base + (hash % 200_000_000_000_000_000n)).toString();
}
