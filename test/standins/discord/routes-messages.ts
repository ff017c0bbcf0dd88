/** REST routes for gateway discovery, users, channels and channel messages. */
import {
  compareSnowflakes,
  type FakeChannel,
  messagePayload,
  snowflake,
  userPayload,
} from './payloads.js';
import {
  applyEdit,
  asObject,
  attachmentsFor,
  type Call,
  commitEdit,
  echo,
  editChecks,
  emptyMessage,
  error,
  formError,
  newMessageChecks,
  normalizeComponents,
  normalizeEmbeds,
  type Reply,
  type RestContext,
  type Route,
  restView,
  unknownMessage,
  uploadTooLarge,
} from './rest-shared.js';
import type { MessageRecord } from './state.js';

function findChannelMessage(ctx: RestContext, call: Call): MessageRecord | undefined {
  const record = ctx.state.messages.get(call.params.message_id ?? '');
  if (!record || record.deleted || record.ephemeral) return undefined;
  return record.payload.channel_id === call.params.channel_id ? record : undefined;
}

function unknownChannel(call: Call): Reply {
  return error(
    404,
    10003,
    'Unknown Channel',
    `${call.label}: unknown channel ${call.params.channel_id}`,
  );
}

const sendMessages = 1n << 11n;
const sendInThreads = 1n << 38n;

/** Whether an overwrite denies the bot posting here (a thread: its parent's, for Send Messages in Threads). */
function botDeniedSend(state: RestContext['state'], channel: FakeChannel): boolean {
  const thread = channel.parentId !== undefined && [10, 11, 12].includes(channel.type);
  const source = thread ? state.channels.get(channel.parentId ?? '') : channel;
  const bit = thread ? sendInThreads : sendMessages;
  return (source?.permissionOverwrites ?? []).some(
    (overwrite) => overwrite.id === state.bot.id && (BigInt(overwrite.deny) & bit) !== 0n,
  );
}

function createChannelMessage(ctx: RestContext, call: Call): Reply {
  const { state } = ctx;
  const channel = state.channels.get(call.params.channel_id ?? '');
  if (!channel) return unknownChannel(call);
  if (botDeniedSend(state, channel)) {
    return error(
      403,
      50013,
      'Missing Permissions',
      `${call.label}: posts in a channel where the bot may not send messages`,
    );
  }
  const tooLarge = uploadTooLarge(call);
  if (tooLarge) return tooLarge;
  const body = asObject(call.body);
  const reference = asObject(body.message_reference);
  let referenced: MessageRecord | undefined;
  if (typeof reference.message_id === 'string' && reference.type !== 1) {
    const candidate = state.messages.get(reference.message_id);
    const channelId = typeof reference.channel_id === 'string' ? reference.channel_id : channel.id;
    if (candidate && !candidate.deleted && candidate.payload.channel_id === channelId) {
      referenced = candidate;
    } else if (reference.fail_if_not_exists !== false) {
      return formError(call.label, [
        {
          path: ['message_reference'],
          code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE',
          message: 'Unknown message',
          note: `${call.label}: replies to unknown message ${reference.message_id}`,
        },
      ]);
    }
  }
  if (body.enforce_nonce === true && body.nonce !== undefined) {
    const duplicate = [...state.messages.values()].find(
      (r) =>
        r.byBot &&
        r.nonce === body.nonce &&
        r.payload.channel_id === channel.id &&
        Date.now() - r.createdAt < 120_000,
    );
    if (duplicate) return { status: 200, body: duplicate.payload };
  }
  const content = typeof body.content === 'string' ? body.content : '';
  const mentions = state.mentions(content, channel.guildId);
  const allowed = body.allowed_mentions === undefined ? undefined : asObject(body.allowed_mentions);
  if (referenced && (allowed === undefined || allowed.replied_user === true)) {
    const author = referenced.payload.author;
    if (!mentions.some((m) => m.id === author.id))
      mentions.push(state.mentionPayload(author.id, channel.guildId));
  }
  const id = snowflake();
  const payload = messagePayload({
    id,
    channelId: channel.id,
    author: state.botPayload(),
    content,
    type: referenced ? 19 : 0,
    flags: typeof body.flags === 'number' ? body.flags : 0,
    mentions,
    embeds: normalizeEmbeds(body.embeds),
    components: normalizeComponents(body.components),
    attachments: attachmentsFor(ctx, channel.id, body, call.files),
    tts: body.tts === true,
    extra: {
      ...(body.nonce !== undefined ? { nonce: body.nonce } : {}),
      ...(body.poll ? { poll: body.poll } : {}),
      ...(referenced
        ? {
            message_reference: {
              type: 0,
              channel_id: channel.id,
              message_id: referenced.payload.id,
              ...(channel.guildId ? { guild_id: channel.guildId } : {}),
            },
            referenced_message: referenced.payload,
          }
        : {}),
    },
  });
  const record: MessageRecord = {
    payload,
    ...(channel.guildId ? { guildId: channel.guildId } : {}),
    byBot: true,
    ephemeral: false,
    createdAt: Date.now(),
    edits: 0,
    deleted: false,
    body: call.body,
    nonce: body.nonce,
  };
  state.addMessage(record);
  return { status: 200, body: payload, after: () => echo(ctx, 'MESSAGE_CREATE', record) };
}

