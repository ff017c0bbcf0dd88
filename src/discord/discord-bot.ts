import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  Client,
  type ClientOptions,
  Events,
  GatewayIntentBits,
  type Interaction,
  type Message,
  MessageFlags,
  MessageType,
  type TextBasedChannel,
  Options,
  Partials,
  PermissionFlagsBits,
  Routes,
  SnowflakeUtil,
  Status,
} from 'discord.js';
import {
  type APIInteraction,
  type APIUser,
  GatewayDispatchEvents,
  InteractionResponseType,
  InteractionType,
} from 'discord-api-types/v10';
import type { ReplyOffer, ReplyTarget } from '../conversation/reply-target.js';
import type { KeyedPacer } from '../limits/keyed-pacer.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../ops/metrics.js';
import { noPings } from './discord-limits.js';
import { buttonId } from './interactions.js';
import type { IncomingMessage } from './message-to-turn.js';
import { createStreamingReply } from './streaming-reply.js';

/** Options for the Discord gateway client. */
export interface DiscordBotOptions {
  token: string;
  /** REST base URL (a proxy or a stand-in); Discord's own when absent. */
  apiUrl: string | undefined;
  /** Ask for the privileged Message Content intent (it must be enabled in the Developer Portal). */
  messageContentIntent: boolean;
  /** Paces every send and edit per channel. */
  channelPacer: KeyedPacer;
  /** Least time between two updates of a reply still being written. */
  replyEditIntervalMs: number;
  logger: Logger;
  /** Called for every message the bot can see; the handler decides whether to answer. */
  onMessage: (message: IncomingMessage, reply: ReplyTarget) => Promise<void>;
  /** The bot was removed from a server (kicked, or the server deleted; not an outage). */
  onGuildRemoved?: (guildId: string) => void;
  /** Told when the first message of a reply is on Discord (to recover a reply cut by a crash). */
  onReplyStarted?: (messageId: string, replyMessageId: string) => void;
  /** Handles slash commands and button presses; never throws. */
  onInteraction: (interaction: Interaction) => Promise<void>;
  /**
   * `gateway` (the default) connects to Discord's gateway and receives events; `rest` only
   * sends (a worker of a split bot: it answers what the gateway process received).
   */
  mode?: 'gateway' | 'rest';
  /**
   * Opens as many gateway shards as Discord recommends for the bot's servers (discord.js's
   * internal sharding, through @discordjs/ws), all in this process; one shard when off. DMs all
   * arrive on shard 0 either way.
   */
  autoShard?: boolean;
  /**
   * Set in the gateway process of a split bot: each interaction is acknowledged at once (within
   * Discord's 3 s: a deferred private reply, or a deferred update for a button) and handed on
   * as Discord sent it, instead of to `onInteraction`. A rejection tells the person that it could
   * not be taken.
   */
  forwardInteraction?: (data: APIInteraction) => Promise<void>;
  /** Told how long each send and edit waited for its channel's pace. */
  metrics?: Pick<Metrics, 'limiterWait'>;
}

/** Who the bot is once logged in. */
export interface DiscordIdentity {
  botUserId: string;
  applicationId: string;
  username: string;
}

/** A logged-in Discord bot: starts, reports who it is, stops. */
export interface DiscordBot {
  /** Logs in and resolves once the gateway is ready. */
  start(): Promise<DiscordIdentity>;
  /** Closes the gateway connection. */
  stop(): Promise<void>;
  /** Whether the gateway connection is up now (logged in, not reconnecting or resuming). */
  gatewayReady(): boolean;
  /**
   * Handles an interaction received by another process and acknowledged there (see
   * `forwardInteraction`) as if it had arrived here; resolves once it is handled.
   */
  receiveInteraction(data: APIInteraction): Promise<void>;
  /** A ReplyTarget in the DM of `authorId`, about their message `messageId` (posted elsewhere). */
  privateTo(authorId: string, messageId: string): Promise<ReplyTarget>;
  /**
   * A ReplyTarget for a message known only by its ids (one left unanswered by a run that died,
   * or one received by another process), and the audience of its channel (see
   * `IncomingMessage.audienceChannelId`).
   */
  replyTo(ref: {
    channelId: string;
    messageId: string;
    authorId: string;
    guildId: string | undefined;
    replyMessageId: string | undefined;
  }): Promise<{ reply: ReplyTarget; audienceChannelId: string; serverLocale: string | undefined }>;
}

