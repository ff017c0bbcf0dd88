/** REST routes for interaction callbacks and the interaction webhook. */
import { MessageFlag, messagePayload, snowflake } from './payloads.js';
import {
  applyEdit,
  asObject,
  attachmentsFor,
  type Call,
  type Checks,
  commitEdit,
  contentIssues,
  echo,
  editChecks,
  emptyMessage,
  error,
  fileIssues,
  formError,
  isEmptyMessage,
  isEmptyPayload,
  newMessageChecks,
  normalizeComponents,
  normalizeEmbeds,
  type Reply,
  type RestContext,
  type Route,
  unknownMessage,
  uploadTooLarge,
} from './rest-shared.js';
import { DiscordState, type InteractionRecord, type MessageRecord } from './state.js';

function interactionMessage(
  ctx: RestContext,
  interaction: InteractionRecord,
  data: Record<string, unknown>,
  call: Call,
  options: { flags: number; followup: boolean },
): MessageRecord {
  const { state } = ctx;
  const slash = interaction.type === 2;
  const payload = interaction.payload;
  const commandData = asObject(payload.data);
  const componentMessage = interaction.componentMessageId
    ? state.messages.get(interaction.componentMessageId)
    : undefined;
  const content = typeof data.content === 'string' ? data.content : '';
  const message = messagePayload({
    id: snowflake(),
    channelId: interaction.channelId,
    author: state.botPayload(),
    content,
    type: slash ? 20 : 19,
    flags: options.flags,
    mentions: state.mentions(content, interaction.guildId),
    embeds: normalizeEmbeds(data.embeds),
    components: normalizeComponents(data.components),
    attachments: attachmentsFor(ctx, interaction.channelId, data, call.files),
    tts: data.tts === true,
    extra: {
      webhook_id: ctx.applicationId,
      application_id: ctx.applicationId,
      interaction_metadata: {
        id: interaction.id,
        type: interaction.type,
        user: interaction.user,
        authorizing_integration_owners: payload.authorizing_integration_owners ?? {},
        ...(slash ? { name: commandData.name, command_type: commandData.type ?? 1 } : {}),
        ...(interaction.componentMessageId
          ? { interacted_message_id: interaction.componentMessageId }
          : {}),
        ...(options.followup && interaction.originalMessageId
          ? { original_response_message_id: interaction.originalMessageId }
          : {}),
      },
      ...(slash
        ? {
            interaction: {
              id: interaction.id,
              type: interaction.type,
              name: commandData.name,
              user: interaction.user,
            },
          }
        : {}),
      ...(componentMessage
        ? {
            message_reference: {
              type: 0,
              channel_id: interaction.channelId,
              message_id: componentMessage.payload.id,
              ...(interaction.guildId ? { guild_id: interaction.guildId } : {}),
            },
            referenced_message: componentMessage.payload,
          }
        : {}),
    },
  });
  const record: MessageRecord = {
    payload: message,
    ...(interaction.guildId ? { guildId: interaction.guildId } : {}),
    byBot: true,
    ephemeral: DiscordState.isEphemeral(options.flags),
    createdAt: Date.now(),
    edits: 0,
    deleted: false,
    body: call.body,
    interactionId: interaction.id,
  };
  state.addMessage(record);
  interaction.messageIds.add(message.id);
  return record;
}

const callbackTypesByInteraction: Record<number, number[]> = {
  2: [4, 5, 9],
  3: [4, 5, 6, 7, 9],
  4: [8],
  5: [4, 5, 6, 7],
};

function unknownInteraction(call: Call, why: string): Reply {
  return error(404, 10062, 'Unknown interaction', `${call.label}: ${why}`);
}