function editChannelMessage(ctx: RestContext, call: Call): Reply {
  if (!ctx.state.channels.has(call.params.channel_id ?? '')) return unknownChannel(call);
  const record = findChannelMessage(ctx, call);
  if (!record) return unknownMessage(call);
  if (!record.byBot) {
    return error(
      403,
      50005,
      'Cannot edit a message authored by another user',
      `${call.label}: edits a message the bot did not write`,
    );
  }
  const tooLarge = uploadTooLarge(call);
  if (tooLarge) return tooLarge;
  const next = applyEdit(ctx, record, call);
  if (!next) return emptyMessage(call);
  commitEdit(record, next, call.body);
  return { status: 200, body: next, after: () => echo(ctx, 'MESSAGE_UPDATE', record) };
}

function deleteChannelMessage(ctx: RestContext, call: Call): Reply {
  const channel = ctx.state.channels.get(call.params.channel_id ?? '');
  if (!channel) return unknownChannel(call);
  const record = findChannelMessage(ctx, call);
  if (!record) return unknownMessage(call);
  if (!record.byBot && channel.type === 1) {
    return error(
      403,
      50003,
      'Cannot execute action on a DM channel',
      `${call.label}: deletes a user's DM`,
    );
  }
  record.deleted = true;
  return { status: 204, after: () => echo(ctx, 'MESSAGE_DELETE', record) };
}

function listChannelMessages(ctx: RestContext, call: Call): Reply {
  const channelId = call.params.channel_id ?? '';
  if (!ctx.state.channels.has(channelId)) return unknownChannel(call);
  const limit = call.query.limit === undefined ? 50 : Number(call.query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return formError(call.label, [
      {
        path: ['limit'],
        code: 'NUMBER_TYPE_MAX',
        message: 'int value should be between 1 and 100.',
      },
    ]);
  }
  const all = [...ctx.state.messages.values()]
    .filter((r) => r.payload.channel_id === channelId && !r.deleted && !r.ephemeral)
    .sort((a, b) => compareSnowflakes(b.payload.id, a.payload.id));
  const { before, after, around } = call.query;
  let page: MessageRecord[];
  if (around) {
    const older = all
      .filter((r) => compareSnowflakes(r.payload.id, around) <= 0)
      .slice(0, Math.ceil(limit / 2));
    const newer = all
      .filter((r) => compareSnowflakes(r.payload.id, around) > 0)
      .slice(-Math.floor(limit / 2));
    page = [...newer, ...older];
  } else if (after) {
    page = all.filter((r) => compareSnowflakes(r.payload.id, after) > 0).slice(-limit);
  } else {
    page = all
      .filter((r) => !before || compareSnowflakes(r.payload.id, before) < 0)
      .slice(0, limit);
  }
  return { status: 200, body: page.map((r) => restView(ctx, r)) };
}

/** Gateway discovery, users, DM channels, channels and their messages. */
export const messageRoutes: Route[] = [
  {
    method: 'GET',
    template: '/gateway/bot',
    auth: true,
    handle: (ctx) => ({
      status: 200,
      body: {
        url: ctx.gatewayUrl(),
        shards: 1,
        session_start_limit: {
          total: 1000,
          remaining: Math.max(0, 1000 - ctx.identifyCount()),
          reset_after: 0,
          max_concurrency: 1,
        },
      },
    }),
  },
  {
    method: 'GET',
    template: '/users/@me',
    auth: true,
    handle: (ctx) => ({
      status: 200,
      body: {
        ...userPayload(ctx.state.bot),
        bot: true,
        verified: true,
        mfa_enabled: false,
        locale: 'en-US',
        email: null,
      },
    }),
  },
  {
    method: 'GET',
    template: '/users/{user_id}',
    auth: true,
    handle: (ctx, call) => {
      const user = ctx.state.users.get(call.params.user_id ?? '');
      return user
        ? { status: 200, body: userPayload(user) }
        : error(404, 10013, 'Unknown User', `${call.label}: unknown user`);
    },
  },
  {
    method: 'POST',
    template: '/users/@me/channels',
    auth: true,
    handle: (ctx, call) => {
      const recipient = asObject(call.body).recipient_id;
      if (typeof recipient !== 'string') {
        return formError(call.label, [
          { path: ['recipient_id'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' },
        ]);
      }
      ctx.state.user(recipient);
      return { status: 200, body: ctx.state.channelObject(ctx.state.dmChannel(recipient)) };
    },
  },
  {
    method: 'GET',
    template: '/channels/{channel_id}',
    auth: true,
    handle: (ctx, call) => {
      const channel = ctx.state.channels.get(call.params.channel_id ?? '');
      return channel
        ? { status: 200, body: ctx.state.channelObject(channel) }
        : unknownChannel(call);
    },
  },
  {
    method: 'POST',
    template: '/channels/{channel_id}/typing',
    auth: true,
    handle: (ctx, call) =>
      ctx.state.channels.has(call.params.channel_id ?? '') ? { status: 204 } : unknownChannel(call),
  },
  {
    method: 'GET',
    template: '/channels/{channel_id}/messages',
    auth: true,
    handle: listChannelMessages,
  },
  {
    method: 'POST',
    template: '/channels/{channel_id}/messages',
    auth: true,
    handle: createChannelMessage,
    checks: newMessageChecks,
  },
  {
    method: 'GET',
    template: '/channels/{channel_id}/messages/{message_id}',
    auth: true,
    handle: (ctx, call) => {
      const record = findChannelMessage(ctx, call);
      return record ? { status: 200, body: restView(ctx, record) } : unknownMessage(call);
    },
  },
  {
    method: 'PATCH',
    template: '/channels/{channel_id}/messages/{message_id}',
    auth: true,
    handle: editChannelMessage,
    checks: editChecks,
  },
  {
    method: 'DELETE',
    template: '/channels/{channel_id}/messages/{message_id}',
    auth: true,
    handle: deleteChannelMessage,
  },
];