// Discord shows "typing…" for about 10 seconds per request; refresh a little before it lapses.
const typingRefreshMs = 8_000;

/**
 * How discord.js empties its caches: messages after 10 minutes, every user but the bot every 10
 * minutes. A REST-only client (a worker) never logs in to the gateway, so it has no `client.user`:
 * the filter must not need one (a throw in discord.js's sweep timer ends the process).
 */
export const cacheSweepers: NonNullable<ClientOptions['sweepers']> = {
  ...Options.DefaultSweeperSettings,
  messages: { interval: 300, lifetime: 600 },
  users: {
    interval: 600,
    filter: () => (user) => user.id !== user.client.user?.id,
  },
};

/** A discord.js gateway client that turns messages into calls of `onMessage`, with a ReplyTarget per message. */
export function createDiscordBot(options: DiscordBotOptions): DiscordBot {
  const { logger, channelPacer, replyEditIntervalMs } = options;
  const client = new Client({
    // Message Content is privileged; DMs, mentions and replies to the bot carry content without it.
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.DirectMessages,
      ...(options.messageContentIntent ? [GatewayIntentBits.MessageContent] : []),
    ],
    // DM channels are not cached before their first message; without this partial, DMs are dropped.
    partials: [Partials.Channel],
    ...(options.autoShard === true ? { shards: 'auto' as const } : {}),
    allowedMentions: noPings,
    ...(options.apiUrl === undefined ? {} : { rest: { api: options.apiUrl } }),
    // discord.js caches 200 messages per channel and every user it meets, for ever; a bot that
    // thousands of people DM needs neither (it replies through the Message it was given).
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 10,
      PresenceManager: 0,
      ReactionManager: 0,
    }),
    sweepers: cacheSweepers,
  });
  // DM channels stay cached once seen; drop those quiet for half an hour (Partials.Channel
  // brings them back on the next message).
  const dmChannelIdleMs = 30 * 60_000;
  const dmSweep = setInterval(() => {
    const now = Date.now();
    client.channels.cache.sweep(
      (channel) =>
        channel.type === ChannelType.DM &&
        now - SnowflakeUtil.timestampFrom(channel.lastMessageId ?? channel.id) > dmChannelIdleMs,
    );
  }, 10 * 60_000);
  dmSweep.unref();

  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.ShardDisconnect, (event, shardId) =>
    logger.warn({ code: event.code, shardId }, 'gateway disconnected'),
  );
  client.on(Events.ShardResume, (shardId) => logger.info({ shardId }, 'gateway resumed'));
  client.on(Events.MessageCreate, (message) => {
    void handle(message);
  });
  // discord.js tells an outage (GuildUnavailable) apart from a removal (GuildDelete).
  client.on(Events.GuildDelete, (guild) => {
    logger.info({ guildId: guild.id }, 'removed from a server');
    options.onGuildRemoved?.(guild.id);
  });
  const { forwardInteraction } = options;
  if (forwardInteraction === undefined) {
    // A worker (REST only) is handed its interactions through `receiveInteraction`.
    if (options.mode !== 'rest') {
      client.on(Events.InteractionCreate, (interaction) => {
        void options.onInteraction(interaction);
      });
    }
  } else {
    client.on(Events.Raw, (packet: { t?: string; d?: unknown }) => {
      if (packet.t !== GatewayDispatchEvents.InteractionCreate) return;
      void acknowledgeAndForward(packet.d as APIInteraction, forwardInteraction);
    });
  }

  /** See `forwardInteraction`. Never throws. */
  async function acknowledgeAndForward(
    data: APIInteraction,
    forward: (data: APIInteraction) => Promise<void>,
  ): Promise<void> {
    const component = data.type === InteractionType.MessageComponent;
    if (data.type !== InteractionType.ApplicationCommand && !component) return;
    try {
      await client.rest.post(Routes.interactionCallback(data.id, data.token), {
        body: component
          ? { type: InteractionResponseType.DeferredMessageUpdate }
          : {
              type: InteractionResponseType.DeferredChannelMessageWithSource,
              data: { flags: MessageFlags.Ephemeral },
            },
        auth: false,
      });
    } catch (error) {
      logger.warn({ err: error, interactionId: data.id }, 'could not acknowledge an interaction');
      return;
    }
    try {
      await forward(data);
    } catch (error) {
      logger.error({ err: error, interactionId: data.id }, 'could not hand on an interaction');
      await client.rest
        .post(Routes.webhook(data.application_id, data.token), {
          body: {
            content:
              "I couldn't take that just now. Nothing was changed; please try again in a minute.",
            flags: MessageFlags.Ephemeral,
            allowed_mentions: { parse: [] },
          },
          auth: false,
        })
        .catch((replyError: unknown) =>
          logger.warn({ err: replyError }, 'could not tell the user about a lost interaction'),
        );
    }
  }

  async function handle(message: Message): Promise<void> {
    try {
      if (message.author.id === client.user?.id) return;
      const incoming = toIncoming(message, client.user?.id ?? '');
      await options.onMessage(
        incoming,
        replyTarget(message.channel, {
          messageId: message.id,
          authorId: message.author.id,
          inGuild: message.guildId !== null,
        }),
      );
    } catch (error) {
      logger.error({ err: error, messageId: message.id }, 'failed to handle a message');
    }
  }

  /**
   * A ReplyTarget that answers `messageId` (by `authorId`, who alone may use its buttons) in
   * `channel`, continuing from `existingReply` if given.
   */
  function replyTarget(
    channel: Message['channel'],
    ref: { messageId: string; authorId: string; inGuild: boolean; existingReply?: Message },
  ): ReplyTarget {
    let stopTypingNow = () => {};
    let failedUpdates = 0;
    const paced = <T>(write: () => Promise<T>): Promise<T> => {
      const queuedAt = performance.now();
      return channelPacer.run(channel.id, () => {
        options.metrics?.limiterWait(performance.now() - queuedAt, 'discord-channel');
        return write();
      });
    };
    const reply = createStreamingReply<Message>(
      {
        create: (content, isFirst) =>
          paced(() => {
            if (!channel.isSendable()) throw new Error(`cannot send to channel ${channel.type}`);
            const sent: Promise<Message> = channel.send({
              content,
              allowedMentions: noPings,
              // In a server, the first message answers the person's message visibly.
              ...(ref.inGuild && isFirst
                ? { reply: { messageReference: ref.messageId, failIfNotExists: false } }
                : {}),
              // The answer's first message is keyed by the message it answers: if a run dies
              // after Discord created it but before its id was recorded, the next run's send
              // returns that message instead of posting a second answer.
              // https://discord.com/developers/docs/resources/message#create-message
              ...(isFirst ? { nonce: ref.messageId, enforceNonce: true } : {}),
            });
            return sent.then(async (message) => {
              // Discord returned the message an earlier run posted with this nonce, as that
              // run left it (a status, or the answer's first words): bring it up to date.
              if (message.content !== content)
                await channel.messages.edit(message.id, { content, allowedMentions: noPings });
              return message;
            });
          }),
        edit: (handle, content) =>
          paced(async () => {
            // Through the channel given, not the message's: a worker caches no server's channels.
            await channel.messages.edit(handle.id, { content, allowedMentions: noPings });
          }),
        remove: (handle) =>
          paced(async () => {
            await channel.messages.delete(handle.id);
          }),
      },
      {
        minUpdateIntervalMs: replyEditIntervalMs,
        // A channel that refuses one update (no Send Messages, say) refuses the rest: one warning
        // per reply, then only a count.
        onError: (error) => {
          failedUpdates += 1;
          if (failedUpdates === 1) {
            logger.warn({ err: error, channelId: channel.id }, 'reply failed');
          } else {
            logger.debug({ failedUpdates, channelId: channel.id }, 'reply failed again');
          }
        },
        onFirstMessage: (handle) => {
          stopTypingNow();
          options.onReplyStarted?.(ref.messageId, handle.id);
        },
        ...(ref.existingReply
          ? { initial: { handle: ref.existingReply, content: ref.existingReply.content } }
          : {}),
      },
    );
    return {
      startTyping() {
        if (!channel.isSendable()) return () => {};
        const sendTyping = () => {
          channel.sendTyping().catch((error: unknown) => {
            logger.debug({ err: error }, 'typing indicator failed');
          });
        };
        sendTyping();
        const timer = setInterval(sendTyping, typingRefreshMs);
        stopTypingNow = () => clearInterval(timer);
        return stopTypingNow;
      },
      async notice(text) {
        reply.show(text);
      },
      update(textSoFar) {
        reply.show(textSoFar);
      },
      async complete(text, offers = []) {
        await reply.finish(text);
        const last = reply.lastMessage();
        if (offers.length === 0 || last === undefined) return;
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          offers.map((offer) => offerButton(offer, ref.authorId)),
        );
        // The answer is on Discord already: a button that cannot be added is logged, not a failure.
        await paced(async () => {
          await channel.messages.edit(last.id, { components: [row], allowedMentions: noPings });
        }).catch((error: unknown) => {
          logger.warn({ err: error, channelId: channel.id }, 'could not add buttons to a reply');
        });
      },
      async sendNow(text) {
        if (!channel.isSendable()) throw new Error(`cannot send to channel ${channel.type}`);
        // Not paced: the crisis lines never wait behind another reply's edits in this channel.
        // Keyed like the answer (see `create`), so that a restart soon after never posts them twice.
        const message = {
          content: text,
          allowedMentions: noPings,
          nonce: `s${ref.messageId}`,
          enforceNonce: true,
        };
        if (!ref.inGuild) {
          await channel.send(message);
          return;
        }
        try {
          await channel.send({
            ...message,
            reply: { messageReference: ref.messageId, failIfNotExists: false },
          });
        } catch (error) {
          // Discord refuses a reply where the bot may not read the channel's history: the lines
          // go as a plain message instead.
          logger.warn({ err: error, channelId: channel.id }, 'crisis lines sent without the reply');
          await channel.send(message);
        }
      },
    };
  }

  // Channels of servers this process has not seen (a worker sees none): fetched once, then kept
  // a while, so that answering one person several times costs one lookup.
  const fetchedChannels = new Map<string, { channel: TextBasedChannel; at: number }>();
  const keepFetchedMs = 10 * 60_000;
  async function channelById(id: string): Promise<TextBasedChannel | null> {
    const kept = fetchedChannels.get(id);
    if (kept !== undefined && Date.now() - kept.at < keepFetchedMs) return kept.channel;
    const channel = await client.channels.fetch(id, { allowUnknownGuild: true });
    if (channel === null || !channel.isTextBased()) return null;
    fetchedChannels.delete(id);
    fetchedChannels.set(id, { channel, at: Date.now() });
    if (fetchedChannels.size > 2_000)
      fetchedChannels.delete(fetchedChannels.keys().next().value ?? '');
    return channel;
  }

  return {
    async receiveInteraction(data) {
      let received: Interaction | undefined;
      const take = (interaction: Interaction) => (received = interaction);
      client.once(Events.InteractionCreate, take);
      try {
        // discord.js's own construction of an interaction from the gateway's payload.
        (
          client as unknown as { actions: { InteractionCreate: { handle(d: unknown): void } } }
        ).actions.InteractionCreate.handle(data);
      } finally {
        client.off(Events.InteractionCreate, take);
      }
      if (received === undefined) return;
      // Acknowledged by the gateway already: what the handler sends edits or follows that.
      if (received.isRepliable()) {
        received.deferred = true;
        received.ephemeral = !received.isMessageComponent();
      }
      await options.onInteraction(received);
    },
    async privateTo(authorId, messageId) {
      const dm = await client.users.createDM(authorId);
      return replyTarget(dm, { messageId, authorId, inGuild: false });
    },
    async replyTo(ref) {
      const channel = await channelById(ref.channelId);
      if (channel === null || !channel.isTextBased()) {
        throw new Error(`channel ${ref.channelId} is gone or not a text channel`);
      }
      const existingReply =
        ref.replyMessageId === undefined
          ? undefined
          : await channel.messages.fetch(ref.replyMessageId).catch(() => undefined);
      const reply = replyTarget(channel, {
        messageId: ref.messageId,
        authorId: ref.authorId,
        inGuild: ref.guildId !== undefined,
        ...(existingReply ? { existingReply } : {}),
      });
      return {
        reply,
        audienceChannelId: audienceChannelIdOf(channel),
        // A worker caches no server: the locale comes with the message instead.
        serverLocale: channel.isDMBased()
          ? undefined
          : (channel.guild as typeof channel.guild | undefined)?.preferredLocale,
      };
    },
    async start() {
      if (options.mode === 'rest') {
        client.rest.setToken(options.token);
        const me = (await client.rest.get(Routes.user())) as APIUser;
        const identity = { botUserId: me.id, applicationId: me.id, username: me.username };
        logger.info(identity, 'ready to answer through Discord REST');
        return identity;
      }
      const ready = new Promise<Client<true>>((resolve) =>
        client.once(Events.ClientReady, resolve),
      );
      await client.login(options.token);
      const readyClient = await ready;
      const identity = {
        botUserId: readyClient.user.id,
        applicationId: readyClient.application.id,
        username: readyClient.user.username,
      };
      logger.info(identity, 'logged in to Discord');
      return identity;
    },
    async stop() {
      clearInterval(dmSweep);
      await client.destroy();
    },
    gatewayReady: () => client.isReady() && client.ws.status === Status.Ready,
  };
}

