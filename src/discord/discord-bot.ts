import {
  ChannelType,
  Client,
  Events,
  GatewayIntentBits,
  type Message,
  MessageType,
  Partials,
} from 'discord.js';
import type { ReplyTarget } from '../conversation/conversation.js';
import type { Logger } from '../logger.js';
import type { IncomingMessage } from './message-to-turn.js';
import { splitMessage } from './split-message.js';

/** Options for the Discord gateway client. */
export interface DiscordBotOptions {
  token: string;
  /** REST base URL (a proxy or a stand-in); Discord's own when absent. */
  apiUrl: string | undefined;
  logger: Logger;
  /** Called for every message the bot can see; the handler decides whether to answer. */
  onMessage: (message: IncomingMessage, reply: ReplyTarget) => Promise<void>;
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
}

// Discord shows "typing…" for about 10 seconds per request; refresh a little before it lapses.
const typingRefreshMs = 8_000;

/** A discord.js gateway client that turns messages into calls of `onMessage`, with a ReplyTarget per message. */
export function createDiscordBot(options: DiscordBotOptions): DiscordBot {
  const { logger } = options;
  const client = new Client({
    // Message Content is privileged; DMs and mentions carry content without it.
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.DirectMessages,
    ],
    // DM channels are not cached before their first message; without this partial, DMs are dropped.
    partials: [Partials.Channel],
    // No message from the bot may ever ping anyone, whatever the model writes.
    allowedMentions: { parse: [], repliedUser: false },
    ...(options.apiUrl === undefined ? {} : { rest: { api: options.apiUrl } }),
  });

  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.ShardDisconnect, (event, shardId) =>
    logger.warn({ code: event.code, shardId }, 'gateway disconnected'),
  );
  client.on(Events.ShardResume, (shardId) => logger.info({ shardId }, 'gateway resumed'));
  client.on(Events.MessageCreate, (message) => {
    void handle(message);
  });

  async function handle(message: Message): Promise<void> {
    try {
      await options.onMessage(toIncoming(message), replyTargetFor(message));
    } catch (error) {
      logger.error({ err: error, messageId: message.id }, 'failed to handle a message');
    }
  }

  function replyTargetFor(message: Message): ReplyTarget {
    const channel = message.channel;
    return {
      startTyping() {
        if (!('sendTyping' in channel)) return () => {};
        const sendTyping = () => {
          channel.sendTyping().catch((error: unknown) => {
            logger.debug({ err: error }, 'typing indicator failed');
          });
        };
        sendTyping();
        const timer = setInterval(sendTyping, typingRefreshMs);
        return () => clearInterval(timer);
      },
      async send(text) {
        if (!('send' in channel)) throw new Error(`cannot send to channel type ${channel.type}`);
        for (const content of splitMessage(text)) {
          await channel.send({ content, allowedMentions: { parse: [] } });
        }
      },
    };
  }

  return {
    async start() {
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
      await client.destroy();
    },
  };
}

function toIncoming(message: Message): IncomingMessage {
  return {
    id: message.id,
    authorId: message.author.id,
    authorIsBot: message.author.bot,
    isSystem: message.system || !isConversational(message.type),
    channelId: message.channelId,
    guildId: message.channel.type === ChannelType.DM ? undefined : (message.guildId ?? undefined),
    content: message.content,
  };
}

function isConversational(type: MessageType): boolean {
  return type === MessageType.Default || type === MessageType.Reply;
}