function interactionCallback(ctx: RestContext, call: Call): Reply {
  const { state } = ctx;
  const interaction = state.interactions.get(call.params.interaction_id ?? '');
  if (!interaction || interaction.token !== call.params.interaction_token) {
    return unknownInteraction(call, 'unknown interaction id or token');
  }
  if (interaction.ackedAt !== undefined) {
    return error(
      400,
      40060,
      'Interaction has already been acknowledged.',
      `${call.label}: acknowledged twice`,
    );
  }
  const age = Date.now() - interaction.dispatchedAt;
  if (age > ctx.ackDeadlineMs) {
    return unknownInteraction(
      call,
      `acknowledged ${age} ms after dispatch; Discord allows ${ctx.ackDeadlineMs} ms`,
    );
  }
  const body = asObject(call.body);
  const type = body.type as number;
  if (!(callbackTypesByInteraction[interaction.type] ?? []).includes(type)) {
    return formError(call.label, [
      {
        path: ['type'],
        code: 'INTERACTION_CALLBACK_TYPE_INVALID',
        message: `Callback type ${type} is not valid for interaction type ${interaction.type}.`,
      },
    ]);
  }
  const tooLarge = uploadTooLarge(call);
  if (tooLarge) return tooLarge;
  const data = asObject(body.data);
  let message: MessageRecord | undefined;
  let event: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE' | undefined;
  if (type === 4 || type === 5) {
    const ephemeral = DiscordState.isEphemeral(data.flags);
    const flags =
      (typeof data.flags === 'number' ? data.flags : 0) | (type === 5 ? MessageFlag.Loading : 0);
    message = interactionMessage(ctx, interaction, type === 5 ? {} : data, call, {
      flags,
      followup: false,
    });
    if (type === 5) message.body = undefined;
    interaction.ephemeral = ephemeral;
    interaction.loading = type === 5;
    interaction.originalMessageId = message.payload.id;
    event = 'MESSAGE_CREATE';
  } else if (type === 6 || type === 7) {
    message = interaction.componentMessageId
      ? state.messages.get(interaction.componentMessageId)
      : undefined;
    if (message) {
      interaction.ephemeral = message.ephemeral;
      interaction.messageIds.add(message.payload.id);
      if (type === 7) {
        const next = applyEdit(ctx, message, { ...call, body: data });
        if (!next) return emptyMessage(call);
        commitEdit(message, next, data);
        event = 'MESSAGE_UPDATE';
      }
    }
  }
  interaction.ackedAt = Date.now();
  interaction.callbackType = type;
  interaction.responses.push({
    kind: 'callback',
    type,
    body: call.body,
    ephemeral: type === 9 ? false : interaction.ephemeral,
    ...(message ? { messageId: message.payload.id } : {}),
    at: Date.now(),
  });
  const after = () => {
    if (message && event) echo(ctx, event, message);
  };
  if (call.query.with_response !== 'true') return { status: 204, after };
  return {
    status: 200,
    body: {
      interaction: {
        id: interaction.id,
        type: interaction.type,
        ...(message
          ? {
              response_message_id: message.payload.id,
              response_message_loading: type === 5,
              response_message_ephemeral: message.ephemeral,
            }
          : {}),
      },
      ...(message && (type === 4 || type === 7)
        ? { resource: { type, message: message.payload } }
        : {}),
    },
    after,
  };
}

function webhookInteraction(ctx: RestContext, call: Call): InteractionRecord | Reply {
  const interaction = ctx.state.interactionsByToken.get(call.params.webhook_token ?? '');
  if (!interaction || call.params.webhook_id !== ctx.applicationId) {
    return error(
      404,
      10015,
      'Unknown Webhook',
      `${call.label}: unknown application id or interaction token`,
    );
  }
  if (Date.now() - interaction.dispatchedAt > ctx.interactionTokenTtlMs) {
    return error(
      401,
      50027,
      'Invalid Webhook Token',
      `${call.label}: the interaction token has expired`,
    );
  }
  if (interaction.ackedAt === undefined) {
    return error(
      404,
      10015,
      'Unknown Webhook',
      `${call.label}: the interaction has not been acknowledged yet (Discord answers 10015 Unknown Webhook)`,
    );
  }
  return interaction;
}

function originalMessageId(interaction: InteractionRecord): string | undefined {
  return (
    interaction.originalMessageId ??
    (interaction.callbackType === 6 || interaction.callbackType === 7
      ? interaction.componentMessageId
      : undefined)
  );
}

function webhookTarget(
  ctx: RestContext,
  call: Call,
): { interaction: InteractionRecord; record: MessageRecord; original: boolean } | Reply {
  const interaction = webhookInteraction(ctx, call);
  if (!('id' in interaction)) return interaction;
  const originalId = originalMessageId(interaction);
  const requested = call.params.message_id;
  const id = requested === undefined ? originalId : requested;
  const record = id ? ctx.state.messages.get(id) : undefined;
  if (
    !id ||
    !record ||
    record.deleted ||
    (requested !== undefined && id !== originalId && !interaction.messageIds.has(id))
  ) {
    return unknownMessage(call);
  }
  return { interaction, record, original: id === originalId };
}

function createFollowup(ctx: RestContext, call: Call): Reply {
  const interaction = webhookInteraction(ctx, call);
  if (!('id' in interaction)) return interaction;
  const tooLarge = uploadTooLarge(call);
  if (tooLarge) return tooLarge;
  const body = asObject(call.body);
  const wait = call.query.wait === 'true';
  const originalId = interaction.originalMessageId;
  const original = originalId ? ctx.state.messages.get(originalId) : undefined;
  if (interaction.loading && original) {
    // Discord's documented backwards-compatible path: the first follow-up after a deferred
    // response edits the loading message and keeps the deferral's ephemerality.
    // https://discord.com/developers/docs/interactions/receiving-and-responding#create-followup-message
    const next = applyEdit(ctx, original, { ...call, body: { ...body, flags: undefined } });
    if (!next) return emptyMessage(call);
    next.flags &= ~MessageFlag.Loading;
    commitEdit(original, next, call.body);
    interaction.loading = false;
    interaction.responses.push({
      kind: 'followup',
      body: call.body,
      ephemeral: original.ephemeral,
      messageId: original.payload.id,
      at: Date.now(),
    });
    return {
      status: wait ? 200 : 204,
      ...(wait ? { body: next } : {}),
      after: () => echo(ctx, 'MESSAGE_UPDATE', original),
    };
  }
  const flags = typeof body.flags === 'number' ? body.flags : 0;
  const record = interactionMessage(ctx, interaction, body, call, { flags, followup: true });
  interaction.responses.push({
    kind: 'followup',
    body: call.body,
    ephemeral: record.ephemeral,
    messageId: record.payload.id,
    at: Date.now(),
  });
  return {
    status: wait ? 200 : 204,
    ...(wait ? { body: record.payload } : {}),
    after: () => echo(ctx, 'MESSAGE_CREATE', record),
  };
}