function toIncoming(message: Message, botUserId: string): IncomingMessage {
  const channelKind = channelKindOf(message.channel);
  const { channel } = message;
  return {
    settingsChannelId: channel.isThread() ? (channel.parentId ?? channel.id) : channel.id,
    botMaySend: maySend(channel, message.client.user?.id ?? botUserId),
    id: message.id,
    authorId: message.author.id,
    authorIsBot: message.author.bot,
    isSystem: message.system || !isConversational(message.type),
    channelId: message.channelId,
    channelKind,
    guildId: channelKind === 'guild' ? (message.guildId ?? undefined) : undefined,
    serverLocale: channelKind === 'guild' ? message.guild?.preferredLocale : undefined,
    audienceChannelId: audienceChannelIdOf(message.channel),
    inThread: message.channel.isThread(),
    canReply: message.channel.isSendable(),
    content: message.content,
    // Only a direct mention counts: @everyone, @here and role mentions do not address the bot.
    mentionsBot: message.mentions.users.has(botUserId),
    repliesToBot: message.mentions.repliedUser?.id === botUserId,
  };
}

/**
 * Whether the bot may post in `channel` as its server's permissions say (View Channel, and Send
 * Messages, or Send Messages in Threads in a thread). True where they are not known here (a DM;
 * a server whose member list has not the bot yet): a refused post is then handled as any failure.
 */
