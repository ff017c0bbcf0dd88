/** Wires the REST routes and the gateway onto one local port and exposes the test-facing API. */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import { Gateway } from './gateway.js';
import {
  defaultPermissions,
  derivedSnowflake,
  everyoneRole,
  type FakeChannel,
  type FakeGuild,
  guildCreatePayload,
  memberPayload,
  mentionedIds,
  messagePayload,
  privilegedIntentBits,
  snowflake,
  userPayload,
} from './payloads.js';
import { handleRestRequest, type RestContext } from './rest.js';
import { resolveSpecPath } from './spec-validation.js';
import { DiscordState, type MessageRecord, type StoredCommand } from './state.js';
import type {
  DiscordMessagePayload,
  DiscordUserPayload,
  FailRule,
  FakeDiscord,
  FakeDiscordOptions,
  InteractionPayload,
  InteractionResponseRecord,
  RecordedRequest,
  SendButtonInput,
  SendDmInput,
  SendGroupDmInput,
  SendGuildMessageInput,
  SendSlashInput,
  SlashOptionInput,
  StoredMessage,
} from './types.js';

/** Starts a Discord stand-in on 127.0.0.1 (port 0 picks a free one) and resolves once it listens. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const fake = new FakeDiscordServer(options);
  await fake.listen(options.port ?? 0);
  return fake;
}

interface QueuedFault {
  rule: FailRule;
  remaining: number;
}

class FakeDiscordServer implements FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly identifies: Array<{ token: string; intents: number }> = [];
  readonly botUserId: string;
  readonly applicationId: string;
  private readonly state: DiscordState;
  private readonly gateway: Gateway;
  private readonly server: Server;
  private readonly faults: QueuedFault[] = [];
  private readonly latencies: Array<{ ms: number; path: RegExp }> = [];
  private defaultLatencyMs = 0;
  private boundPort = 0;
  private closed = false;

  constructor(options: FakeDiscordOptions) {
    const token = options.token ?? 'test-token';
    this.botUserId = options.botUserId ?? '100000000000000001';
    this.applicationId = options.applicationId ?? this.botUserId;
    const validate = options.validate ?? true;
    const validateResponses = options.validateResponses ?? false;
    const specPath = validate || validateResponses ? resolveSpecPath(options.specPath) : undefined;
    const privilegedIntents = options.privilegedIntents ?? privilegedIntentBits;
    this.state = new DiscordState(
      {
        id: this.botUserId,
        username: options.botUsername ?? 'wellness0',
        globalName: null,
        bot: true,
      },
      options.guilds ?? [],
    );
    // Known users have DM channels already, as on Discord, where a DM channel outlives any session.
    for (const user of options.users ?? []) {
      this.state.user(user.id, user.username);
      this.state.dmChannel(user.id);
    }
    this.gateway = new Gateway({
      token,
      botUserId: this.botUserId,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      privilegedIntents,
      identifies: this.identifies,
      violations: this.violations,
      resumeUrl: () => `ws://127.0.0.1:${this.boundPort}/gateway-resume`,
      readyPayload: (sessionId) => this.readyPayload(sessionId),
      guildCreatePayloads: () => [...this.state.guilds.values()].map((g) => this.guildCreate(g)),
      guildMembers: (guildId) => this.guildMembers(guildId),
    });
    const ctx: RestContext = {
      state: this.state,
      token,
      applicationId: this.applicationId,
      validate,
      validateResponses,
      specPath,
      ackDeadlineMs: options.ackDeadlineMs ?? 3000,
      interactionTokenTtlMs: options.interactionTokenTtlMs ?? 15 * 60_000,
      privilegedIntents,
      echoBotMessages: options.echoBotMessages ?? true,
      requests: this.requests,
      violations: this.violations,
      httpBase: () => `http://127.0.0.1:${this.boundPort}`,
      gatewayUrl: () => this.gatewayUrl,
      identifyCount: () => this.identifies.length,
      dispatch: (t, d) => this.gateway.dispatch(t, d),
      takeFault: (method, path) => this.takeFault(method, path),
      latencyFor: (path) => this.latencyFor(path),
    };
    this.server = createServer((req, res) => {
      handleRestRequest(ctx, req, res).catch((cause: unknown) => {
        this.violations.push(`${req.method} ${req.url}: FakeDiscord failed: ${String(cause)}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    this.server.on('upgrade', (req, socket, head: Buffer) =>
      this.gateway.handleUpgrade(req, socket, head),
    );
  }

  /** Binds the server. */
  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
  }

  get port(): number {
    return this.boundPort;
  }

  get apiBase(): string {
    return `http://127.0.0.1:${this.boundPort}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.boundPort}/gateway`;
  }

  sendDm(input: SendDmInput): DiscordMessagePayload {
    const user = this.state.user(input.userId, input.username);
    const known = input.channelId ? this.state.channels.get(input.channelId) : undefined;
    if (known && known.type !== 1) {
      throw new Error(`FakeDiscord.sendDm: channel ${known.id} is a guild channel, not a DM`);
    }
    const channel = this.state.dmChannel(user.id, input.channelId);
    const payload = messagePayload({
      id: input.messageId ?? snowflake(),
      channelId: channel.id,
      author: userPayload(user),
      content: input.content,
      mentions: this.state.mentions(input.content),
      attachments: input.attachments ?? [],
    });
    return this.dispatchUserMessage({ payload, byBot: false, ...this.newRecordFields() });
  }

  sendGroupDm(input: SendGroupDmInput): DiscordMessagePayload {
    const user = this.state.user(input.userId);
    let channel = this.state.channels.get(input.channelId);
    if (!channel) {
      channel = {
        id: input.channelId,
        type: 3,
        name: '',
        recipientId: user.id,
        position: 0,
        lastMessageId: null,
      };
      this.state.channels.set(channel.id, channel);
    }
    if (channel.type !== 3) {
      throw new Error(`FakeDiscord.sendGroupDm: channel ${channel.id} is not a group DM`);
    }
    const content = input.mentionBot ? `<@${this.botUserId}> ${input.content}` : input.content;
    const payload = messagePayload({
      id: snowflake(),
      channelId: channel.id,
      author: userPayload(user),
      content,
      mentions: this.state.mentions(content),
      attachments: [],
    });
    return this.dispatchUserMessage({ payload, byBot: false, ...this.newRecordFields() });
  }

  sendGuildMessage(input: SendGuildMessageInput): DiscordMessagePayload {
    const { guild, channel } = this.guildChannel(
      'sendGuildMessage',
      input.guildId,
      input.channelId,
    );
    const user = this.state.user(input.userId, input.username, input.bot === true);
    guild.memberIds.add(user.id);
    const botMention = `<@${this.botUserId}>`;
    let content = input.content;
    if (
      input.mentionBot &&
      !content.includes(botMention) &&
      !content.includes(`<@!${this.botUserId}>`)
    ) {
      content = `${botMention} ${content}`;
    }
    const ids = [...mentionedIds(content), ...(input.mentions ?? [])];
    if (input.mentionBot) ids.push(this.botUserId);
    const referenced = input.referencedMessageId
      ? this.state.messages.get(input.referencedMessageId)
      : undefined;
    if (referenced && input.pingRepliedUser !== false) ids.push(referenced.payload.author.id);
    const payload = messagePayload({
      id: input.messageId ?? snowflake(),
      channelId: channel.id,
      author: userPayload(user),
      content,
      type: input.referencedMessageId ? 19 : 0,
      mentions: [...new Set(ids)].map((id) => this.state.mentionPayload(id, guild.id)),
      attachments: input.attachments ?? [],
      extra: input.referencedMessageId
        ? {
            message_reference: {
              type: 0,
              channel_id: channel.id,
              message_id: input.referencedMessageId,
              guild_id: guild.id,
            },
            referenced_message: referenced && !referenced.deleted ? referenced.payload : null,
          }
        : {},
    });
    return this.dispatchUserMessage({
      payload,
      guildId: guild.id,
      byBot: false,
      ...this.newRecordFields(),
    });
  }

  sendSlash(input: SendSlashInput): InteractionPayload {
    const user = this.state.user(input.userId, input.username);
    const command = this.findCommand(input.name, input.guildId);
    if (command) checkAgainstCommand(command, input);
    for (const option of input.options ?? []) checkOptionValue(input.name, option);
    let options: unknown[] = input.options ?? [];
    if (input.subcommand) options = [{ name: input.subcommand, type: 1, options }];
    if (input.subcommandGroup) options = [{ name: input.subcommandGroup, type: 2, options }];
    const resolved = this.resolvedFor(input.options ?? [], input.guildId);
    const data: Record<string, unknown> = {
      id: command?.id ?? derivedSnowflake(`command:${input.name}`),
      name: input.name,
      type: 1,
      ...(options.length > 0 ? { options } : {}),
      ...(resolved ? { resolved } : {}),
      ...(typeof command?.guild_id === 'string' ? { guild_id: command.guild_id } : {}),
    };
    return this.dispatchInteraction({
      type: 2,
      user: userPayload(user),
      guildId: input.guildId,
      channelId: input.channelId,
      locale: input.locale,
      data,
      caller: 'sendSlash',
      ...(input.memberPermissions === undefined
        ? {}
        : { memberPermissions: input.memberPermissions }),
    });
  }

  sendButton(input: SendButtonInput): InteractionPayload {
    const user = this.state.user(input.userId, input.username);
    let message = this.state.messages.get(input.messageId);
    if (message && !message.deleted) {
      if (input.channelId && input.channelId !== message.payload.channel_id) {
        throw new Error(
          `FakeDiscord.sendButton: message ${input.messageId} is in channel ${message.payload.channel_id}, not ${input.channelId}`,
        );
      }
      if (!customIds(message.payload.components).includes(input.customId)) {
        throw new Error(
          `FakeDiscord.sendButton: message ${input.messageId} has no component with custom_id "${input.customId}" (has ${JSON.stringify(customIds(message.payload.components))})`,
        );
      }
    } else {
      const channelId =
        input.channelId ?? this.defaultChannelId('sendButton', user.id, input.guildId);
      // Stands in for a command's private reply: ephemeral, and made by an interaction.
      message = {
        payload: messagePayload({
          id: input.messageId,
          channelId,
          author: this.state.botPayload(),
          content: '',
          flags: 64,
          extra: {
            interaction_metadata: {
              id: snowflake(),
              type: 2,
              user: userPayload(user),
              authorizing_integration_owners: {},
            },
          },
          components: [
            {
              type: 1,
              components: [{ type: 2, style: 1, label: input.customId, custom_id: input.customId }],
            },
          ],
        }),
        ...(input.guildId ? { guildId: input.guildId } : {}),
        byBot: true,
        synthetic: true,
        ...this.newRecordFields(),
      };
      this.state.addMessage(message);
    }
    return this.dispatchInteraction({
      type: 3,
      user: userPayload(user),
      guildId: input.guildId ?? message.guildId,
      channelId: message.payload.channel_id,
      data: { custom_id: input.customId, component_type: 2 },
      message: message.payload,
      caller: 'sendButton',
    });
  }

  removeFromGuild(guildId: string): void {
    const guild = this.state.guilds.get(guildId);
    if (!guild) throw new Error(`FakeDiscord.removeFromGuild: unknown guild ${guildId}`);
    for (const channelId of guild.channelIds) this.state.channels.delete(channelId);
    this.state.guilds.delete(guildId);
    // Without `unavailable`: the bot was removed (kicked, or the server deleted), not an outage.
    this.gateway.dispatch('GUILD_DELETE', { id: guildId });
  }

  dispatch(t: string, d: unknown): void {
    const data = (typeof d === 'object' && d !== null ? d : {}) as Record<string, unknown>;
    if (
      t === 'MESSAGE_CREATE' &&
      typeof data.id === 'string' &&
      !this.state.messages.has(data.id)
    ) {
      const { guild_id: guildId, member: _member, channel_type: _type, ...payload } = data;
      const author = payload.author as DiscordUserPayload | undefined;
      if (typeof guildId !== 'string' && author && typeof payload.channel_id === 'string') {
        this.state.dmChannel(author.id, payload.channel_id);
      }
      this.state.addMessage({
        payload: payload as DiscordMessagePayload,
        ...(typeof guildId === 'string' ? { guildId } : {}),
        byBot: author?.id === this.botUserId,
        ...this.newRecordFields(),
      });
    }
    if (
      t === 'INTERACTION_CREATE' &&
      typeof data.id === 'string' &&
      typeof data.token === 'string'
    ) {
      const member = data.member as { user?: DiscordUserPayload } | undefined;
      const user = (data.user as DiscordUserPayload | undefined) ?? member?.user;
      if (user) this.state.addInteraction(data as InteractionPayload, user);
    }
    this.gateway.dispatch(t, d);
  }

  reconnect(): void {
    this.gateway.reconnect();
  }

  invalidSession(resumable = false): void {
    this.gateway.invalidSession(resumable);
  }

  dropHeartbeatAcks(drop: boolean): void {
    this.gateway.setDropHeartbeatAcks(drop);
  }

  failNext(rule: FailRule): void {
    this.faults.push({ rule, remaining: rule.count ?? 1 });
  }

  setLatency(ms: number, path?: RegExp): void {
    if (!path) {
      this.defaultLatencyMs = ms;
      return;
    }
    const index = this.latencies.findIndex(
      (l) => l.path.source === path.source && l.path.flags === path.flags,
    );
    if (index >= 0) this.latencies.splice(index, 1);
    if (ms > 0) this.latencies.push({ ms, path });
  }

  messages(channelId?: string): StoredMessage[] {
    return [...this.state.messages.values()]
      .filter((r) => r.byBot && !r.deleted && !r.synthetic)
      .filter((r) => channelId === undefined || r.payload.channel_id === channelId)
      .map((r) => this.state.storedMessage(r));
  }

  interactionResponses(interactionId: string): InteractionResponseRecord[] {
    return [...(this.state.interactions.get(interactionId)?.responses ?? [])];
  }

  dmChannelId(userId: string): string {
    return this.state.dmChannelId(userId);
  }

  commands(guildId?: string): unknown[] {
    const list = guildId
      ? (this.state.guildCommands.get(guildId) ?? [])
      : this.state.globalCommands;
    return structuredClone(list);
  }

  async waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
    const started = Date.now();
    let lastError: unknown;
    for (;;) {
      try {
        const value = predicate();
        if (value !== undefined && value !== null && value !== false) return value;
      } catch (cause) {
        lastError = cause;
      }
      if (Date.now() - started >= timeoutMs) {
        const recent = this.requests
          .slice(-8)
          .map((r) => `${r.method} ${r.path} -> ${r.status}`)
          .join(', ');
        throw new Error(
          [
            `FakeDiscord.waitFor timed out after ${timeoutMs} ms`,
            lastError ? `last error: ${describeThrown(lastError)}` : undefined,
            `recent requests: ${recent || 'none'}`,
            this.violations.length > 0 ? `violations: ${this.violations.join(' | ')}` : undefined,
          ]
            .filter(Boolean)
            .join('; '),
        );
      }
      await sleep(5);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private newRecordFields(): Pick<
    MessageRecord,
    'ephemeral' | 'createdAt' | 'edits' | 'deleted' | 'body'
  > {
    return { ephemeral: false, createdAt: Date.now(), edits: 0, deleted: false, body: undefined };
  }

  private dispatchUserMessage(record: MessageRecord): DiscordMessagePayload {
    this.state.addMessage(record);
    const event = this.state.gatewayMessage(record);
    this.gateway.dispatch('MESSAGE_CREATE', event);
    return event;
  }

  private guildChannel(
    caller: string,
    guildId: string,
    channelId: string,
  ): { guild: FakeGuild; channel: FakeChannel } {
    const guild = this.state.guilds.get(guildId);
    if (!guild)
      throw new Error(`FakeDiscord.${caller}: unknown guild ${guildId}; list it in options.guilds`);
    const channel = this.state.channels.get(channelId);
    if (!channel || channel.guildId !== guildId) {
      throw new Error(
        `FakeDiscord.${caller}: channel ${channelId} is not a channel of guild ${guildId}`,
      );
    }
    return { guild, channel };
  }

  private defaultChannelId(caller: string, userId: string, guildId: string | undefined): string {
    if (!guildId) return this.state.dmChannel(userId).id;
    const guild = this.state.guilds.get(guildId);
    const first = guild?.channelIds[0];
    if (!first)
      throw new Error(
        `FakeDiscord.${caller}: guild ${guildId} is unknown or has no channels; pass channelId`,
      );
    return first;
  }

  private dispatchInteraction(input: {
    type: number;
    user: DiscordUserPayload;
    guildId: string | undefined;
    channelId: string | undefined;
    locale?: string | undefined;
    data: Record<string, unknown>;
    message?: DiscordMessagePayload;
    caller: string;
    memberPermissions?: string;
  }): InteractionPayload {
    const permissions = input.memberPermissions ?? defaultPermissions;
    const id = snowflake();
    const token = `aW50ZXJhY3Rpb246${id}_${randomBytes(24).toString('base64url')}`;
    let context: Record<string, unknown>;
    let channelId: string;
    if (input.guildId) {
      const guildId = input.guildId;
      channelId = input.channelId ?? this.defaultChannelId(input.caller, input.user.id, guildId);
      const { guild, channel } = this.guildChannel(input.caller, guildId, channelId);
      guild.memberIds.add(input.user.id);
      context = {
        guild_id: guild.id,
        guild_locale: 'en-US',
        guild: { id: guild.id, locale: 'en-US', features: [] },
        member: memberPayload({ user: input.user, joinedAt: guild.joinedAt, permissions }),
        channel: { ...this.state.channelObject(channel), permissions },
        authorizing_integration_owners: { '0': guild.id },
        context: 0,
      };
    } else {
      const channel = this.state.dmChannel(input.user.id, input.channelId);
      channelId = channel.id;
      context = {
        user: input.user,
        channel: this.state.channelObject(channel),
        // Outside a guild the guild-install owner is reported as "0".
        authorizing_integration_owners: { '0': '0' },
        context: 1,
      };
    }
    const payload: InteractionPayload = {
      id,
      application_id: this.applicationId,
      type: input.type,
      token,
      version: 1,
      locale: input.locale ?? 'en-US',
      app_permissions: defaultPermissions,
      entitlements: [],
      attachment_size_limit: 10 * 1024 * 1024,
      channel_id: channelId,
      data: input.data,
      ...(input.message ? { message: input.message } : {}),
      ...context,
    };
    this.state.addInteraction(payload, input.user);
    this.gateway.dispatch('INTERACTION_CREATE', payload);
    return payload;
  }

  private findCommand(name: string, guildId: string | undefined): StoredCommand | undefined {
    const scoped = guildId ? (this.state.guildCommands.get(guildId) ?? []) : [];
    return [...scoped, ...this.state.globalCommands].find((c) => c.name === name && c.type === 1);
  }

  private resolvedFor(
    options: SlashOptionInput[],
    guildId: string | undefined,
  ): Record<string, unknown> | undefined {
    const resolved: Record<string, Record<string, unknown>> = {};
    const add = (kind: string, id: string, value: unknown) => {
      resolved[kind] ??= {};
      resolved[kind][id] = value;
    };
    const guild = guildId ? this.state.guilds.get(guildId) : undefined;
    for (const option of options) {
      const id = String(option.value);
      if (option.type === 6 || (option.type === 9 && this.state.users.has(id))) {
        add('users', id, userPayload(this.state.user(id)));
        if (guild)
          add(
            'members',
            id,
            memberPayload({ joinedAt: guild.joinedAt, permissions: defaultPermissions }),
          );
      } else if (option.type === 7) {
        const channel = this.state.channels.get(id);
        if (!channel)
          throw new Error(
            `FakeDiscord.sendSlash: option ${option.name} names unknown channel ${id}`,
          );
        add('channels', id, {
          ...this.state.channelObject(channel),
          permissions: defaultPermissions,
        });
      } else if (option.type === 8 || option.type === 9) {
        add('roles', id, {
          ...everyoneRole(guildId ?? id),
          id,
          name: id === guildId ? '@everyone' : `role-${id}`,
        });
      } else if (option.type === 11) {
        const url = `http://127.0.0.1:${this.boundPort}/attachments/${id}/attachment-${id}`;
        add('attachments', id, { id, filename: `attachment-${id}`, size: 0, url, proxy_url: url });
      }
    }
    return Object.keys(resolved).length > 0 ? resolved : undefined;
  }

  private readyPayload(sessionId: string): Record<string, unknown> {
    return {
      v: 10,
      user_settings: {},
      user: {
        ...this.state.botPayload(),
        bot: true,
        verified: true,
        mfa_enabled: false,
        email: null,
      },
      guilds: [...this.state.guilds.keys()].map((id) => ({ id, unavailable: true })),
      session_id: sessionId,
      session_type: 'normal',
      resume_gateway_url: `ws://127.0.0.1:${this.boundPort}/gateway-resume`,
      shard: [0, 1],
      application: { id: this.applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      auth: {},
      _trace: ['fake-discord'],
    };
  }

  private guildCreate(guild: FakeGuild): Record<string, unknown> {
    const channels = guild.channelIds.flatMap((id) => {
      const channel = this.state.channels.get(id);
      return channel ? [this.state.channelObject(channel)] : [];
    });
    return guildCreatePayload({ guild, channels, bot: this.state.botPayload() });
  }

  private guildMembers(guildId: string): Array<Record<string, unknown>> {
    const guild = this.state.guilds.get(guildId);
    if (!guild) return [];
    return [this.botUserId, ...guild.memberIds].map((id) =>
      memberPayload({ user: userPayload(this.state.user(id)), joinedAt: guild.joinedAt }),
    );
  }

  private takeFault(method: string, path: string): FailRule | undefined {
    const index = this.faults.findIndex(({ rule }) => {
      if (rule.method && rule.method.toUpperCase() !== method) return false;
      if (rule.path === undefined) return true;
      return typeof rule.path === 'string' ? rule.path === path : rule.path.test(path);
    });
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault.rule;
  }

  private latencyFor(path: string): number {
    const rule = [...this.latencies].reverse().find((l) => l.path.test(path));
    return rule?.ms ?? this.defaultLatencyMs;
  }
}

function customIds(components: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
    } else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      if (typeof record.custom_id === 'string') found.push(record.custom_id);
      visit(record.components);
      visit(record.accessory);
    }
  };
  visit(components);
  return found;
}

