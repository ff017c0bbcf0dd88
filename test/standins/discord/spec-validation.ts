/**
 * Validation of request (and response) bodies against Discord's official OpenAPI description,
 * with errors translated into Discord's `Invalid Form Body` error shape.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';

/** Where the spec is looked for when no `specPath` is given: the repo's copy, from ../shared/specs. */
export const defaultDiscordSpecPaths: readonly string[] = [
  fileURLToPath(new URL('../../specs/discord-openapi.json', import.meta.url)),
];

/** One field-level problem, addressed by its path inside the body. */
export interface FormIssue {
  path: Array<string | number>;
  code: string;
  message: string;
  /** A plainer sentence for `violations`, when the Discord message alone would not say enough. */
  note?: string;
}

interface SpecContext {
  ajv: Ajv2020;
  doc: { paths: Record<string, Record<string, OperationObject | undefined> | undefined> };
  validators: Map<string, ValidateFunction>;
}

interface OperationObject {
  requestBody?: { content?: Record<string, unknown> };
  responses?: Record<string, { content?: Record<string, unknown> } | undefined>;
}

// The spec is 1.2 MB and each schema takes ~100 ms to compile, so both live for the whole process.
const contexts = new Map<string, SpecContext>();

/** Resolves the spec file to use, or throws naming every place that was tried. */
export function resolveSpecPath(specPath?: string): string {
  const candidates = specPath ? [specPath] : defaultDiscordSpecPaths;
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      `FakeDiscord: Discord's openapi.json not found (tried ${candidates.join(', ')})`,
    );
  }
  return found;
}

function context(specPath: string): SpecContext {
  let ctx = contexts.get(specPath);
  if (!ctx) {
    const doc = JSON.parse(readFileSync(specPath, 'utf8')) as SpecContext['doc'];
    const ajv = new Ajv2020({ strict: false, allErrors: true, verbose: true });
    ajvFormats.default(ajv);
    ajv.addFormat('snowflake', /^(0|[1-9][0-9]*)$/);
    ajv.addFormat('nonce', true);
    ajv.addSchema(doc, 'spec');
    ctx = { ajv, doc, validators: new Map() };
    contexts.set(specPath, ctx);
  }
  return ctx;
}

function pointer(segments: string[]): string {
  return segments
    .map((s) => encodeURIComponent(s.replaceAll('~', '~0').replaceAll('/', '~1')))
    .join('/');
}

function validatorFor(ctx: SpecContext, ref: string): ValidateFunction {
  let validate = ctx.validators.get(ref);
  if (!validate) {
    validate = ctx.ajv.compile({ $ref: ref });
    ctx.validators.set(ref, validate);
  }
  return validate;
}

/** Whether the spec describes `method template` (e.g. `post /channels/{channel_id}/messages`). */
export function specHasOperation(specPath: string, method: string, template: string): boolean {
  return context(specPath).doc.paths[template]?.[method.toLowerCase()] !== undefined;
}

/**
 * Validates a request body against the schema the spec gives for this path, method and media
 * type (multipart bodies are validated as their `payload_json`, i.e. against the JSON variant),
 * or against `#/components/schemas/<schemaName>` when given.
 */
export function validateRequestBody(options: {
  specPath: string;
  method: string;
  template: string;
  body: unknown;
  schemaName?: string | undefined;
}): FormIssue[] | undefined {
  const ctx = context(options.specPath);
  let ref: string;
  if (options.schemaName) {
    ref = `spec#/components/schemas/${options.schemaName}`;
  } else {
    const method = options.method.toLowerCase();
    const content = ctx.doc.paths[options.template]?.[method]?.requestBody?.content;
    if (!content?.['application/json']) return undefined;
    ref = `spec#/${pointer(['paths', options.template, method, 'requestBody', 'content', 'application/json', 'schema'])}`;
  }
  const validate = validatorFor(ctx, ref);
  if (validate(options.body)) return [];
  return toIssues(explainUnions(ctx, validate.errors ?? []));
}

