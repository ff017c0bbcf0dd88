/**
 * A local stand-in for the Gemini API (generativelanguage.googleapis.com) that the real
 * `@google/genai` client can talk to: unary and SSE text generation, batch embeddings, Google-shaped
 * errors, scripted answers, latency, and answers for mem0's memory-extraction calls.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { embedText } from './embedding.js';

/** Options for {@link startFakeGemini}. */
export interface FakeGeminiOptions {
  apiKey?: string;
  port?: number;
  embeddingDimensions?: number;
  streamChunkDelayMs?: number;
  /** How many earlier generate requests a prompt's prefix is compared with (default {@link implicitCacheWindow}). */
  implicitCacheWindow?: number;
}

/** One part of a Gemini `Content`, as received on the wire. */
export interface GeminiPart {
  text?: string;
  thought?: boolean;
  [key: string]: unknown;
}

/** One Gemini `Content` (a turn), as received on the wire. */
export interface GeminiContent {
  role?: string;
  parts?: GeminiPart[];
}

/** One entry of a `batchEmbedContents` request. */
export interface GeminiEmbedRequest {
  model?: string;
  content?: GeminiContent;
  taskType?: string;
  title?: string;
  outputDimensionality?: number;
}

/**
 * Any string. Unlike plain `string`, a union of literals with it keeps the literals, so they stay
 * as documentation and editor suggestions: `'STOP' | OpenString`.
 */
type OpenString = string & {};

/** The JSON body of a request, typed loosely: fields are only trusted after validation. */
export interface GeminiRequestBody {
  contents?: GeminiContent[];
  systemInstruction?: GeminiContent;
  generationConfig?: {
    responseMimeType?: string;
    thinkingConfig?: GeminiThinkingConfig;
    [key: string]: unknown;
  };
  safetySettings?: { category?: string; threshold?: string }[];
  requests?: GeminiEmbedRequest[];
  [key: string]: unknown;
}

/** `generationConfig.thinkingConfig` as received on the wire. */
export interface GeminiThinkingConfig {
  thinkingLevel?: unknown;
  thinkingBudget?: unknown;
  includeThoughts?: unknown;
}

/** A request the stand-in received on a known route. */
export interface GeminiRecordedRequest {
  method: string;
  path: string;
  model: string;
  action: 'generateContent' | 'streamGenerateContent' | 'batchEmbedContents' | OpenString;
  headers: Record<string, string | undefined>;
  body: GeminiRequestBody;
  at: number;
  kind: 'chat' | 'memory-extraction' | 'embedding';
  /** A generate request's `generationConfig.thinkingConfig`, as sent. */
  thinkingConfig?: GeminiThinkingConfig;
  /**
   * For a generate request, the longest prompt prefix (system instruction, then the contents'
   * parts, in order) it shares with any of the last generate requests to the same model (see
   * {@link FakeGeminiOptions.implicitCacheWindow}), in characters and in estimated tokens.
   */
  sharedPrefix?: { chars: number; tokens: number };
  /** The cachedContentTokenCount the stand-in reports for a generate request (0: no cache hit). */
  cachedTokens?: number;
}

/** A scripted answer for one chat call. */
export type GeminiScript =
  | { kind: 'text'; text: string; finishReason?: string; chunks?: number }
  | { kind: 'error'; status: number; message?: string; retryDelaySeconds?: number }
  | { kind: 'blocked'; blockReason?: string }
  | {
      kind: 'finish';
      finishReason: 'SAFETY' | 'RECITATION' | 'MAX_TOKENS' | OpenString;
      text?: string;
    }
  | { kind: 'stream-error-event'; afterText?: string }
  | { kind: 'hang' };

/** What a chat responder is given to decide its answer. */
export interface GeminiResponderInput {
  body: GeminiRequestBody;
  lastUserText: string;
  systemText: string;
}

/** Artificial delays; chat answers start after `timeToFirstTokenMs` and end after `totalMs`. */
export interface GeminiLatency {
  timeToFirstTokenMs?: number | undefined;
  totalMs?: number | undefined;
  embeddingMs?: number | undefined;
  extractionMs?: number | undefined;
}

