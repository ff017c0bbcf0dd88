/** What the stand-in remembers: users, guilds, channels, messages, interactions and commands. */
import {
  channelPayload,
  derivedSnowflake,
  type FakeChannel,
  type FakeGuild,
  type FakeUser,
  MessageFlag,
  memberPayload,
  mentionedIds,
  userPayload,
} from './payloads.js';
import type {
  DiscordMessagePayload,
  DiscordUserPayload,
  FakeGuildInput,
  InteractionPayload,
  InteractionResponseRecord,
  StoredMessage,
} from './types.js';

/** One message in a channel's history, by a user or by the bot. */
export interface MessageRecord {
  /** The message as REST returns it now (no guild_id or member; those are gateway-only). */
  payload: DiscordMessagePayload;
  guildId?: string;
  byBot: boolean;
  ephemeral: boolean;
  createdAt: number;
  editedAt?: number;
  edits: number;
  deleted: boolean;
  body: unknown;
  interactionId?: string;
  nonce?: unknown;
  /** Made up by sendButton for a message id the bot never sent; left out of `messages()`. */
  synthetic?: boolean;
}

/** One interaction and how the bot has answered it so far. */
export interface InteractionRecord {
  id: string;
  token: string;
  type: number;
  payload: InteractionPayload;
  user: DiscordUserPayload;
  channelId: string;
  guildId?: string;
  dispatchedAt: number;
  callbackType?: number;
  ackedAt?: number;
  /** Whether the original response is ephemeral. */
  ephemeral: boolean;
  originalMessageId?: string;
  componentMessageId?: string;
  /** Deferred with type 5 and not yet edited: the message shows "thinking". */
  loading: boolean;
  messageIds: Set<string>;
  responses: InteractionResponseRecord[];
}

/** A stored application command, in the shape Discord returns. */
export type StoredCommand = Record<string, unknown> & { id: string; name: string; type: number };

/** The stand-in's world, shared by the REST routes and the gateway helpers. */
export class DiscordState {
  readonly users = new Map<string, FakeUser>();
  readonly guilds = new Map<string, FakeGuild>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, MessageRecord>();
  readonly interactions = new Map<string, InteractionRecord>();
  readonly interactionsByToken = new Map<string, InteractionRecord>();
  readonly globalCommands: StoredCommand[] = [];
  readonly guildCommands = new Map<string, StoredCommand[]>();
  private readonly dmByUser = new Map<string, string>();

  constructor(
    readonly bot: FakeUser,
    guilds: FakeGuildInput[],
  ) {
    this.users.set(bot.id, bot);
    const joinedAt = new Date().toISOString();
    for (const input of guilds) {
      const guild: FakeGuild = {
        id: input.id,
        name: input.name ?? `guild-${input.id}`,
        joinedAt,
        channelIds: [],
        memberIds: new Set(),
        preferredLocale: input.preferredLocale ?? 'en-US',
      };
      this.guilds.set(guild.id, guild);
      for (const [position, channel] of (input.channels ?? []).entries()) {
        guild.channelIds.push(channel.id);
        this.channels.set(channel.id, {
          id: channel.id,
          type: channel.type ?? 0,
          name: channel.name ?? `channel-${channel.id}`,
          guildId: guild.id,
          ...(channel.parentId === undefined ? {} : { parentId: channel.parentId }),
          ...(channel.botDenied === undefined
            ? {}
            : {
                permissionOverwrites: [
                  { id: bot.id, type: 1 as const, allow: '0', deny: channel.botDenied },
                ],
              }),
          position,
          lastMessageId: null,
        });
      }
    }
  }

  /** The bot's user object. */
  botPayload(): DiscordUserPayload {
    return userPayload(this.bot);
  }

  /** Returns a known user, or remembers a new one (`username` updates a known one). */
  user(id: string, username?: string, bot = false): FakeUser {
    let user = this.users.get(id);
    if (!user) {
      user = { id, username: username ?? `user${id.slice(-4)}`, globalName: null, bot };
      this.users.set(id, user);
    } else if (username && user.username !== username) {
      user.username = username;
    }
    return user;
  }

