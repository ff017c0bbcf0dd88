/** Options for {@link startFakeDiscord}; every field has a default that suits a single-bot test. */
export interface FakeDiscordOptions {
  /** The accepted bot token (default `'test-token'`); any other token gets 401 on REST and 4004 on IDENTIFY. */
  token?: string;
  botUserId?: string;
  /** Defaults to `botUserId`, as for every bot created in the developer portal. */
  applicationId?: string;
  botUsername?: string;
  guilds?: FakeGuildInput[];
  /** Users known from the start (others become known when they send something), e.g. for GET /users/:id. */
  users?: Array<{ id: string; username?: string }>;
  heartbeatIntervalMs?: number;
  port?: number;
  /** Validate request bodies against Discord's OpenAPI spec and the bot limits (default true). */
  validate?: boolean;
  /** Also validate the stand-in's own JSON answers against the spec's response schemas (default false). */
  validateResponses?: boolean;
  /** How long after dispatch an interaction may still be acknowledged (Discord: 3000 ms). */
  ackDeadlineMs?: number;
  /** How long an interaction token stays usable for follow-ups and edits (Discord: 15 minutes). */
  interactionTokenTtlMs?: number;
  /** Privileged intents enabled for the app in the developer portal (default: all three); others close with 4014. */
  privilegedIntents?: number;
  /** Dispatch MESSAGE_CREATE/UPDATE/DELETE for the bot's own REST writes, as Discord does (default true). */
  echoBotMessages?: boolean;
  /** Path to Discord's openapi.json (default: the first of {@link defaultDiscordSpecPaths} that exists). */
  specPath?: string;
}

/** A guild the bot is a member of at login. */
export interface FakeGuildInput {
  id: string;
  name?: string;
  channels?: FakeChannelInput[];
  /** The server's preferred locale; `en-US` unless given. */
  preferredLocale?: string;
}

/** A channel of a {@link FakeGuildInput}; `type` defaults to 0 (GUILD_TEXT). */
export interface FakeChannelInput {
  id: string;
  name?: string;
  /** 0 text, 11 public thread, 12 private thread, 10 announcement thread… */
  type?: number;
  /** A thread's parent channel. */
  parentId?: string;
  /**
   * Permissions (a decimal bitfield) a channel overwrite denies the bot here, as a server admin
   * sets them: posting while Send Messages is denied gets Discord's 403 (50013) and is a violation.
   */
  botDenied?: string;
}

/** One HTTP request the stand-in received, with the status it answered. */
export interface RecordedRequest {
  method: string;
  /** Decoded, without the `/api/v10` prefix, e.g. `/webhooks/app/tok/messages/@original`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  /** Parsed JSON; for multipart `{ payload_json, files }`. */
  body: unknown;
  at: number;
  status: number;
}

/** One file part of a multipart request. */
export interface RecordedFile {
  name: string;
  filename: string;
  contentType: string;
  size: number;
  text: string;
}

/** A user object as Discord serialises it. */
export interface DiscordUserPayload {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: string | null;
  public_flags: number;
  flags: number;
  primary_guild: null;
  bot?: boolean;
  [key: string]: unknown;
}

/** A message object as Discord serialises it (gateway or REST). */
export interface DiscordMessagePayload {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: DiscordUserPayload;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  type: number;
  flags: number;
  mentions: DiscordUserPayload[];
  embeds: unknown[];
  components: unknown[];
  attachments: unknown[];
  [key: string]: unknown;
}

/** An INTERACTION_CREATE payload. */
export interface InteractionPayload {
  id: string;
  token: string;
  application_id: string;
  type: number;
  channel_id: string;
  guild_id?: string;
  data: Record<string, unknown>;
  [key: string]: unknown;
}

/** A message the bot created, as it stands now. */
export interface StoredMessage {
  id: string;
  channelId: string;
  content: string;
  flags: number;
  ephemeral: boolean;
  embeds: unknown[];
  components: unknown[];
  attachments: unknown[];
  edits: number;
  createdAt: number;
  editedAt?: number;
  deleted?: boolean;
  /** Set for interaction responses and follow-ups. */
  interactionId?: string;
  /** The request body that last set this message (create or edit). */
  body: unknown;
}

/** One response the bot gave to an interaction, in the order received. */
export interface InteractionResponseRecord {
  kind:
    | 'callback'
    | 'original-edit'
    | 'original-delete'
    | 'followup'
    | 'followup-edit'
    | 'followup-delete';
  /** The callback type, for `kind: 'callback'`. */
  type?: number;
  body: unknown;
  ephemeral: boolean;
  messageId?: string;
  at: number;
}