/** A running stand-in server and its controls. */
export interface FakeGemini {
  readonly baseUrl: string;
  readonly port: number;
  readonly requests: GeminiRecordedRequest[];
  readonly violations: string[];
  chatRequests(): GeminiRecordedRequest[];
  /** Queue scripted answers for the next chat calls (not the memory-extraction ones), consumed in order. */
  script(...answers: GeminiScript[]): void;
  /** Default answer for unscripted chat calls; the built-in one quotes the last user message. */
  setResponder(fn: (request: GeminiResponderInput) => GeminiScript): void;
  setLatency(options: GeminiLatency): void;
  /**
   * Holds every streamed answer after its first chunk until {@link FakeGemini.resumeStreams}, so
   * that an answer is being written for exactly as long as a test needs, with no clock involved.
   */
  pauseStreams(): void;
  /** Lets the streams held by {@link FakeGemini.pauseStreams} go on, and later ones run freely. */
  resumeStreams(): void;
  /**
   * Ends every delay now running (latency, paused streams) at once, so that the calls waiting
   * are answered straight away; later calls keep the latency set, and streams are no longer
   * paused. A `hang` script still hangs.
   */
  releaseAll(): void;
  /**
   * Answers 429 to generation calls over `requestsPerMinute` per model in any sliding minute, as
   * Gemini's per-model quota does; undefined removes the limit. `overLimit` counts those answers.
   */
  setRequestsPerMinute(requestsPerMinute: number | undefined): void;
  overLimit(): number;
  failNext(
    count: number,
    status: number,
    options?: { retryDelaySeconds?: number; appliesTo?: 'chat' | 'all' },
  ): void;
  waitFor<T>(predicate: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** The body Google sends with an error status. */
export interface GoogleErrorBody {
  error: { code: number; message: string; status: string; details?: unknown[] };
}

const statusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const defaultMessages: Record<number, string> = {
  400: 'Request contains an invalid argument.',
  401: 'Request had invalid authentication credentials.',
  403: 'The caller does not have permission',
  404: 'Requested entity was not found.',
  429: 'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
  500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  503: 'The model is overloaded. Please try again later.',
  504: 'Deadline expired before operation could complete.',
};

const invalidKeyMessage = 'API key not valid. Please pass a valid API key.';

/** Builds an error body shaped like Google's, with quota details and RetryInfo for 429s. */
export function googleErrorBody(
  status: number,
  message?: string,
  options: { retryDelaySeconds?: number; model?: string } = {},
): GoogleErrorBody {
  const details: unknown[] = [];
  if (status === 429) {
    details.push(
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [
          {
            quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
            quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
            quotaDimensions: { location: 'global', model: options.model ?? 'gemini-2.5-flash' },
            quotaValue: '10',
          },
        ],
      },
      {
        '@type': 'type.googleapis.com/google.rpc.Help',
        links: [
          {
            description: 'Learn more about Gemini API quotas',
            url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
          },
        ],
      },
    );
  }
  if (options.retryDelaySeconds !== undefined) {
    details.push({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: `${options.retryDelaySeconds}s`,
    });
  }
  let text = message ?? defaultMessages[status] ?? `HTTP ${status}`;
  if (message === undefined && status === 429 && options.retryDelaySeconds !== undefined) {
    text += ` Please retry in ${options.retryDelaySeconds}s.`;
  }
  return {
    error: {
      code: status,
      message: text,
      status: statusNames[status] ?? 'UNKNOWN',
      ...(details.length > 0 ? { details } : {}),
    },
  };
}

/** Splits `text` into about `count` pieces, preferring word boundaries; the pieces join to `text`. */
export function splitIntoChunks(text: string, count: number): string[] {
  if (count <= 1 || text.length < 2) return [text];
  const pieces: string[] = [];
  let start = 0;
  for (let i = 1; i < count; i++) {
    let cut = Math.round((text.length * i) / count);
    const space = text.indexOf(' ', cut);
    if (space !== -1 && space - cut < 12) cut = space + 1;
    const code = text.charCodeAt(cut);
    if (code >= 0xdc00 && code <= 0xdfff) cut++;
    if (cut <= start || cut >= text.length) continue;
    pieces.push(text.slice(start, cut));
    start = cut;
  }
  pieces.push(text.slice(start));
  return pieces;
}

const roleLine = /^(user|assistant|system|model|tool|developer):[ \t]?(.*)$/i;

/**
 * The user statements under `## New Messages` in a mem0 extraction prompt: one per `user:`
 * message (a message runs until the next `role:` line), trimmed, empty ones skipped.
 */
export function extractUserStatements(prompt: string): string[] {
  const heading = '## New Messages';
  const start = prompt.indexOf(heading);
  if (start === -1) return [];
  let section = prompt.slice(start + heading.length);
  // mem0 joins its sections with a blank line, and users may type markdown headings themselves,
  // so the known next section is a safer terminator than any heading.
  const observation = section.indexOf('\n\n## Observation Date');
  if (observation !== -1) section = section.slice(0, observation);
  else section = section.split(/\n#{1,2} /)[0] ?? '';
  const messages: { role: string; lines: string[] }[] = [];
  for (const line of section.split('\n')) {
    const match = roleLine.exec(line);
    if (match) messages.push({ role: (match[1] ?? '').toLowerCase(), lines: [match[2] ?? ''] });
    else messages.at(-1)?.lines.push(line);
  }
  return messages
    .filter((m) => m.role === 'user')
    .map((m) => m.lines.join('\n').trim())
    .filter((text) => text.length > 0);
}

function partsText(content: GeminiContent | undefined): string {
  if (!content || !Array.isArray(content.parts)) return '';
  return content.parts
    .filter((p) => typeof p?.text === 'string' && !p.thought)
    .map((p) => p.text)
    .join('');
}

function isUserRole(content: GeminiContent): boolean {
  return content.role === undefined || content.role === 'user';
}

/**
 * The text of the last part of the last user turn: the person's words, which come after any
 * quoted data (recalled memories) sent as earlier parts of the same turn.
 */
function lastUserTextOf(body: GeminiRequestBody): string {
  const contents = Array.isArray(body.contents) ? body.contents : [];
  const last = contents.filter(isUserRole).at(-1);
  const parts = Array.isArray(last?.parts) ? last.parts : [];
  const textParts = parts.filter((p) => typeof p?.text === 'string' && !p.thought);
  return textParts.at(-1)?.text ?? '';
}

function systemTextOf(body: GeminiRequestBody): string {
  const parts = body.systemInstruction?.parts;
  if (!Array.isArray(parts)) return '';
  return parts
    .map((p) => p?.text)
    .filter((t): t is string => typeof t === 'string')
    .join('\n');
}

function promptChars(body: GeminiRequestBody): number {
  const contents = Array.isArray(body.contents) ? body.contents : [];
  let chars = partsText(body.systemInstruction).length;
  for (const content of contents) chars += partsText(content).length;
  return chars;
}

function tokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** How many earlier generate requests the implicit-cache emulation compares each prompt with, by default. */
export const implicitCacheWindow = 1_000;

/**
 * The least shared prefix, in tokens, that Gemini's implicit cache serves: "Gemini 3.8 Flash,
 * 3.7 Flash, 3.6 Flash, 3.5 Flash, 3.1 Pro Preview: 4,096; Gemini 2.5 Flash, 2.5 Pro: 2,048"
 * (ai.google.dev/gemini-api/docs/caching, "Implicit caching", updated 2026-10; copies from
 * 2026-05 said 1,024 for 2.5 Flash and 3 Flash Preview, 4,096 for 2.5 Pro). A model the table
 * does not name gets 4,096, the minimum of every model since Gemini 3.
 */
export function implicitCacheMinTokens(model: string): number {
  return model.startsWith('gemini-2.5-') ? 2_048 : 4_096;
}

/** One text part of a prompt, with the role of the turn it is in (`system` for the instruction). */
interface PromptPart {
  role: string;
  text: string;
  /** Equal for equal texts (see `internText`): compares a long persona in O(1), not O(length). */
  id?: number;
}

/** The prompt as Gemini reads it, for prefix comparison: the system instruction, then each turn's parts. */
function promptParts(body: GeminiRequestBody): PromptPart[] {
  const parts: PromptPart[] = [];
  const add = (role: string, content: GeminiContent | undefined) => {
    if (!content || !Array.isArray(content.parts)) return;
    for (const part of content.parts) {
      if (typeof part?.text === 'string' && !part.thought) parts.push({ role, text: part.text });
    }
  };
  add('system', body.systemInstruction);
  for (const content of Array.isArray(body.contents) ? body.contents : []) {
    add(content?.role ?? 'user', content);
  }
  return parts;
}

function commonPrefixLength(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  let i = 0;
  while (i < length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Characters of text two prompts share from their start, in the same parts of the same roles. */
export function sharedPromptPrefixChars(a: GeminiRequestBody, b: GeminiRequestBody): number {
  return sharedPartsPrefix(promptParts(a), promptParts(b));
}

function sharedPartsPrefix(a: readonly PromptPart[], b: readonly PromptPart[]): number {
  let chars = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y || x.role !== y.role) break;
    const same = x.id !== undefined && y.id !== undefined ? x.id === y.id : x.text === y.text;
    if (!same) return chars + commonPrefixLength(x.text, y.text);
    chars += x.text.length;
  }
  return chars;
}

function classify(action: string, body: GeminiRequestBody): GeminiRecordedRequest['kind'] {
  if (action === 'batchEmbedContents') return 'embedding';
  const contents = Array.isArray(body.contents) ? body.contents : [];
  const userText = contents.filter(isUserRole).map(partsText).join('\n');
  if (contents[0]?.role === 'model' && userText.includes('## New Messages')) {
    return 'memory-extraction';
  }
  return 'chat';
}

function validateContent(content: unknown, where: string): string | undefined {
  if (typeof content !== 'object' || content === null) return `* ${where}: must be an object\n`;
  const { role, parts } = content as GeminiContent;
  if (role !== undefined && role !== 'user' && role !== 'model' && role !== 'function') {
    return 'Please use a valid role: user, model.';
  }
  if (!Array.isArray(parts) || parts.length === 0) {
    return `* ${where}.parts: contents.parts must not be empty.\n`;
  }
  for (const [i, part] of parts.entries()) {
    if (typeof part !== 'object' || part === null || Object.keys(part).length === 0) {
      return `* ${where}.parts[${i}].data: required oneof field 'data' must have one initialized field\n`;
    }
    if (part.text === '') {
      return 'Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again.';
    }
  }
  return undefined;
}

const thinkingLevelNames = ['THINKING_LEVEL_UNSPECIFIED', 'MINIMAL', 'LOW', 'MEDIUM', 'HIGH'];

/**
 * Models that take thinkingLevel but refuse MINIMAL (live probes reported in
 * github.com/tetsuo-ai/agenc-core/pull/2393 and earendil-works/pi#9455; the "Thinking levels"
 * table at ai.google.dev/gemini-api/docs/generate-content/thinking marks it not supported).
 */
const refusesMinimal = /^gemini-3\.[78]-flash(?!-lite)|^gemini-3(?:\.\d+)?-pro|^gemini-4-/;

/** Gemini 2.5 budget ranges (ai.google.dev/gemini-api/docs/thinking#set-budget); -1 is dynamic. */
function budgetAllowed(model: string, budget: number): boolean {
  if (budget === -1) return true;
  if (model.startsWith('gemini-2.5-pro')) return budget >= 128 && budget <= 32_768;
  if (model.startsWith('gemini-2.5-flash-lite'))
    return budget === 0 || (budget >= 512 && budget <= 24_576);
  return budget >= 0 && budget <= 24_576;
}

/**
 * Checks `generationConfig.thinkingConfig` as the API does; each message is the one the API
 * sends (quoted in the issues named), with 400 INVALID_ARGUMENT.
 */
function validateThinking(body: GeminiRequestBody, model: string): string | undefined {
  const config = body.generationConfig?.thinkingConfig;
  if (config === undefined || config === null || typeof config !== 'object') return undefined;
  const { thinkingLevel: level, thinkingBudget: budget } = config;
  if (level !== undefined) {
    // An enum the API does not know fails proto JSON parsing, which names the field and value.
    // The docs' REST samples write levels in lower case ("low"), so case is not significant.
    if (typeof level !== 'string' || !thinkingLevelNames.includes(level.toUpperCase())) {
      return `Invalid value at 'generation_config.thinking_config.thinking_level' (type.googleapis.com/google.ai.generativelanguage.v1beta.ThinkingConfig.ThinkingLevel), ${JSON.stringify(level)}`;
    }
  }
  if (budget !== undefined && (typeof budget !== 'number' || !Number.isInteger(budget))) {
    return `Invalid value at 'generation_config.thinking_config.thinking_budget' (TYPE_INT32), ${JSON.stringify(budget)}`;
  }
  // One or the other, never both (the Gemini 3 guide, ai.google.dev/gemini-api/docs/gemini-3, as
  // client libraries cite it); the message is the API's, quoted in
  // github.com/sterlp/eclipse-peon-ai/issues/115.
  if (level !== undefined && budget !== undefined) {
    return 'You can only set only one of thinking budget and thinking level.';
  }
  // "If you use the thinking_level parameter with a model earlier than Gemini 3, the model
  // returns an error" (Vertex AI's thinking page); the message: github.com/RooCodeInc/Roo-Code/issues/10700.
  if (typeof level === 'string' && /^gemini-(?:1|2)\./.test(model)) {
    return 'Thinking level is not supported for this model.';
  }
  if (
    typeof level === 'string' &&
    level.toUpperCase() === 'MINIMAL' &&
    refusesMinimal.test(model)
  ) {
    return 'Thinking level MINIMAL is not supported for this model. Please retry with other thinking level.';
  }
  // github.com/RooCodeInc/Roo-Code/issues/4399: "The thinking budget (52428) is invalid."
  if (
    typeof budget === 'number' &&
    model.startsWith('gemini-2.5-') &&
    !budgetAllowed(model, budget)
  ) {
    return `The thinking budget (${budget}) is invalid.`;
  }
  return undefined;
}

function validateGenerate(body: GeminiRequestBody, model: string): string | undefined {
  const thinking = validateThinking(body, model);
  if (thinking) return thinking;
  if (!Array.isArray(body.contents) || body.contents.length === 0) {
    return '* GenerateContentRequest.contents: contents is not specified\n';
  }
  for (const [i, content] of body.contents.entries()) {
    const problem = validateContent(content, `GenerateContentRequest.contents[${i}]`);
    if (problem) return problem;
  }
  if (body.systemInstruction !== undefined) {
    return validateContent(body.systemInstruction, 'GenerateContentRequest.system_instruction');
  }
  return undefined;
}

function validateEmbed(body: GeminiRequestBody, model: string): string | undefined {
  if (!Array.isArray(body.requests) || body.requests.length === 0) {
    return '* BatchEmbedContentsRequest.requests: requests is not specified\n';
  }
  if (body.requests.length > 100) {
    return '* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n';
  }
  for (const [i, request] of body.requests.entries()) {
    const where = `BatchEmbedContentsRequest.requests[${i}]`;
    if (typeof request !== 'object' || request === null) return `* ${where}: must be an object\n`;
    if (request.model !== undefined && request.model !== `models/${model}`) {
      return `* ${where}.model: model ${request.model} does not match the batch model models/${model}\n`;
    }
    const problem = validateContent(request.content, `${where}.content`);
    if (problem) return problem;
    const dims = request.outputDimensionality;
    if (dims !== undefined && (!Number.isInteger(dims) || dims < 1 || dims > 3072)) {
      return `* ${where}.output_dimensionality: must be between 1 and 3072\n`;
    }
  }
  return undefined;
}

function headerMap(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

/**
 * Resolves true after `ms` or as soon as `released` aborts, or false as soon as `signal` aborts.
 * `ms` may be Infinity: then only one of the signals ends the wait.
 */
async function wait(ms: number, signal: AbortSignal, released?: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0 || released?.aborted) return true;
  // Listeners removed as soon as the wait ends (not AbortSignal.any, whose combined signals pile
  // up on the long-lived `released` and slow every later wait of a busy stand-in).
  return new Promise<boolean>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const end = (value: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      released?.removeEventListener('abort', onRelease);
      resolve(value);
    };
    const onAbort = () => end(false);
    const onRelease = () => end(true);
    signal.addEventListener('abort', onAbort, { once: true });
    released?.addEventListener('abort', onRelease, { once: true });
    if (Number.isFinite(ms)) timer = setTimeout(() => end(true), ms);
  });
}