function maySend(channel: Message['channel'], botUserId: string): boolean {
  if (channel.isDMBased()) return true;
  const permissions = channel.permissionsFor(botUserId);
  if (permissions === null) return true;
  const send = channel.isThread()
    ? PermissionFlagsBits.SendMessagesInThreads
    : PermissionFlagsBits.SendMessages;
  return permissions.has([PermissionFlagsBits.ViewChannel, send]);
}

/** The kind of place a channel is, by its type (a message without a server id is not always a DM). */
function channelKindOf(channel: Message['channel']): IncomingMessage['channelKind'] {
  if (channel.type === ChannelType.DM) return 'dm';
  return !channel.isDMBased() && channel.guildId ? 'guild' : 'private-channel';
}

/**
 * The channel whose members can read what is said in `channel`: a public thread is readable by
 * everyone who can read its parent channel, a private thread only by its own members.
 * https://discord.com/developers/docs/topics/threads
 */
function audienceChannelIdOf(channel: Message['channel'] | TextBasedChannel): string {
  if (!channel.isThread() || channel.type === ChannelType.PrivateThread) return channel.id;
  return channel.parentId ?? channel.id;
}

/** The button for something offered with a reply; its presses are handled by `/safety`. */
function offerButton(offer: ReplyOffer, ownerId: string): ButtonBuilder {
  switch (offer.kind) {
    case 'remember-crisis':
      return new ButtonBuilder()
        .setCustomId(buttonId('safety', 'remember', ownerId, offer.key))
        .setLabel("You can remember that I'm going through this")
        .setStyle(ButtonStyle.Secondary);
    case 'under-18':
      return new ButtonBuilder()
        .setCustomId(buttonId('safety', 'under-18', ownerId))
        .setLabel("I'm under 18")
        .setStyle(ButtonStyle.Secondary);
  }
}

function isConversational(type: MessageType): boolean {
  return type === MessageType.Default || type === MessageType.Reply;
}
