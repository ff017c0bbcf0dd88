/** Types and helpers shared by the REST routes: replies, Discord's limits and message building. */
import { shapeForIntents } from './gateway.js';
import { Intent, MessageFlag, snowflake } from './payloads.js';
import { describeIssue, type FormIssue, formErrors } from './spec-validation.js';
import type { DiscordState, MessageRecord } from './state.js';
import type { DiscordMessagePayload, FailRule, RecordedFile, RecordedRequest } from './types.js';

/** What the REST routes need from the rest of the stand-in. */
export interface RestContext {
  state: DiscordState;
  token: string;
  applicationId: string;
  validate: boolean;
  validateResponses: boolean;
  specPath: string | undefined;
  ackDeadlineMs: number;
  interactionTokenTtlMs: number;
  privilegedIntents: number;
  echoBotMessages: boolean;
  requests: RecordedRequest[];
  violations: string[];
  httpBase(): string;
  gatewayUrl(): string;
  identifyCount(): number;
  dispatch(t: string, d: unknown): void;
  takeFault(method: string, path: string): FailRule | undefined;
  latencyFor(path: string): number;
}

/** One uploaded file of a multipart request, with its `files[n]` index. */
export interface UploadedFile extends RecordedFile {
  index: number;
}

/** One routed request, as the route handlers see it. */
export interface Call {
  method: string;
  path: string;
  label: string;
  params: Record<string, string>;
  query: Record<string, string>;
  /** The JSON body, or a multipart request's `payload_json`. */
  body: unknown;
  files: UploadedFile[];
}

/** A route handler's answer. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Recorded in `violations`; 4xx answers other than 401 get a generic text when this is absent. */
  violation?: string;
  after?: () => void;
}

/** Problems found by the checks Discord makes beyond its OpenAPI schemas. */
export interface Checks {
  issues: FormIssue[];
  empty?: boolean;
}

/** One emulated REST operation. */
export interface Route {
  method: string;
  /** The path exactly as the spec names it, e.g. `/channels/{channel_id}/messages`. */
  template: string;
  auth: boolean;
  handle(ctx: RestContext, call: Call): Reply | Promise<Reply>;
  checks?(call: Call): Checks;
  /** The component schema to validate against instead of the path's (which may be a noisy union). */
  schemaName?(call: Call): string | undefined;
  /** The body as the spec can judge it, where the spec is stricter than Discord. */
  specView?(body: unknown): unknown;
}

const botContentLimit = 2000;
const embedTotalLimit = 6000;
const maxUploadBytes = 10 * 1024 * 1024;

/** A Discord JSON error answer (`{message, code, errors?}`). */
export function error(
  status: number,
  code: number,
  message: string,
  violation?: string,
  errors?: unknown,
): Reply {
  return {
    status,
    body: { message, code, ...(errors ? { errors } : {}) },
    ...(violation ? { violation } : {}),
  };
}

/** A 400 `Invalid Form Body` (50035) answer listing every issue. */
export function formError(label: string, issues: FormIssue[]): Reply {
  return error(
    400,
    50035,
    'Invalid Form Body',
    `${label}: ${issues.map((issue) => issue.note ?? describeIssue(issue)).join('; ')}`,
    formErrors(issues),
  );
}