/** Validates one of the stand-in's own answers against the spec's response schema for that status. */
export function validateResponseBody(options: {
  specPath: string;
  method: string;
  template: string;
  status: number;
  body: unknown;
}): FormIssue[] {
  const ctx = context(options.specPath);
  const method = options.method.toLowerCase();
  const responses = ctx.doc.paths[options.template]?.[method]?.responses;
  if (!responses?.[String(options.status)]?.content?.['application/json']) return [];
  const ref = `spec#/${pointer(['paths', options.template, method, 'responses', String(options.status), 'content', 'application/json', 'schema'])}`;
  const validate = validatorFor(ctx, ref);
  if (validate(options.body)) return [];
  return toIssues(explainUnions(ctx, validate.errors ?? []));
}

function withSpecRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withSpecRefs);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#')
        ? `spec${value}`
        : withSpecRefs(value),
    ]),
  );
}

function branchValidator(ctx: SpecContext, branch: unknown): ValidateFunction {
  const key = `branch:${JSON.stringify(branch)}`;
  let validate = ctx.validators.get(key);
  if (!validate) {
    validate = ctx.ajv.compile(withSpecRefs(branch) as object);
    ctx.validators.set(key, validate);
  }
  return validate;
}

function missesDiscriminator(errors: ErrorObject[]): boolean {
  return errors.some(
    (e) =>
      (e.instancePath === '' && e.keyword === 'type') ||
      (e.instancePath === '/type' && (e.keyword === 'enum' || e.keyword === 'const')),
  );
}

/**
 * Replaces the errors of every failed oneOf/anyOf with those of the one branch the value was
 * meant for (the branch whose `type` matches, else the one with fewest errors), because Ajv
 * reports every branch and a component union has over a dozen.
 */
function explainUnions(ctx: SpecContext, errors: ErrorObject[]): ErrorObject[] {
  let result = errors;
  const unions = errors
    .filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')
    .sort((a, b) => a.instancePath.length - b.instancePath.length);
  for (const union of unions) {
    if (!result.includes(union) || !Array.isArray(union.schema)) continue;
    let best: ErrorObject[] | undefined;
    let bestScore = Number.POSITIVE_INFINITY;
    const choices: unknown[] = [];
    let onlyChoices = true;
    for (const branch of union.schema as unknown[]) {
      const validate = branchValidator(ctx, branch);
      if (validate(union.data)) {
        best = undefined;
        break;
      }
      const branchErrors = explainUnions(ctx, validate.errors ?? []);
      const [only] = branchErrors;
      if (
        branchErrors.length === 1 &&
        only?.instancePath === '' &&
        (only.keyword === 'const' || only.keyword === 'enum')
      ) {
        const params = only.params as { allowedValue?: unknown; allowedValues?: unknown[] };
        choices.push(...(params.allowedValues ?? [params.allowedValue]));
      } else {
        onlyChoices = false;
      }
      const score = (missesDiscriminator(branchErrors) ? 1e6 : 0) + branchErrors.length;
      if (score < bestScore) {
        best = branchErrors;
        bestScore = score;
      }
    }
    if (!best) continue;
    if (onlyChoices && choices.length > 0) {
      best = [{ ...union, instancePath: '', keyword: 'enum', params: { allowedValues: choices } }];
    }
    const base = union.instancePath;
    const inside = (e: ErrorObject) =>
      e.instancePath === base || e.instancePath.startsWith(`${base}/`);
    result = [
      ...result.filter((e) => !inside(e)),
      ...best.map((e) => ({ ...e, instancePath: `${base}${e.instancePath}` })),
    ];
  }
  return result;
}