  /** The DM channel id of a user: remembered if known, else derived from the user id. */
  dmChannelId(userId: string): string {
    return this.dmByUser.get(userId) ?? derivedSnowflake(`dm:${userId}`);
  }

  /** Returns the user's DM channel, creating it (with `channelId` if given) on first use. */
  dmChannel(userId: string, channelId?: string): FakeChannel {
    const id = channelId ?? this.dmChannelId(userId);
    this.dmByUser.set(userId, id);
    let channel = this.channels.get(id);
    if (!channel) {
      channel = { id, type: 1, name: '', recipientId: userId, position: 0, lastMessageId: null };
      this.channels.set(id, channel);
    }
    return channel;
  }

  /** A channel object for REST or an interaction payload. */
  channelObject(channel: FakeChannel): Record<string, unknown> {
    const recipient = channel.recipientId ? userPayload(this.user(channel.recipientId)) : undefined;
    return channelPayload(channel, recipient);
  }

  /** Users mentioned in a text that the stand-in can describe; unknown ids are still listed. */
  mentions(content: string, guildId?: string): DiscordUserPayload[] {
    return mentionedIds(content).map((id) => this.mentionPayload(id, guildId));
  }

  /** A user object as it appears in `mentions`: guild mentions carry a partial member. */
  mentionPayload(id: string, guildId?: string): DiscordUserPayload {
    const user = userPayload(this.user(id));
    const guild = guildId ? this.guilds.get(guildId) : undefined;
    return guild ? { ...user, member: memberPayload({ joinedAt: guild.joinedAt }) } : user;
  }

  /** Adds a message to its channel's history. */
  addMessage(record: MessageRecord): void {
    this.messages.set(record.payload.id, record);
    const channel = this.channels.get(record.payload.channel_id);
    if (channel && !record.ephemeral) channel.lastMessageId = record.payload.id;
  }

  /** The gateway form of a message: REST form plus guild_id, member and channel_type. */
  gatewayMessage(record: MessageRecord): DiscordMessagePayload {
    const channel = this.channels.get(record.payload.channel_id);
    const guild = record.guildId ? this.guilds.get(record.guildId) : undefined;
    return {
      ...record.payload,
      channel_type: channel?.type ?? (record.guildId ? 0 : 1),
      ...(record.guildId ? { guild_id: record.guildId } : {}),
      ...(guild ? { member: memberPayload({ joinedAt: guild.joinedAt }) } : {}),
    };
  }

  /** The public view of a bot-created message. */
  storedMessage(record: MessageRecord): StoredMessage {
    const p = record.payload;
    return {
      id: p.id,
      channelId: p.channel_id,
      content: p.content,
      flags: p.flags,
      ephemeral: record.ephemeral,
      embeds: p.embeds,
      components: p.components,
      attachments: p.attachments,
      edits: record.edits,
      createdAt: record.createdAt,
      ...(record.editedAt !== undefined ? { editedAt: record.editedAt } : {}),
      ...(record.deleted ? { deleted: true } : {}),
      ...(record.interactionId ? { interactionId: record.interactionId } : {}),
      body: record.body,
    };
  }

  /** Remembers an interaction so callbacks and webhook calls can find it. */
  addInteraction(payload: InteractionPayload, user: DiscordUserPayload): InteractionRecord {
    const message = payload.message as { id?: unknown; flags?: unknown } | undefined;
    const record: InteractionRecord = {
      id: payload.id,
      token: payload.token,
      type: payload.type,
      payload,
      user,
      channelId: payload.channel_id,
      ...(payload.guild_id ? { guildId: payload.guild_id } : {}),
      dispatchedAt: Date.now(),
      ephemeral: false,
      ...(typeof message?.id === 'string' ? { componentMessageId: message.id } : {}),
      loading: false,
      messageIds: new Set(),
      responses: [],
    };
    this.interactions.set(record.id, record);
    this.interactionsByToken.set(record.token, record);
    return record;
  }

  /** Whether a message record is ephemeral by its flags. */
  static isEphemeral(flags: unknown): boolean {
    return typeof flags === 'number' && (flags & MessageFlag.Ephemeral) !== 0;
  }
}
