import { once } from 'node:events';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Message,
  MessageFlags,
  Partials,
  SlashCommandBuilder,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { rawDataText } from './discord/gateway.js';
import { resolveSpecPath, specHasOperation } from './discord/spec-validation.js';
import {
  emulatedRoutes,
  type FakeDiscord,
  type FakeDiscordOptions,
  startFakeDiscord,
} from './discord.js';

const userId = '300000000000000001';
const guildId = '200000000000000001';
const channelId = '200000000000000002';

let fake: FakeDiscord | undefined;
const clients: Client[] = [];
const clientErrors: unknown[] = [];

async function start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  fake = await startFakeDiscord({
    guilds: [{ id: guildId, name: 'calm corner', channels: [{ id: channelId, name: 'general' }] }],
    validateResponses: true,
    ...options,
  });
  return fake;
}

function newClient(server: FakeDiscord, intents?: number[]): Client {
  const client = new Client({
    intents: intents ?? [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.DirectMessages,
    ],
    partials: [Partials.Channel],
    rest: { api: server.apiBase },
  });
  client.on(Events.Error, (error) => clientErrors.push(error));
  clients.push(client);
  return client;
}

async function connect(server: FakeDiscord, intents?: number[]): Promise<Client<true>> {
  const client = newClient(server, intents);
  const ready = once(client, Events.ClientReady);
  await client.login('test-token');
  await ready;
  return client as Client<true>;
}

/** Runs an async handler for an event and records its failure instead of crashing the run. */
function handle<T>(fn: (arg: T) => Promise<unknown>): (arg: T) => void {
  return (arg) => {
    fn(arg).catch((error: unknown) => clientErrors.push(error));
  };
}

afterEach(async () => {
  for (const client of clients.splice(0)) await client.destroy();
  const violations = fake ? [...fake.violations] : [];
  await fake?.close();
  fake = undefined;
  const errors = clientErrors.splice(0);
  expect(violations).toEqual([]);
  expect(errors).toEqual([]);
});