/** A scripted fault, consumed by the next matching requests. */
export interface FailRule {
  method?: string;
  /** A RegExp tested against the decoded path, or a string that must equal it. */
  path?: RegExp | string;
  status: number;
  retryAfterSeconds?: number;
  global?: boolean;
  /** How many matching requests fail (default 1). */
  count?: number;
  body?: unknown;
  /**
   * Answer with the fault only after the request took effect (a message created, say), as when a
   * response is lost on the way back; the client cannot tell it from a failure before.
   */
  afterProcessing?: boolean;
}

/** Input of {@link FakeDiscord.sendDm}. */
export interface SendDmInput {
  userId: string;
  content: string;
  username?: string;
  channelId?: string;
  messageId?: string;
  attachments?: unknown[];
}

/** Input of {@link FakeDiscord.sendGroupDm}. */
export interface SendGroupDmInput {
  channelId: string;
  userId: string;
  content: string;
  mentionBot?: boolean;
}

/** Input of {@link FakeDiscord.sendGuildMessage}. */
export interface SendGuildMessageInput {
  guildId: string;
  channelId: string;
  userId: string;
  content: string;
  mentionBot?: boolean;
  mentions?: string[];
  referencedMessageId?: string | undefined;
  /** Whether a reply pings the replied-to author, as Discord's client does by default (default true). */
  pingRepliedUser?: boolean;
  username?: string;
  bot?: boolean;
  messageId?: string;
  attachments?: unknown[];
}

/** One option of a slash command invocation. */
export interface SlashOptionInput {
  name: string;
  type: number;
  value: unknown;
}

/** Input of {@link FakeDiscord.sendSlash}. */
export interface SendSlashInput {
  userId: string;
  name: string;
  options?: SlashOptionInput[];
  subcommand?: string;
  subcommandGroup?: string;
  guildId?: string;
  channelId?: string | undefined;
  username?: string;
  locale?: string;
  /** The caller's permissions in the channel (decimal bitfield; default: a plain member's). */
  memberPermissions?: string;
}

/** Input of {@link FakeDiscord.sendButton}. */
export interface SendButtonInput {
  userId: string;
  customId: string;
  messageId: string;
  guildId?: string;
  channelId?: string;
  username?: string;
}

/** A running Discord stand-in: REST under `/api/v10` and the gateway on one local port. */
export interface FakeDiscord {
  readonly apiBase: string;
  readonly gatewayUrl: string;
  readonly port: number;
  readonly botUserId: string;
  readonly applicationId: string;
  readonly requests: RecordedRequest[];
  readonly violations: string[];
  readonly identifies: Array<{ token: string; intents: number }>;
  /** Dispatches a DM from a user as MESSAGE_CREATE to every identified session with the DirectMessages intent. */
  sendDm(input: SendDmInput): DiscordMessagePayload;
  /**
   * Dispatches a message in a group DM (channel type 3, no guild) that the bot can see, as a
   * user-installed app's owner might bring about; `mentionBot` prefixes the bot's mention.
   */
  sendGroupDm(input: SendGroupDmInput): DiscordMessagePayload;
  /** Dispatches a guild text message as MESSAGE_CREATE, stripping content per session as Discord does. */
  sendGuildMessage(input: SendGuildMessageInput): DiscordMessagePayload;
  /** Dispatches a chat-input command interaction in a DM (no `guildId`) or guild channel. */
  sendSlash(input: SendSlashInput): InteractionPayload;
  /** Dispatches a button click on a message. */
  sendButton(input: SendButtonInput): InteractionPayload;
  /** The bot is removed from a server: it is forgotten here and GUILD_DELETE is dispatched. */
  removeFromGuild(guildId: string): void;
  /** Dispatches a raw gateway event; MESSAGE_CREATE and INTERACTION_CREATE are also remembered. */
  dispatch(t: string, d: unknown): void;
  /** Sends op 7 to every session; discord.js then resumes on `resume_gateway_url`. */
  reconnect(): void;
  /** Sends op 9 to every session; a non-resumable one is forgotten, so the client identifies again. */
  invalidSession(resumable?: boolean): void;
  /** Stops (or resumes) answering heartbeats, which makes the client treat the connection as a zombie. */
  dropHeartbeatAcks(drop: boolean): void;
  /** Queues a fault for the next matching REST requests. */
  failNext(rule: FailRule): void;
  /** Delays REST answers, for every path or only those matching `path`; 0 removes the delay. */
  setLatency(ms: number, path?: RegExp): void;
  /** Current messages the bot created (edits applied, deleted ones left out), in creation order. */
  messages(channelId?: string): StoredMessage[];
  /** Every response the bot gave to one interaction, in order. */
  interactionResponses(interactionId: string): InteractionResponseRecord[];
  /** The DM channel id Discord would use for a user (stable per user). */
  dmChannelId(userId: string): string;
  /** Stored application commands: global ones, or one guild's. */
  commands(guildId?: string): unknown[];
  /** Resolves with the predicate's first value other than undefined, null or false; polls every 5 ms. */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** Closes every socket and the server; never hangs on keep-alive connections. */
  close(): Promise<void>;
}