/** The value if it is a plain object, else an empty one. */
export function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The value if it is an array, else an empty one. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Bot limits on message content (2000 characters) and embeds (6000 characters in all). */
export function contentIssues(
  data: Record<string, unknown>,
  prefix: Array<string | number>,
): FormIssue[] {
  const issues: FormIssue[] = [];
  const content = data.content;
  if (typeof content === 'string' && content.length > botContentLimit) {
    issues.push({
      path: [...prefix, 'content'],
      code: 'BASE_TYPE_MAX_LENGTH',
      message: `Must be ${botContentLimit} or fewer in length.`,
      note: `content is ${content.length} characters; bots may send at most ${botContentLimit}`,
    });
  }
  let embedChars = 0;
  for (const embed of asArray(data.embeds)) {
    const e = asObject(embed);
    const texts = [
      e.title,
      e.description,
      asObject(e.footer).text,
      asObject(e.author).name,
      ...asArray(e.fields).flatMap((f) => [asObject(f).name, asObject(f).value]),
    ];
    for (const text of texts) if (typeof text === 'string') embedChars += text.length;
  }
  if (embedChars > embedTotalLimit) {
    issues.push({
      path: [...prefix, 'embeds'],
      code: 'BASE_TYPE_MAX_LENGTH',
      message: `Embed size exceeds maximum size of ${embedTotalLimit}`,
      note: `embeds hold ${embedChars} characters in total; Discord allows ${embedTotalLimit}`,
    });
  }
  return issues;
}

/** Whether a new message would have nothing to show, which Discord refuses with 50006. */
export function isEmptyMessage(data: Record<string, unknown>, files: UploadedFile[]): boolean {
  const content = typeof data.content === 'string' ? data.content.trim() : '';
  return (
    content === '' &&
    asArray(data.embeds).length === 0 &&
    asArray(data.components).length === 0 &&
    asArray(data.sticker_ids).length === 0 &&
    (data.poll === undefined || data.poll === null) &&
    files.length === 0
  );
}