function toIssues(errors: ErrorObject[]): FormIssue[] {
  // Unions like `oneOf: [{type: 'null'}, {$ref}]` report every branch; keep the errors that say
  // what is wrong with the value rather than that it is not null.
  const meaningful = errors.filter(
    (e) => !(e.keyword === 'type' && (e.params as { type?: unknown }).type === 'null'),
  );
  const kept = meaningful.filter((e) => {
    if (e.keyword !== 'oneOf' && e.keyword !== 'anyOf') return true;
    return !meaningful.some(
      (other) =>
        other !== e &&
        other.keyword !== 'oneOf' &&
        other.keyword !== 'anyOf' &&
        other.instancePath.startsWith(e.instancePath),
    );
  });
  const seen = new Set<string>();
  const issues: FormIssue[] = [];
  for (const error of kept) {
    const issue = toIssue(error);
    const key = `${issue.path.join('.')}|${issue.code}|${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

/** Ajv's `limit` parameter, a number for the keywords below (`$data` limits are not used). */
function limitText(limit: unknown): string {
  return typeof limit === 'number' || typeof limit === 'string'
    ? String(limit)
    : JSON.stringify(limit);
}

function toIssue(error: ErrorObject): FormIssue {
  const path: Array<string | number> = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'maxLength':
    case 'maxItems':
    case 'maxProperties':
      return {
        path,
        code: 'BASE_TYPE_MAX_LENGTH',
        message: `Must be ${limitText(params.limit)} or fewer in length.`,
      };
    case 'minLength':
    case 'minItems':
      return {
        path,
        code: 'BASE_TYPE_MIN_LENGTH',
        message: `Must be ${limitText(params.limit)} or more in length.`,
      };
    case 'required':
      return {
        path: [...path, String(params.missingProperty)],
        code: 'BASE_TYPE_REQUIRED',
        message: 'This field is required',
      };
    case 'type': {
      const type = String(params.type);
      const code = type.includes('object')
        ? 'MODEL_TYPE_CONVERT'
        : type.includes('array')
          ? 'LIST_TYPE_CONVERT'
          : type.includes('integer') || type.includes('number')
            ? 'NUMBER_TYPE_COERCE'
            : type.includes('boolean')
              ? 'BOOLEAN_TYPE_CONVERT'
              : 'STRING_TYPE_CONVERT';
      return { path, code, message: `Must be of type ${type.replace(',null', '')}.` };
    }
    case 'enum':
    case 'const': {
      const allowed = (params.allowedValues as unknown[] | undefined) ?? [params.allowedValue];
      return {
        path,
        code: 'BASE_TYPE_CHOICES',
        message: `Value must be one of (${allowed.map((v) => JSON.stringify(v)).join(', ')}).`,
      };
    }
    case 'maximum':
      return {
        path,
        code: 'NUMBER_TYPE_MAX',
        message: `Must be less than or equal to ${limitText(params.limit)}.`,
      };
    case 'minimum':
      return {
        path,
        code: 'NUMBER_TYPE_MIN',
        message: `Must be greater than or equal to ${limitText(params.limit)}.`,
      };
    case 'pattern':
    case 'format':
      return {
        path,
        code: 'STRING_TYPE_REGEX',
        message: `Value ${error.message ?? 'is invalid'}.`,
      };
    case 'uniqueItems':
      return {
        path,
        code: 'SET_TYPE_ALREADY_CONTAINS_VALUE',
        message: 'The set already contains this value.',
      };
    case 'oneOf':
    case 'anyOf':
      return {
        path,
        code: 'UNION_TYPE_CHOICES',
        message: 'Value matches none of the allowed shapes.',
      };
    default:
      return { path, code: 'BASE_TYPE_INVALID', message: error.message ?? 'Invalid value.' };
  }
}

/** Discord's nested `errors` object of a 50035 answer, e.g. `{ content: { _errors: [...] } }`. */
export function formErrors(issues: FormIssue[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const issue of issues) {
    let node = root;
    for (const key of issue.path) {
      const name = String(key);
      node[name] ??= {};
      node = node[name] as Record<string, unknown>;
    }
    node._errors ??= [];
    (node._errors as Array<{ code: string; message: string }>).push({
      code: issue.code,
      message: issue.message,
    });
  }
  return root;
}

/** A one-line, human-readable rendering of an issue: `content: Must be 2000 or fewer in length.`. */
export function describeIssue(issue: FormIssue): string {
  const where = issue.path.length > 0 ? issue.path.join('.') : '(body)';
  return `${where}: ${issue.message} [${issue.code}]`;
}
