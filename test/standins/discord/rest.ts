/** The REST half of the stand-in: routing, body parsing, validation, faults and Discord's answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  asObject,
  type Call,
  emptyMessage,
  error,
  formError,
  type Reply,
  type RestContext,
  type Route,
  type UploadedFile,
} from './rest-shared.js';
import { commandRoutes } from './routes-commands.js';
import { interactionRoutes } from './routes-interactions.js';
import { messageRoutes } from './routes-messages.js';
import { describeIssue, validateRequestBody, validateResponseBody } from './spec-validation.js';
import type { FailRule, RecordedRequest } from './types.js';

export type { RestContext } from './rest-shared.js';

const routes: Route[] = [...messageRoutes, ...interactionRoutes, ...commandRoutes];

/** Every REST operation the stand-in emulates, as `METHOD template` with the spec's path names. */
export const emulatedRoutes: ReadonlyArray<{ method: string; template: string }> = routes.map(
  ({ method, template }) => ({ method, template }),
);

function matchRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  const segments = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const parts = route.template.split('/');
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = parts.every((part, i) => {
      const segment = segments[i] ?? '';
      if (part.startsWith('{')) {
        params[part.slice(1, -1)] = segment;
        return segment !== '';
      }
      return part === segment;
    });
    if (matches) return { route, params };
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function decodePath(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
}

interface ParsedBody {
  body: unknown;
  recorded: unknown;
  files: UploadedFile[];
  error?: string;
}

async function parseBody(contentType: string | undefined, raw: Buffer): Promise<ParsedBody> {
  if (raw.length === 0) return { body: undefined, recorded: undefined, files: [] };
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') {
    try {
      const body = JSON.parse(raw.toString('utf8')) as unknown;
      return { body, recorded: body, files: [] };
    } catch {
      return {
        body: undefined,
        recorded: raw.toString('utf8'),
        files: [],
        error: 'the body is not valid JSON',
      };
    }
  }
  if (type === 'multipart/form-data') {
    const form = await new Request('http://127.0.0.1/', {
      method: 'POST',
      headers: { 'content-type': contentType ?? '' },
      body: raw,
    }).formData();
    const files: UploadedFile[] = [];
    const fields: Record<string, unknown> = {};
    let payload: unknown;
    let error: string | undefined;
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') {
        if (name === 'payload_json') {
          try {
            payload = JSON.parse(value) as unknown;
          } catch {
            error = 'payload_json is not valid JSON';
          }
        } else {
          fields[name] = value;
        }
        continue;
      }
      const index = /^files\[(\d+)\]$/.exec(name)?.[1];
      files.push({
        index: index === undefined ? files.length : Number(index),
        name,
        filename: value.name,
        contentType: value.type,
        size: value.size,
        text: await value.text(),
      });
    }
    const body = payload ?? fields;
    return {
      body,
      recorded: { payload_json: body, files: files.map(({ index: _index, ...file }) => file) },
      files,
      ...(error ? { error } : {}),
    };
  }
  if (type === 'application/x-www-form-urlencoded') {
    const body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    return { body, recorded: body, files: [] };
  }
  return {
    body: undefined,
    recorded: raw.toString('utf8'),
    files: [],
    error: `unsupported content-type ${contentType ?? '(none)'}`,
  };
}

function faultReply(rule: FailRule, method: string, path: string): Reply {
  if (rule.status === 429) {
    const retryAfter = rule.retryAfterSeconds ?? 1;
    const global = rule.global === true;
    return {
      status: 429,
      headers: {
        'retry-after': String(retryAfter),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': (Date.now() / 1000 + retryAfter).toFixed(3),
        'x-ratelimit-reset-after': retryAfter.toFixed(3),
        'x-ratelimit-bucket': Buffer.from(`${method} ${path}`).toString('hex').slice(0, 32),
        'x-ratelimit-scope': global ? 'global' : 'user',
        ...(global ? { 'x-ratelimit-global': 'true' } : {}),
      },
      body: {
        message: 'You are being rate limited.',
        retry_after: retryAfter,
        global,
        ...asObject(rule.body),
      },
    };
  }
  return {
    status: rule.status,
    body: rule.body ?? {
      message: `${rule.status}: ${STATUS_CODES[rule.status] ?? 'Error'}`,
      code: 0,
    },
  };
}

function writeReply(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  headers['content-type'] = 'application/json';
  res.writeHead(reply.status, headers).end(JSON.stringify(reply.body));
}

function recordHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** Answers one HTTP request the way Discord's API would, recording it and any violation. */
export async function handleRestRequest(
  ctx: RestContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = (req.method ?? 'GET').toUpperCase();
  const raw = await readBody(req);
  const headers = recordHeaders(req);
  const prefix = '/api/v10';
  const versioned = url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
  const path = decodePath(versioned ? url.pathname.slice(prefix.length) : url.pathname);
  const query = Object.fromEntries(url.searchParams);
  const parsed = await parseBody(headers['content-type'], raw);
  const record: RecordedRequest = {
    method,
    path,
    query,
    headers,
    body: parsed.recorded,
    at: Date.now(),
    status: 0,
  };
  ctx.requests.push(record);
  const label = `${method} ${path}`;
  const finish = (reply: Reply, countsAsViolation: boolean): void => {
    record.status = reply.status;
    if (countsAsViolation) {
      const generic = reply.status >= 400 && reply.status < 500 && reply.status !== 401;
      if (reply.violation) ctx.violations.push(reply.violation);
      else if (generic)
        ctx.violations.push(`${label}: answered ${reply.status} ${JSON.stringify(reply.body)}`);
    }
    writeReply(res, reply);
    reply.after?.();
  };

  const latency = ctx.latencyFor(path);
  if (latency > 0) await sleep(latency);

  const fault = ctx.takeFault(method, path);
  if (fault && !fault.afterProcessing) {
    finish(faultReply(fault, method, path), false);
    return;
  }
  if (!versioned) {
    finish(
      error(404, 0, `not emulated by FakeDiscord: ${label} (expected the /api/v10 prefix)`),
      true,
    );
    return;
  }
  const matched = matchRoute(method, path);
  if (!matched) {
    const message = `not emulated by FakeDiscord: ${label}`;
    finish(error(404, 0, message, message), true);
    return;
  }
  const { route, params } = matched;
  if (route.auth && headers.authorization !== `Bot ${ctx.token}`) {
    finish({ status: 401, body: { message: '401: Unauthorized', code: 0 } }, false);
    return;
  }
  if (!/^DiscordBot \(/.test(headers['user-agent'] ?? '')) {
    ctx.violations.push(
      `${label}: User-Agent must be "DiscordBot ($url, $version)"; got ${headers['user-agent'] ?? 'none'}`,
    );
  }
  if (parsed.error) {
    finish(
      error(400, 50109, 'The request body contains invalid JSON.', `${label}: ${parsed.error}`),
      true,
    );
    return;
  }
  const call: Call = { method, path, label, params, query, body: parsed.body, files: parsed.files };
  if (call.body !== undefined || route.checks) {
    const checks = route.checks?.(call) ?? { issues: [] };
    const issues = [...checks.issues];
    if (ctx.validate && ctx.specPath && call.body !== undefined) {
      const specIssues =
        validateRequestBody({
          specPath: ctx.specPath,
          method,
          template: route.template,
          body: route.specView ? route.specView(call.body) : call.body,
          ...(route.schemaName?.(call) ? { schemaName: route.schemaName(call) } : {}),
        }) ?? [];
      // Where a bot limit and the spec disagree on the same field, Discord reports the bot limit.
      const covered = new Set(
        checks.issues.map((issue) => `${issue.path.join('.')}|${issue.code}`),
      );
      issues.push(
        ...specIssues.filter((issue) => !covered.has(`${issue.path.join('.')}|${issue.code}`)),
      );
    }
    if (issues.length > 0) {
      finish(formError(label, issues), true);
      return;
    }
    if (checks.empty) {
      finish(emptyMessage(call), true);
      return;
    }
  }
  let reply: Reply;
  try {
    reply = await route.handle(ctx, call);
  } catch (cause) {
    reply = error(
      500,
      0,
      `FakeDiscord failed: ${String(cause)}`,
      `${label}: FakeDiscord threw ${String(cause)}`,
    );
  }
  if (ctx.validateResponses && ctx.specPath && reply.body !== undefined && reply.status < 300) {
    const issues = validateResponseBody({
      specPath: ctx.specPath,
      method,
      template: route.template,
      status: reply.status,
      body: reply.body,
    });
    if (issues.length > 0) {
      ctx.violations.push(
        `FakeDiscord answer to ${label} breaks the spec: ${issues.map(describeIssue).join('; ')}`,
      );
    }
  }
  if (fault?.afterProcessing && reply.status < 300) {
    reply.after?.();
    finish(faultReply(fault, method, path), false);
    return;
  }
  finish(reply, true);
}