const optionTypeNames: Record<number, string> = {
  3: 'string',
  4: 'integer',
  5: 'boolean',
  6: 'user',
  7: 'channel',
  8: 'role',
  9: 'mentionable',
  10: 'number',
  11: 'attachment',
};

function checkOptionValue(command: string, option: SlashOptionInput): void {
  const { type, value } = option;
  const ok =
    type === 3
      ? typeof value === 'string'
      : type === 4
        ? Number.isInteger(value)
        : type === 5
          ? typeof value === 'boolean'
          : type === 10
            ? typeof value === 'number'
            : type >= 6 && type <= 11
              ? typeof value === 'string' && /^\d+$/.test(value)
              : false;
  if (!ok) {
    throw new Error(
      `FakeDiscord.sendSlash: /${command} option ${option.name} has type ${type} (${optionTypeNames[type] ?? 'unknown'}) but value ${JSON.stringify(value)}`,
    );
  }
}

interface CommandOptionDef {
  name: string;
  type: number;
  required?: boolean;
  choices?: Array<{ value: unknown }>;
  options?: CommandOptionDef[];
}

/** Refuses invocations Discord's client could never produce for the registered command. */
function checkAgainstCommand(command: StoredCommand, input: SendSlashInput): void {
  const where = `FakeDiscord.sendSlash: /${input.name}`;
  let defs = (command.options ?? []) as CommandOptionDef[];
  if (input.subcommandGroup) {
    const group = defs.find((o) => o.type === 2 && o.name === input.subcommandGroup);
    if (!group) throw new Error(`${where} has no subcommand group ${input.subcommandGroup}`);
    defs = group.options ?? [];
  }
  if (input.subcommand) {
    const sub = defs.find((o) => o.type === 1 && o.name === input.subcommand);
    if (!sub) throw new Error(`${where} has no subcommand ${input.subcommand}`);
    defs = sub.options ?? [];
  } else if (defs.some((o) => o.type === 1 || o.type === 2)) {
    throw new Error(
      `${where} must be invoked with a subcommand (${defs.map((o) => o.name).join(', ')})`,
    );
  }
  for (const option of input.options ?? []) {
    const def = defs.find((d) => d.name === option.name);
    if (!def)
      throw new Error(
        `${where} has no option ${option.name} (has ${defs.map((d) => d.name).join(', ') || 'none'})`,
      );
    if (def.type !== option.type)
      throw new Error(`${where} option ${option.name} is type ${def.type}, not ${option.type}`);
    if (def.choices && !def.choices.some((c) => c.value === option.value)) {
      throw new Error(
        `${where} option ${option.name} must be one of ${JSON.stringify(def.choices.map((c) => c.value))}`,
      );
    }
  }
  for (const def of defs) {
    if (def.required && !(input.options ?? []).some((o) => o.name === def.name)) {
      throw new Error(`${where} requires option ${def.name}`);
    }
  }
}

/** What `waitFor` reports of a predicate's last throw: `Error: message` for errors, else the value. */
function describeThrown(cause: unknown): string {
  return cause instanceof Error ? String(cause) : inspect(cause);
}