/** The built-in chat answer: quotes the last user message (as `{"reply":...}` when JSON is asked for). */
export function defaultGeminiResponder({ body, lastUserText }: GeminiResponderInput): GeminiScript {
  const reply = `I hear you: "${lastUserText}"`;
  const wantsJson = body.generationConfig?.responseMimeType === 'application/json';
  return { kind: 'text', text: wantsJson ? JSON.stringify({ reply }) : reply };
}

function defaultReplyText(body: GeminiRequestBody): string {
  const answer = defaultGeminiResponder({
    body,
    lastUserText: lastUserTextOf(body),
    systemText: systemTextOf(body),
  });
  return answer.kind === 'text' ? answer.text : '';
}

const knownActions = new Set(['generateContent', 'streamGenerateContent', 'batchEmbedContents']);
const routePattern = /^\/(v1beta|v1)\/models\/([^/:]+):([A-Za-z]+)$/;

/** Starts the stand-in on 127.0.0.1 and resolves once it is listening. */
export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const apiKey = options.apiKey ?? 'test-gemini-key';
  const defaultDimensions = options.embeddingDimensions ?? 768;
  const chunkDelayMs = options.streamChunkDelayMs ?? 0;
  const cacheWindow = options.implicitCacheWindow ?? implicitCacheWindow;
  const requests: GeminiRecordedRequest[] = [];
  const violations: string[] = [];
  const scripts: GeminiScript[] = [];
  const failures: { status: number; retryDelaySeconds?: number; appliesTo: 'chat' | 'all' }[] = [];
  const latency: GeminiLatency = {};
  let requestsPerMinute: number | undefined;
  let overLimit = 0;
  /** Start times of generation calls in the last minute, per model, for the quota. */
  const recentStarts = new Map<string, number[]>();
  const closing = new AbortController();
  // Aborted (and replaced) by releaseAll: every delay running when it is called ends.
  let release = new AbortController();
  // Aborted (and replaced) by resumeStreams; undefined while streams are not paused.
  let pause: AbortController | undefined;
  const held = new Set<ServerResponse>();
  // The prompts of the last generate requests served, oldest first, for the implicit cache, their
  // texts interned: a busy stand-in compares each prompt with a thousand others.
  const recentPrompts: { model: string; parts: PromptPart[]; chars: number }[] = [];
  const textIds = new Map<string, { id: number; uses: number }>();
  let nextTextId = 0;
  // A text no remembered prompt has gets an id of its own, so that it equals nothing.
  const intern = (parts: PromptPart[]) => {
    for (const part of parts) part.id = textIds.get(part.text)?.id ?? nextTextId++;
  };
  const remember = (model: string, parts: PromptPart[]) => {
    for (const part of parts) {
      let entry = textIds.get(part.text);
      if (!entry) textIds.set(part.text, (entry = { id: nextTextId++, uses: 0 }));
      entry.uses++;
      part.id = entry.id;
    }
    const chars = parts.reduce((sum, part) => sum + part.text.length, 0);
    recentPrompts.push({ model, parts, chars });
    if (recentPrompts.length <= cacheWindow) return;
    for (const part of recentPrompts.shift()?.parts ?? []) {
      const entry = textIds.get(part.text);
      if (entry && --entry.uses <= 0) textIds.delete(part.text);
    }
  };

  let responseCounter = 0;
  let responder = defaultGeminiResponder;

  interface Exchange {
    res: ServerResponse;
    signal: AbortSignal;
    body: GeminiRequestBody;
    model: string;
    responseId: string;
    /** Reported as cachedContentTokenCount when above 0. */
    cachedTokens: number;
  }

  const usage = (ex: Exchange, answerText?: string) => {
    const promptTokenCount = tokens(promptChars(ex.body));
    const candidatesTokenCount = answerText ? tokens(answerText.length) : 0;
    return {
      promptTokenCount,
      // Gemini leaves the field out when nothing came from the cache.
      ...(ex.cachedTokens > 0 ? { cachedContentTokenCount: ex.cachedTokens } : {}),
      ...(candidatesTokenCount > 0 ? { candidatesTokenCount } : {}),
      totalTokenCount: promptTokenCount + candidatesTokenCount,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokenCount }],
    };
  };

  const safetyRatings = (blocked: boolean) => [
    { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
    { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
    {
      category: 'HARM_CATEGORY_HARASSMENT',
      probability: blocked ? 'HIGH' : 'NEGLIGIBLE',
      ...(blocked ? { blocked: true } : {}),
    },
    { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'NEGLIGIBLE' },
  ];

  const candidateResponse = (
    ex: Exchange,
    piece: string | undefined,
    finishReason: string | undefined,
    fullText: string | undefined,
  ) => ({
    candidates: [
      {
        ...(piece !== undefined ? { content: { parts: [{ text: piece }], role: 'model' } } : {}),
        ...(finishReason ? { finishReason } : {}),
        index: 0,
        ...(finishReason === 'SAFETY' ? { safetyRatings: safetyRatings(true) } : {}),
      },
    ],
    usageMetadata: finishReason ? usage(ex, fullText) : usage(ex),
    modelVersion: ex.model,
    responseId: ex.responseId,
  });

  const blockedResponse = (ex: Exchange, blockReason: string) => ({
    promptFeedback: { blockReason, safetyRatings: safetyRatings(true) },
    usageMetadata: usage(ex),
    modelVersion: ex.model,
    responseId: ex.responseId,
  });

  const hold = (res: ServerResponse) => {
    held.add(res);
    res.on('close', () => held.delete(res));
  };

  const sendError = (
    ex: Exchange,
    status: number,
    message?: string,
    retryDelaySeconds?: number,
  ) => {
    const extra = retryDelaySeconds !== undefined ? { retryDelaySeconds } : {};
    sendJson(ex.res, status, googleErrorBody(status, message, { ...extra, model: ex.model }));
  };

  /** Text and finish reason of a candidate answer, or undefined when the script is not one. */
  const candidateOf = (script: GeminiScript, fallbackText: () => string) => {
    if (script.kind === 'text') {
      return {
        text: script.text,
        finishReason: script.finishReason ?? 'STOP',
        chunks: script.chunks,
      };
    }
    if (script.kind === 'finish') {
      const text = script.text ?? (script.finishReason === 'SAFETY' ? undefined : fallbackText());
      return { text, finishReason: script.finishReason, chunks: undefined };
    }
    return undefined;
  };

  const answerUnary = async (ex: Exchange, script: GeminiScript, delayMs: number) => {
    if (script.kind === 'hang') return hold(ex.res);
    if (!(await wait(delayMs, ex.signal, release.signal))) return;
    if (script.kind === 'error') {
      return sendError(ex, script.status, script.message, script.retryDelaySeconds);
    }
    if (script.kind === 'stream-error-event') return sendError(ex, 500);
    if (script.kind === 'blocked') {
      return sendJson(ex.res, 200, blockedResponse(ex, script.blockReason ?? 'SAFETY'));
    }
    const answer = candidateOf(script, () => defaultReplyText(ex.body));
    if (!answer) return sendError(ex, 500);
    sendJson(ex.res, 200, candidateResponse(ex, answer.text, answer.finishReason, answer.text));
  };

  const answerStream = async (
    ex: Exchange,
    script: GeminiScript,
    firstDelayMs: number,
    totalMs: number | undefined,
  ) => {
    if (script.kind === 'hang') return hold(ex.res);
    if (!(await wait(firstDelayMs, ex.signal, release.signal))) return;
    if (script.kind === 'error') {
      return sendError(ex, script.status, script.message, script.retryDelaySeconds);
    }
    const events: unknown[] = [];
    if (script.kind === 'blocked') {
      events.push(blockedResponse(ex, script.blockReason ?? 'SAFETY'));
    } else if (script.kind === 'stream-error-event') {
      for (const piece of splitIntoChunks(script.afterText ?? 'Let me think about that', 3)) {
        events.push(candidateResponse(ex, piece, undefined, undefined));
      }
      events.push(googleErrorBody(500));
    } else {
      const answer = candidateOf(script, () => defaultReplyText(ex.body));
      if (!answer) return sendError(ex, 500);
      if (answer.text === undefined || answer.text === '') {
        events.push(candidateResponse(ex, answer.text, answer.finishReason, answer.text));
      } else {
        const pieces = splitIntoChunks(answer.text, answer.chunks ?? 4);
        pieces.forEach((piece, i) => {
          const last = i === pieces.length - 1;
          events.push(
            candidateResponse(ex, piece, last ? answer.finishReason : undefined, answer.text),
          );
        });
      }
    }
    if (ex.res.destroyed) return;
    ex.res.writeHead(200, { 'content-type': 'text/event-stream' });
    const gapMs =
      totalMs !== undefined && events.length > 1
        ? Math.max(0, (totalMs - firstDelayMs) / (events.length - 1))
        : chunkDelayMs;
    for (const [i, event] of events.entries()) {
      if (i > 0 && !(await wait(gapMs, ex.signal, release.signal))) return;
      // Paused: the chunks after the first wait until the streams are resumed or released.
      if (i > 0 && pause && !(await wait(Infinity, ex.signal, pause.signal))) return;
      if (ex.res.destroyed) return;
      ex.res.write(`data: ${JSON.stringify(event)}\r\n\r\n`);
    }
    ex.res.end();
  };

  const extractionAnswer = (body: GeminiRequestBody): string => {
    const contents = Array.isArray(body.contents) ? body.contents : [];
    const userPrompt = contents.filter(isUserRole).map(partsText).join('\n');
    const memory = extractUserStatements(userPrompt).map((text, i) => ({
      id: String(i),
      text,
      attributed_to: 'user',
    }));
    return JSON.stringify({ memory });
  };

  const takeFailure = (kind: GeminiRecordedRequest['kind']) => {
    const index = failures.findIndex((f) => f.appliesTo === 'all' || kind === 'chat');
    if (index === -1) return undefined;
    return failures.splice(index, 1)[0];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const route = routePattern.exec(url.pathname);
    const model = route?.[2] ?? '';
    const action = route?.[3] ?? '';
    if (!route || !knownActions.has(action) || method !== 'POST') {
      violations.push(`unknown route: ${method} ${url.pathname}${url.search}`);
      sendJson(res, 404, googleErrorBody(404, `Method not found: ${method} ${url.pathname}`));
      return;
    }
    if (action === 'streamGenerateContent' && url.searchParams.get('alt') !== 'sse') {
      violations.push(`streamGenerateContent without ?alt=sse: ${url.pathname}${url.search}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      violations.push(`invalid JSON body on ${action}: ${raw.slice(0, 200)}`);
      sendJson(res, 400, googleErrorBody(400, `Invalid JSON payload received.`));
      return;
    }
    const body: GeminiRequestBody =
      typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as GeminiRequestBody)
        : {};
    const kind = classify(action, body);
    const headers = headerMap(req);
    const parts = kind === 'embedding' ? [] : promptParts(body);
    intern(parts);
    let sharedChars = 0;
    for (const earlier of recentPrompts) {
      if (earlier.model === model && earlier.chars > sharedChars) {
        sharedChars = Math.max(sharedChars, sharedPartsPrefix(parts, earlier.parts));
      }
    }
    const sharedTokens = tokens(sharedChars);
    const cachedTokens = sharedTokens >= implicitCacheMinTokens(model) ? sharedTokens : 0;
    const thinkingConfig = body.generationConfig?.thinkingConfig;
    requests.push({
      method,
      path: url.pathname + url.search,
      model,
      action,
      headers,
      body,
      at: Date.now(),
      kind,
      ...(kind === 'embedding'
        ? {}
        : {
            ...(thinkingConfig === undefined ? {} : { thinkingConfig }),
            sharedPrefix: { chars: sharedChars, tokens: sharedTokens },
            cachedTokens,
          }),
    });

    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const ex: Exchange = {
      res,
      signal: AbortSignal.any([controller.signal, closing.signal]),
      body,
      model,
      responseId: `fake-${String(++responseCounter).padStart(6, '0')}`,
      cachedTokens,
    };

    const givenKey = headers['x-goog-api-key'] ?? url.searchParams.get('key') ?? undefined;
    if (givenKey !== apiKey) {
      const error = googleErrorBody(400, invalidKeyMessage);
      error.error.details = [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'API_KEY_INVALID',
          domain: 'googleapis.com',
          metadata: { service: 'generativelanguage.googleapis.com' },
        },
        {
          '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
          locale: 'en-US',
          message: invalidKeyMessage,
        },
      ];
      sendJson(res, 400, error);
      return;
    }
    const problem =
      kind === 'embedding' ? validateEmbed(body, model) : validateGenerate(body, model);
    if (problem) {
      violations.push(`${action} rejected: ${problem.trim()}`);
      sendJson(res, 400, googleErrorBody(400, problem));
      return;
    }

    if (kind !== 'embedding' && requestsPerMinute !== undefined) {
      const now = Date.now();
      const starts = (recentStarts.get(model) ?? []).filter((t) => now - t < 60_000);
      recentStarts.set(model, starts);
      if (starts.length >= requestsPerMinute) {
        overLimit++;
        const oldest = starts[0] ?? now;
        return sendError(ex, 429, undefined, Math.ceil((60_000 - (now - oldest)) / 1000));
      }
      starts.push(now);
    }
    if (kind !== 'embedding') {
      // Served, so its prompt is one a later request can find cached.
      remember(model, parts);
    }
    const stream = action === 'streamGenerateContent';
    const failure = takeFailure(kind);
    if (kind === 'embedding') {
      if (!(await wait(latency.embeddingMs ?? 0, ex.signal, release.signal))) return;
      if (failure) return sendError(ex, failure.status, undefined, failure.retryDelaySeconds);
      const embeddings = (body.requests ?? []).map((request) => ({
        values: embedText(
          (request.content?.parts ?? []).map((p) => p.text ?? '').join(' '),
          request.outputDimensionality ?? defaultDimensions,
        ),
      }));
      return sendJson(res, 200, { embeddings });
    }

    let script: GeminiScript;
    let firstDelayMs: number;
    let totalMs: number | undefined;
    if (failure) {
      script = { kind: 'error', status: failure.status };
      if (failure.retryDelaySeconds !== undefined) {
        script.retryDelaySeconds = failure.retryDelaySeconds;
      }
    } else if (kind === 'memory-extraction') {
      script = { kind: 'text', text: extractionAnswer(body), chunks: 1 };
    } else {
      script =
        scripts.shift() ??
        responder({ body, lastUserText: lastUserTextOf(body), systemText: systemTextOf(body) });
    }
    if (kind === 'memory-extraction') {
      firstDelayMs = latency.extractionMs ?? 0;
    } else {
      firstDelayMs = latency.timeToFirstTokenMs ?? 0;
      totalMs = latency.totalMs;
    }
    if (stream) return answerStream(ex, script, firstDelayMs, totalMs);
    return answerUnary(ex, script, Math.max(firstDelayMs, totalMs ?? 0));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      violations.push(`stand-in failure on ${req.method} ${req.url}: ${String(error)}`);
      if (!res.headersSent) sendJson(res, 500, googleErrorBody(500));
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;

  const describe = () => {
    const recent = requests
      .slice(-5)
      .map((r) => `${r.kind} ${r.action}`)
      .join(', ');
    const broken = violations.length > 0 ? `; violations: ${violations.join(' | ')}` : '';
    return `${requests.length} request(s) so far${recent ? ` (last: ${recent})` : ''}${broken}`;
  };

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    requests,
    violations,
    chatRequests: () => requests.filter((r) => r.kind === 'chat'),
    script: (...answers) => {
      scripts.push(...answers);
    },
    setResponder: (fn) => {
      responder = fn;
    },
    setLatency: (next) => {
      Object.assign(latency, next);
    },
    pauseStreams: () => {
      pause ??= new AbortController();
    },
    resumeStreams: () => {
      pause?.abort();
      pause = undefined;
    },
    releaseAll: () => {
      release.abort();
      release = new AbortController();
      pause?.abort();
      pause = undefined;
    },
    setRequestsPerMinute: (limit) => {
      requestsPerMinute = limit;
      recentStarts.clear();
    },
    overLimit: () => overLimit,
    failNext: (count, status, failOptions = {}) => {
      for (let i = 0; i < count; i++) {
        failures.push({
          status,
          appliesTo: failOptions.appliesTo ?? 'chat',
          ...(failOptions.retryDelaySeconds !== undefined
            ? { retryDelaySeconds: failOptions.retryDelaySeconds }
            : {}),
        });
      }
    },
    waitFor: async <T>(predicate: () => T | undefined | false, timeoutMs = 5000): Promise<T> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = predicate();
        if (value !== undefined && value !== false && value !== null) return value;
        if (Date.now() >= deadline) {
          throw new Error(
            `fake Gemini: condition not met within ${timeoutMs} ms: ${String(predicate)} — ${describe()}`,
          );
        }
        await sleep(5);
      }
    },
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        for (const res of held) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