/** Discord allows at most 10 files per message. */
export function fileIssues(files: UploadedFile[]): FormIssue[] {
  return files.length > 10
    ? [{ path: ['files'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' }]
    : [];
}

/** Checks for a request that creates a message. */
export function newMessageChecks(call: Call): Checks {
  const data = asObject(call.body);
  return {
    issues: [...contentIssues(data, []), ...fileIssues(call.files)],
    empty: isEmptyMessage(data, call.files),
  };
}

/** Checks for a request that edits a message. */
export function editChecks(call: Call): Checks {
  return { issues: [...contentIssues(asObject(call.body), []), ...fileIssues(call.files)] };
}

/** Components as Discord stores them: every component gets a numeric id, selects get their defaults. */
export function normalizeComponents(components: unknown): unknown[] {
  let nextId = 1;
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (typeof value !== 'object' || value === null) return value;
    const component: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    if (typeof component.type !== 'number') return component;
    component.id ??= nextId;
    nextId = Math.max(nextId, Number(component.id)) + 1;
    if ([3, 5, 6, 7, 8].includes(component.type)) {
      component.min_values ??= 1;
      component.max_values ??= 1;
    }
    if (component.components !== undefined) component.components = visit(component.components);
    if (component.accessory !== undefined) component.accessory = visit(component.accessory);
    return component;
  };
  return asArray(components).map(visit);
}

/** Embeds as Discord stores them (with `type: 'rich'`). */
export function normalizeEmbeds(embeds: unknown): unknown[] {
  return asArray(embeds).map((embed) => ({ type: 'rich', ...asObject(embed) }));
}

/** Attachment objects for the files of a request, named as its `attachments` field says. */
export function attachmentsFor(
  ctx: RestContext,
  channelId: string,
  body: Record<string, unknown>,
  files: UploadedFile[],
): Record<string, unknown>[] {
  const described = asArray(body.attachments).map(asObject);
  return files.map((file) => {
    const meta = described.find((a) => String(a.id) === String(file.index));
    const id = snowflake();
    const filename = typeof meta?.filename === 'string' ? meta.filename : file.filename;
    const url = `${ctx.httpBase()}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
    return {
      id,
      filename,
      size: file.size,
      url,
      proxy_url: url,
      content_type: file.contentType,
      ...(typeof meta?.description === 'string' ? { description: meta.description } : {}),
    };
  });
}

/** A 413 answer when the uploads exceed the 10 MiB a bot may send. */
export function uploadTooLarge(call: Call): Reply | undefined {
  const total = call.files.reduce((sum, file) => sum + file.size, 0);
  return total > maxUploadBytes
    ? error(
        413,
        40005,
        'Request entity too large',
        `${call.label}: uploads total ${total} bytes; the limit is ${maxUploadBytes}`,
      )
    : undefined;
}

/** Applies an edit body to a message; undefined when the result would be an empty message. */
export function applyEdit(
  ctx: RestContext,
  record: MessageRecord,
  call: Call,
): DiscordMessagePayload | undefined {
  const body = asObject(call.body);
  const next: DiscordMessagePayload = { ...record.payload };
  if ('content' in body) next.content = typeof body.content === 'string' ? body.content : '';
  if ('embeds' in body) next.embeds = normalizeEmbeds(body.embeds);
  if ('components' in body) next.components = normalizeComponents(body.components);
  if (typeof body.flags === 'number') {
    // Only SUPPRESS_EMBEDS and IS_COMPONENTS_V2 can change on edit; ephemerality cannot.
    const editable = 4 | (1 << 15);
    next.flags = (record.payload.flags & ~editable) | (body.flags & editable);
  }
  const uploaded = attachmentsFor(ctx, next.channel_id, body, call.files);
  if ('attachments' in body) {
    const keep = new Set(asArray(body.attachments).map((a) => String(asObject(a).id)));
    next.attachments = [
      ...next.attachments.filter((a) => keep.has(String(asObject(a).id))),
      ...uploaded,
    ];
  } else {
    next.attachments = [...next.attachments, ...uploaded];
  }
  next.mentions = ctx.state.mentions(next.content, record.guildId);
  next.edited_timestamp = new Date().toISOString();
  return isEmptyPayload(next) ? undefined : next;
}

/** Whether a stored message would be empty (a loading message is not). */
export function isEmptyPayload(message: DiscordMessagePayload): boolean {
  return (
    message.content.trim() === '' &&
    message.embeds.length === 0 &&
    message.components.length === 0 &&
    message.attachments.length === 0 &&
    !message.poll &&
    (message.flags & MessageFlag.Loading) === 0
  );
}

/** Stores an edited message. */
export function commitEdit(
  record: MessageRecord,
  next: DiscordMessagePayload,
  body: unknown,
): void {
  record.payload = next;
  record.edits += 1;
  record.editedAt = Date.now();
  record.body = body;
}

/** The message as REST shows it: guild text from users is hidden when the app lacks MessageContent. */
export function restView(ctx: RestContext, record: MessageRecord): DiscordMessagePayload {
  if (!record.guildId || record.byBot) return record.payload;
  const intents = Intent.GuildMessages | (ctx.privilegedIntents & Intent.MessageContent);
  const shaped = shapeForIntents(intents, ctx.state.bot.id, 'MESSAGE_CREATE', {
    ...record.payload,
    guild_id: record.guildId,
  }) as DiscordMessagePayload;
  const { guild_id: _guildId, ...rest } = shaped;
  return rest;
}

/** Dispatches the gateway event Discord sends for a bot's own (non-ephemeral) write. */
export function echo(ctx: RestContext, t: string, record: MessageRecord): void {
  if (!ctx.echoBotMessages || record.ephemeral) return;
  if (t === 'MESSAGE_DELETE') {
    ctx.dispatch(t, {
      id: record.payload.id,
      channel_id: record.payload.channel_id,
      ...(record.guildId ? { guild_id: record.guildId } : {}),
    });
  } else {
    ctx.dispatch(t, ctx.state.gatewayMessage(record));
  }
}

/** The 404 Unknown Message (10008) answer. */
export function unknownMessage(call: Call): Reply {
  return error(404, 10008, 'Unknown Message', `${call.label}: unknown message`);
}

/** The 400 Cannot send an empty message (50006) answer. */
export function emptyMessage(call: Call): Reply {
  return error(
    400,
    50006,
    'Cannot send an empty message',
    `${call.label}: the message would be empty`,
  );
}