describe('FakeDiscord with the real discord.js Client', () => {
  it('logs the client in and reports the identify with its intents', async () => {
    const server = await start();
    const client = await connect(server);
    expect(client.user.id).toBe(server.botUserId);
    expect(client.guilds.cache.get(guildId)?.name).toBe('calm corner');
    expect(client.channels.cache.get(channelId)?.isTextBased()).toBe(true);
    expect(server.identifies).toEqual([
      { token: 'test-token', intents: (1 << 0) | (1 << 9) | (1 << 12) },
    ]);
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /gateway/bot 200',
    ]);
  });

  it('delivers a DM and records the typing, reply, edit and send that answer it', async () => {
    const server = await start();
    const client = await connect(server);
    client.on(
      Events.MessageCreate,
      handle(async (message: Message) => {
        if (message.author.bot || !message.channel.isSendable()) return;
        await message.channel.sendTyping();
        const reply = await message.reply(`echo: ${message.content}`);
        await reply.edit(`echo (edited): ${message.content}`);
        await message.channel.send('anything else?');
      }),
    );
    const dm = server.sendDm({ userId, username: 'sam', content: 'rough day' });
    await server.waitFor(() => server.messages(dm.channel_id).length === 2);
    expect(dm.channel_id).toBe(server.dmChannelId(userId));
    expect(server.messages(dm.channel_id).map((m) => [m.content, m.edits])).toEqual([
      ['echo (edited): rough day', 1],
      ['anything else?', 0],
    ]);
    const typing = server.requests.find((r) => r.path === `/channels/${dm.channel_id}/typing`);
    expect(typing?.status).toBe(204);
    const replyBody = server.requests.find(
      (r) => r.method === 'POST' && r.path.endsWith('/messages'),
    )?.body;
    expect(replyBody).toMatchObject({ message_reference: { message_id: dm.id } });
  });

  it('resolves the guild channel of a message that mentions the bot', async () => {
    const server = await start();
    const client = await connect(server);
    const received = once(client, Events.MessageCreate) as Promise<[Message]>;
    server.sendGuildMessage({
      guildId,
      channelId,
      userId,
      content: 'are you there?',
      mentionBot: true,
    });
    const [message] = await received;
    expect(message.guild?.id).toBe(guildId);
    expect(message.channel.id).toBe(channelId);
    expect(message.mentions.has(client.user)).toBe(true);
    expect(message.content).toBe(`<@${server.botUserId}> are you there?`);
  });

  it('empties guild message content without the MessageContent intent unless the bot is mentioned', async () => {
    const server = await start();
    const client = await connect(server);
    const contents: string[] = [];
    client.on(Events.MessageCreate, (message) => {
      if (!message.author.bot) contents.push(message.content);
    });
    server.sendGuildMessage({ guildId, channelId, userId, content: 'just chatting' });
    server.sendGuildMessage({ guildId, channelId, userId, content: 'hello bot', mentionBot: true });
    await server.waitFor(() => contents.length === 2);
    expect(contents).toEqual(['', `<@${server.botUserId}> hello bot`]);
  });

  it('refuses a 2001-character message with Invalid Form Body and records the violation', async () => {
    const server = await start();
    const client = await connect(server);
    const channel = client.channels.cache.get(channelId);
    if (!channel?.isSendable()) throw new Error('channel not sendable');
    const error = await channel.send('x'.repeat(2001)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ code: 50035, status: 400 });
    expect(server.violations.splice(0)).toEqual([
      `POST /channels/${channelId}/messages: content is 2001 characters; bots may send at most 2000`,
    ]);
    expect(server.messages()).toEqual([]);
  });

  it('refuses an empty message with code 50006', async () => {
    const server = await start();
    const client = await connect(server);
    const error = await client.rest
      .post(`/channels/${channelId}/messages`, { body: { content: '   ' } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 50006 });
    expect(server.violations.splice(0)).toEqual([
      `POST /channels/${channelId}/messages: the message would be empty`,
    ]);
  });

  it('records a deferred ephemeral slash reply, its edit and an ephemeral follow-up', async () => {
    const server = await start();
    const client = await connect(server);
    client.on(
      Events.InteractionCreate,
      handle(async (interaction) => {
        if (!interaction.isChatInputCommand()) return;
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        await interaction.editReply(`you said ${interaction.options.getString('text', true)}`);
        await interaction.followUp({ content: 'one more thing', flags: MessageFlags.Ephemeral });
      }),
    );
    const slash = server.sendSlash({
      userId,
      name: 'echo',
      options: [{ name: 'text', type: 3, value: 'hi' }],
    });
    await server.waitFor(() => server.interactionResponses(slash.id).length === 3);
    expect(server.interactionResponses(slash.id).map((r) => [r.kind, r.type, r.ephemeral])).toEqual(
      [
        ['callback', 5, true],
        ['original-edit', undefined, true],
        ['followup', undefined, true],
      ],
    );
    expect(
      server.messages(server.dmChannelId(userId)).map((m) => [m.content, m.ephemeral]),
    ).toEqual([
      ['you said hi', true],
      ['one more thing', true],
    ]);
  });

  it('answers a follow-up sent straight after a deferral by editing the deferred message', async () => {
    const server = await start();
    const client = await connect(server);
    client.on(
      Events.InteractionCreate,
      handle(async (interaction) => {
        if (!interaction.isChatInputCommand()) return;
        await interaction.deferReply();
        await interaction.followUp('done thinking');
      }),
    );
    const slash = server.sendSlash({ userId, name: 'think', guildId, channelId });
    await server.waitFor(() => server.interactionResponses(slash.id).length === 2);
    expect(server.messages(channelId).map((m) => [m.content, m.ephemeral, m.flags])).toEqual([
      ['done thinking', false, 0],
    ]);
  });

  it('updates the message whose button was clicked', async () => {
    const server = await start();
    const client = await connect(server);
    client.on(
      Events.MessageCreate,
      handle(async (message: Message) => {
        if (message.author.bot || !message.channel.isSendable()) return;
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder()
            .setCustomId('breathe')
            .setLabel('Breathe')
            .setStyle(ButtonStyle.Primary),
        );
        await message.channel.send({ content: 'want a breathing exercise?', components: [row] });
      }),
    );
    client.on(
      Events.InteractionCreate,
      handle(async (interaction) => {
        if (interaction.isButton())
          await interaction.update({ content: 'in for four…', components: [] });
      }),
    );
    const dm = server.sendDm({ userId, content: 'anxious' });
    const prompt = await server.waitFor(() => server.messages(dm.channel_id)[0]);
    const click = server.sendButton({ userId, customId: 'breathe', messageId: prompt.id });
    await server.waitFor(() => server.messages(dm.channel_id)[0]?.edits === 1);
    expect(server.messages(dm.channel_id)[0]).toMatchObject({
      content: 'in for four…',
      components: [],
    });
    expect(server.interactionResponses(click.id)).toMatchObject([
      { kind: 'callback', type: 7, ephemeral: false },
    ]);
    expect(() => server.sendButton({ userId, customId: 'nope', messageId: prompt.id })).toThrow(
      /no component/,
    );
  });

  it('refuses a second acknowledgement of the same interaction with code 40060', async () => {
    const server = await start();
    const client = await connect(server);
    const errors: unknown[] = [];
    client.on(
      Events.InteractionCreate,
      handle(async (interaction) => {
        if (!interaction.isChatInputCommand()) return;
        await interaction.reply('first');
        await client.rest
          .post(`/interactions/${interaction.id}/${interaction.token}/callback`, {
            body: { type: 4, data: { content: 'second' } },
            auth: false,
          })
          .catch((e: unknown) => errors.push(e));
      }),
    );
    server.sendSlash({ userId, name: 'twice' });
    await server.waitFor(() => errors.length === 1);
    expect(errors[0]).toMatchObject({ code: 40060, status: 400 });
    expect(server.violations.splice(0)).toEqual([
      expect.stringMatching(/callback: acknowledged twice$/),
    ]);
  });

  it('refuses an acknowledgement that misses the deadline with Unknown interaction', async () => {
    const server = await start({ ackDeadlineMs: 30 });
    const client = await connect(server);
    const errors: unknown[] = [];
    client.on(
      Events.InteractionCreate,
      handle(async (interaction) => {
        if (!interaction.isChatInputCommand()) return;
        // A handler that is slow by the clock: what is tested is a reply after the deadline.
        await new Promise((resolve) => setTimeout(resolve, 60));
        await interaction.reply('too late').catch((e: unknown) => errors.push(e));
      }),
    );
    server.sendSlash({ userId, name: 'slow' });
    await server.waitFor(() => errors.length === 1);
    expect(errors[0]).toMatchObject({ code: 10062, status: 404 });
    expect(server.violations.splice(0)).toEqual([expect.stringMatching(/Discord allows 30 ms$/)]);
  });

  it('answers an edit of the original response before any acknowledgement with Unknown Webhook', async () => {
    const server = await start();
    const slash = server.sendSlash({ userId, name: 'early' });
    const response = await fetch(
      `${server.apiBase}/v10/webhooks/${server.applicationId}/${slash.token}/messages/%40original`,
      {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'user-agent': 'DiscordBot (test, 1)' },
        body: JSON.stringify({ content: 'hi' }),
      },
    );
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 10015 });
    expect(server.violations.splice(0)).toEqual([
      expect.stringMatching(/has not been acknowledged yet/),
    ]);
  });

  it('lets discord.js wait out a 429 and retry the send', async () => {
    const server = await start();
    const client = await connect(server);
    server.failNext({
      method: 'POST',
      path: `/channels/${channelId}/messages`,
      status: 429,
      retryAfterSeconds: 0.2,
    });
    const channel = client.channels.cache.get(channelId);
    if (!channel?.isSendable()) throw new Error('channel not sendable');
    const started = Date.now();
    await channel.send('after the limit');
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    const attempts = server.requests.filter((r) => r.path === `/channels/${channelId}/messages`);
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
    expect(server.messages(channelId).map((m) => m.content)).toEqual(['after the limit']);
  });

  it('sends attachments as multipart and records the files', async () => {
    const server = await start();
    const client = await connect(server);
    const channel = client.channels.cache.get(channelId);
    if (!channel?.isSendable()) throw new Error('channel not sendable');
    const sent = await channel.send({
      content: 'your journal',
      files: [{ attachment: Buffer.from('dear diary'), name: 'journal.txt' }],
    });
    expect(sent.attachments.first()?.name).toBe('journal.txt');
    const request = server.requests.find(
      (r) => r.method === 'POST' && r.path.endsWith('/messages'),
    );
    expect(request?.body).toMatchObject({
      payload_json: { content: 'your journal' },
      files: [{ name: 'files[0]', filename: 'journal.txt', size: 10, text: 'dear diary' }],
    });
  });

  it('serves channel history with user DMs and bot messages, newest first', async () => {
    const server = await start();
    const client = await connect(server);
    const first = server.sendDm({ userId, content: 'first' });
    const channel = await client.channels.fetch(first.channel_id);
    if (!channel?.isSendable() || !channel.isTextBased()) throw new Error('DM not usable');
    await channel.send('bot says hi');
    server.sendDm({ userId, content: 'second' });
    const history = await channel.messages.fetch({ limit: 10, cache: false });
    expect([...history.values()].map((m) => m.content)).toEqual(['second', 'bot says hi', 'first']);
  });

  it('rejects login with a wrong token', async () => {
    const server = await start();
    const client = newClient(server);
    await expect(client.login('wrong-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    expect(server.requests.map((r) => r.status)).toEqual([401]);
  });

  it('closes the gateway with 4004 when IDENTIFY carries a wrong token', async () => {
    const server = await start();
    const socket = new WebSocket(`${server.gatewayUrl}?v=10&encoding=json`);
    socket.on('message', (data) => {
      const payload = JSON.parse(rawDataText(data)) as { op: number };
      if (payload.op === 10) {
        socket.send(JSON.stringify({ op: 2, d: { token: 'nope', intents: 0, properties: {} } }));
      }
    });
    const [code] = (await once(socket, 'close')) as [number];
    expect(code).toBe(4004);
    expect(server.identifies).toEqual([{ token: 'nope', intents: 0 }]);
  });

  it('resumes after op 7 and delivers DMs sent during and after the reconnect exactly once', async () => {
    const server = await start();
    const client = await connect(server);
    const contents: string[] = [];
    client.on(Events.MessageCreate, (message) => {
      if (!message.author.bot) contents.push(message.content);
    });
    const resumed = once(client, Events.ShardResume);
    server.reconnect();
    server.sendDm({ userId, content: 'during' });
    await resumed;
    server.sendDm({ userId, content: 'after' });
    // Events reach the client in order on the one connection: once a last DM arrived, any
    // second copy of the others would have arrived before it.
    server.sendDm({ userId, content: 'last' });
    await server.waitFor(() => contents.includes('last'));
    expect(contents).toEqual(['during', 'after', 'last']);
    expect(server.identifies).toHaveLength(1);
  });

  it('treats a connection without heartbeat acks as a zombie and resumes it', async () => {
    const server = await start({ heartbeatIntervalMs: 100 });
    const client = await connect(server);
    client.once(Events.ShardReconnecting, () => server.dropHeartbeatAcks(false));
    const resumed = once(client, Events.ShardResume);
    server.dropHeartbeatAcks(true);
    await resumed;
    const received = once(client, Events.MessageCreate) as Promise<[Message]>;
    server.sendDm({ userId, content: 'still here?' });
    const [message] = await received;
    expect(message.content).toBe('still here?');
  });

  it('stores bulk-overwritten commands, keeps their ids and checks slash invocations against them', async () => {
    const server = await start();
    const client = await connect(server);
    const checkin = new SlashCommandBuilder()
      .setName('checkin')
      .setDescription('Tell wellness0 how you feel')
      .addStringOption((o) => o.setName('mood').setDescription('Your mood').setRequired(true))
      .setDefaultMemberPermissions('0');
    const first = await client.application.commands.set([checkin.toJSON()]);
    const second = await client.application.commands.set([checkin.toJSON()]);
    expect([...second.keys()]).toEqual([...first.keys()]);
    expect(server.commands()).toMatchObject([{ name: 'checkin', default_member_permissions: '0' }]);
    expect(() => server.sendSlash({ userId, name: 'checkin' })).toThrow(/requires option mood/);
    const slash = server.sendSlash({
      userId,
      name: 'checkin',
      options: [{ name: 'mood', type: 3, value: 'ok' }],
    });
    expect(slash.data.id).toBe(first.firstKey());
  });

  it('refuses a command name Discord would reject', async () => {
    const server = await start();
    const client = await connect(server);
    const error = await client.rest
      .put(`/applications/${server.applicationId}/commands`, {
        body: [{ name: 'Check In', description: 'x' }],
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 50035 });
    expect(server.violations.splice(0)).toEqual([
      expect.stringMatching(/"Check In" must be 1-32 lower-case/),
    ]);
  });

  it('answers routes it does not emulate with 404 and records a violation', async () => {
    const server = await start();
    const client = await connect(server);
    const error = await client.rest.get(`/guilds/${guildId}/members`).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404 });
    expect(server.violations.splice(0)).toEqual([
      `not emulated by FakeDiscord: GET /guilds/${guildId}/members`,
    ]);
  });

  it('emulates only operations that exist in the OpenAPI description', () => {
    const specPath = resolveSpecPath();
    const missing = emulatedRoutes.filter((r) => !specHasOperation(specPath, r.method, r.template));
    expect(missing).toEqual([]);
  });
});