function editWebhookMessage(ctx: RestContext, call: Call): Reply {
  const target = webhookTarget(ctx, call);
  if (!('interaction' in target)) return target;
  const { interaction, record, original } = target;
  const tooLarge = uploadTooLarge(call);
  if (tooLarge) return tooLarge;
  const next = applyEdit(ctx, record, call);
  if (next && original && interaction.loading) {
    next.flags &= ~MessageFlag.Loading;
    interaction.loading = false;
  }
  if (!next || isEmptyPayload(next)) return emptyMessage(call);
  commitEdit(record, next, call.body);
  interaction.responses.push({
    kind: original ? 'original-edit' : 'followup-edit',
    body: call.body,
    ephemeral: record.ephemeral,
    messageId: record.payload.id,
    at: Date.now(),
  });
  return { status: 200, body: next, after: () => echo(ctx, 'MESSAGE_UPDATE', record) };
}

function getWebhookMessage(ctx: RestContext, call: Call): Reply {
  const target = webhookTarget(ctx, call);
  if (!('interaction' in target)) return target;
  return { status: 200, body: target.record.payload };
}

function deleteWebhookMessage(ctx: RestContext, call: Call): Reply {
  const target = webhookTarget(ctx, call);
  if (!('interaction' in target)) return target;
  const { interaction, record, original } = target;
  record.deleted = true;
  interaction.responses.push({
    kind: original ? 'original-delete' : 'followup-delete',
    body: undefined,
    ephemeral: record.ephemeral,
    messageId: record.payload.id,
    at: Date.now(),
  });
  return { status: 204, after: () => echo(ctx, 'MESSAGE_DELETE', record) };
}

function callbackSchema(call: Call): string | undefined {
  const byType: Record<number, string> = {
    1: 'PongInteractionCallbackRequest',
    4: 'CreateMessageInteractionCallbackRequest',
    5: 'CreateMessageInteractionCallbackRequest',
    6: 'UpdateMessageInteractionCallbackRequest',
    7: 'UpdateMessageInteractionCallbackRequest',
    8: 'ApplicationCommandAutocompleteCallbackRequest',
    9: 'ModalInteractionCallbackRequest',
  };
  const type = asObject(call.body).type;
  return typeof type === 'number' ? byType[type] : undefined;
}

function callbackChecks(call: Call): Checks {
  const body = asObject(call.body);
  const data = asObject(body.data);
  if (body.type === 4) {
    return {
      issues: [...contentIssues(data, ['data']), ...fileIssues(call.files)],
      empty: isEmptyMessage(data, call.files),
    };
  }
  if (body.type === 7) return { issues: contentIssues(data, ['data']) };
  return { issues: [] };
}

/** Interaction callbacks and the interaction webhook (original response and follow-ups). */
export const interactionRoutes: Route[] = [
  {
    method: 'POST',
    template: '/interactions/{interaction_id}/{interaction_token}/callback',
    auth: false,
    handle: interactionCallback,
    checks: callbackChecks,
    schemaName: callbackSchema,
  },
  {
    method: 'POST',
    template: '/webhooks/{webhook_id}/{webhook_token}',
    auth: false,
    handle: createFollowup,
    checks: newMessageChecks,
    schemaName: () => 'IncomingWebhookRequestPartial',
  },
  {
    method: 'GET',
    template: '/webhooks/{webhook_id}/{webhook_token}/messages/@original',
    auth: false,
    handle: getWebhookMessage,
  },
  {
    method: 'PATCH',
    template: '/webhooks/{webhook_id}/{webhook_token}/messages/@original',
    auth: false,
    handle: editWebhookMessage,
    checks: editChecks,
  },
  {
    method: 'DELETE',
    template: '/webhooks/{webhook_id}/{webhook_token}/messages/@original',
    auth: false,
    handle: deleteWebhookMessage,
  },
  {
    method: 'GET',
    template: '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}',
    auth: false,
    handle: getWebhookMessage,
  },
  {
    method: 'PATCH',
    template: '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}',
    auth: false,
    handle: editWebhookMessage,
    checks: editChecks,
  },
  {
    method: 'DELETE',
    template: '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}',
    auth: false,
    handle: deleteWebhookMessage,
  },
];
