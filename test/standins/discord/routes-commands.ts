/** REST routes for application commands, with Discord's naming rules. */
import { snowflake } from './payloads.js';
import {
  asArray,
  asObject,
  type Call,
  type Checks,
  error,
  type Reply,
  type RestContext,
  type Route,
} from './rest-shared.js';
import type { FormIssue } from './spec-validation.js';
import type { StoredCommand } from './state.js';

const commandNamePattern = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Discord's rules for chat-input command and option names and descriptions, beyond the spec. */
function commandIssues(call: Call): Checks {
  const issues: FormIssue[] = [];
  const commands = asArray(call.body);
  const seen = new Set<string>();
  for (const [index, raw] of commands.entries()) {
    const command = asObject(raw);
    const type = typeof command.type === 'number' ? command.type : 1;
    const key = `${type}:${String(command.name)}`;
    if (seen.has(key)) {
      issues.push({
        path: [index, 'name'],
        code: 'APPLICATION_COMMANDS_DUPLICATE_NAME',
        message: 'Application command names must be unique',
      });
    }
    seen.add(key);
    if (type === 1) issues.push(...chatInputIssues(command, [index]));
  }
  return { issues };
}

function chatInputIssues(item: Record<string, unknown>, path: Array<string | number>): FormIssue[] {
  const issues: FormIssue[] = [];
  const name = item.name;
  if (typeof name === 'string' && (!commandNamePattern.test(name) || name !== name.toLowerCase())) {
    issues.push({
      path: [...path, 'name'],
      code: 'APPLICATION_COMMAND_INVALID_NAME',
      message: 'Command name is invalid',
      note: `${path.join('.')}.name "${name}" must be 1-32 lower-case letters, digits, - or _`,
    });
  }
  const description = item.description;
  if (typeof description !== 'string' || description.length < 1 || description.length > 100) {
    issues.push({
      path: [...path, 'description'],
      code: typeof description === 'string' ? 'BASE_TYPE_BAD_LENGTH' : 'BASE_TYPE_REQUIRED',
      message:
        typeof description === 'string'
          ? 'Must be between 1 and 100 in length.'
          : 'This field is required',
    });
  }
  let optionalSeen = false;
  for (const [i, raw] of asArray(item.options).entries()) {
    const option = asObject(raw);
    const optionPath = [...path, 'options', i];
    issues.push(...chatInputIssues(option, optionPath));
    const isGroup = option.type === 1 || option.type === 2;
    if (isGroup) continue;
    if (option.required === true && optionalSeen) {
      issues.push({
        path: optionPath,
        code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
        message: 'Required options must be placed before non-required options',
      });
    }
    if (option.required !== true) optionalSeen = true;
  }
  return issues;
}

function commandSpecView(body: unknown): unknown {
  // The spec types default_member_permissions as an integer; Discord documents (and discord.js
  // sends) a numeric string, and Discord accepts both.
  return asArray(body).map((raw) => {
    const command = asObject(raw);
    const permissions = command.default_member_permissions;
    return typeof permissions === 'string' && /^\d+$/.test(permissions)
      ? { ...command, default_member_permissions: Number(permissions) }
      : command;
  });
}

/** A stored command's `default_member_permissions`: the bitfield as a string, or null. */
function permissionsText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value);
}

function commandScope(ctx: RestContext, call: Call): StoredCommand[] | Reply {
  if (call.params.application_id !== ctx.applicationId) {
    return error(
      403,
      50001,
      'Missing Access',
      `${call.label}: application id is not the bot's (${ctx.applicationId})`,
    );
  }
  const guildId = call.params.guild_id;
  if (guildId === undefined) return ctx.state.globalCommands;
  if (!ctx.state.guilds.has(guildId)) {
    return error(403, 50001, 'Missing Access', `${call.label}: the bot is not in guild ${guildId}`);
  }
  let list = ctx.state.guildCommands.get(guildId);
  if (!list) {
    list = [];
    ctx.state.guildCommands.set(guildId, list);
  }
  return list;
}

function overwriteCommands(ctx: RestContext, call: Call): Reply {
  const scope = commandScope(ctx, call);
  if (!Array.isArray(scope)) return scope;
  const guildId = call.params.guild_id;
  const next = asArray(call.body).map((raw): StoredCommand => {
    const command = asObject(raw);
    const type = typeof command.type === 'number' ? command.type : 1;
    const name = String(command.name);
    const existing = scope.find((c) => c.name === name && c.type === type);
    return {
      id: existing?.id ?? snowflake(),
      application_id: ctx.applicationId,
      version: snowflake(),
      default_member_permissions: permissionsText(command.default_member_permissions),
      type,
      name,
      name_localizations: command.name_localizations ?? null,
      description: typeof command.description === 'string' ? command.description : '',
      description_localizations: command.description_localizations ?? null,
      ...(guildId ? { guild_id: guildId } : { dm_permission: command.dm_permission !== false }),
      contexts: command.contexts ?? null,
      integration_types: command.integration_types ?? [0],
      nsfw: command.nsfw === true,
      ...(Array.isArray(command.options) ? { options: command.options } : {}),
    };
  });
  scope.splice(0, scope.length, ...next);
  return { status: 200, body: next };
}

function listCommands(ctx: RestContext, call: Call): Reply {
  const scope = commandScope(ctx, call);
  if (!Array.isArray(scope)) return scope;
  return { status: 200, body: scope };
}

/** Global and guild application commands: bulk overwrite and list. */
export const commandRoutes: Route[] = [
  {
    method: 'GET',
    template: '/applications/{application_id}/commands',
    auth: true,
    handle: listCommands,
  },
  {
    method: 'PUT',
    template: '/applications/{application_id}/commands',
    auth: true,
    handle: overwriteCommands,
    checks: commandIssues,
    specView: commandSpecView,
  },
  {
    method: 'GET',
    template: '/applications/{application_id}/guilds/{guild_id}/commands',
    auth: true,
    handle: listCommands,
  },
  {
    method: 'PUT',
    template: '/applications/{application_id}/guilds/{guild_id}/commands',
    auth: true,
    handle: overwriteCommands,
    checks: commandIssues,
    specView: commandSpecView,
  },
];
