import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A Discord REST request as the stand-in recorded it, without headers or body. */
export interface CompactDiscordRequest {
  method: string;
  path: string;
  at: number;
  status: number;
  /** It set a message's text (an edit that only adds buttons does not). */
  setsContent: boolean;
}

/** A Gemini request as the stand-in recorded it, reduced to what the benchmark reads. */
export interface CompactGeminiRequest {
  kind: 'chat' | 'memory-extraction' | 'embedding';
  action: string;
  model: string;
  at: number;
  lastUserText: string | undefined;
  promptChars: number;
  /** Generate requests: `generationConfig.thinkingConfig`'s level or budget, when sent. */
  thinkingLevel?: string;
  thinkingBudget?: number;
  /** Generate requests: the prompt prefix shared with an earlier request to the same model. */
  sharedPrefixChars?: number;
  sharedPrefixTokens?: number;
  /** Generate requests: the cachedContentTokenCount the stand-in reported (0 without a hit). */
  cachedTokens?: number;
}

/** A memory-extraction call mem0 made at the Gemini stand-in, with the text it was asked about. */
export interface ExtractionRequest {
  at: number;
  /** Every part of the request's contents: the exchanges to remember, as mem0 quoted them. */
  text: string;
}

/** A message the bot created on Discord, as it reads now (edits applied). */
export interface BotMessage {
  channelId: string;
  content: string;
}

/** One DM the Discord stand-in delivered to the bot. */
export interface SentDm {
  channelId: string;
  messageId: string;
  at: number;
}

/**
 * The Discord, Gemini and mem0 Platform stand-ins in a process of their own (`npm run standins`),
 * so that their work (spec validation, SSE pacing) is not charged to the bot being measured.
 */
export interface StandInsProcess {
  /** Settings that point the bot at the stand-ins (tokens, keys and base URLs). */
  env: Record<string, string>;
  sendDms(
    dms: ReadonlyArray<{ userId: string; content: string }>,
    spacingMs: number,
  ): Promise<SentDm[]>;
  /** How many channels have at least one message from the bot. */
  answeredChannels(): Promise<number>;
  discordRequests(): Promise<CompactDiscordRequest[]>;
  /** Resolves once every one of `channels` has a reply and Discord saw no request for `quietMs`. */
  waitUntilAnsweredAndQuiet(channels: number, quietMs: number, timeoutMs: number): Promise<void>;
  geminiRequests(): Promise<CompactGeminiRequest[]>;
  /** Every memory-extraction call so far, oldest first. */
  memoryExtractions(): Promise<ExtractionRequest[]>;
  /** Every message the bot created, in every channel. */
  botMessages(): Promise<BotMessage[]>;
  /** Gemini's per-model quota at the stand-in; undefined removes it. */
  setGeminiRequestsPerMinute(requestsPerMinute: number | undefined): Promise<void>;
  /** Generation calls the stand-in refused for being over its quota. */
  geminiOverLimit(): Promise<number>;
  /** Gemini's time to first token and to the full answer, and every mem0 call's latency. */
  injectLatency(latency: {
    ttftMs: number;
    totalMs: number;
    mem0Ms: number;
    /** Each Gemini embedding request (default 0). */
    embeddingMs?: number;
  }): Promise<void>;
  violations(): Promise<string[]>;
  close(): Promise<void>;
}

/** Starts `test/standins/cli.ts` as a child process and returns a client of its control API. */
export async function startStandInsProcess(): Promise<StandInsProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/standins/cli.ts'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`stand-ins exited with ${code}: ${stderr}`)));
  });
  const started = JSON.parse(first) as { control: string; env: Record<string, string> };

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${started.control}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as T;
    if (!response.ok) throw new Error(`stand-in control ${path}: ${JSON.stringify(json)}`);
    return json;
  }

  return {
    env: started.env,
    sendDms: (dms, spacingMs) => call('POST', '/discord/dms', { dms, spacingMs }),
    answeredChannels: () => call('GET', '/discord/answered'),
    discordRequests: () => call('GET', '/discord/requests'),
    async waitUntilAnsweredAndQuiet(channels, quietMs, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let count = -1;
      let changedAt = Date.now();
      for (;;) {
        const answered = await call<number>('GET', '/discord/answered');
        const now = await call<number>('GET', '/discord/request-count');
        if (now !== count) {
          count = now;
          changedAt = Date.now();
        }
        if (answered >= channels && Date.now() - changedAt >= quietMs) return;
        if (Date.now() > deadline) {
          throw new Error(`timed out: ${answered} of ${channels} channels answered`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    geminiRequests: () => call('GET', '/gemini/requests?compact'),
    memoryExtractions: () => call('GET', '/gemini/extractions'),
    async botMessages() {
      const messages = await call<BotMessage[]>('GET', '/discord/messages');
      return messages.map(({ channelId, content }) => ({ channelId, content }));
    },
    setGeminiRequestsPerMinute: (requestsPerMinute) =>
      call('POST', '/gemini/limit', { requestsPerMinute }),
    geminiOverLimit: () => call('GET', '/gemini/over-limit'),
    async injectLatency({ ttftMs, totalMs, mem0Ms, embeddingMs = 0 }) {
      await call('POST', '/gemini/latency', { timeToFirstTokenMs: ttftMs, totalMs, embeddingMs });
      await call('POST', '/mem0/latency', { ms: mem0Ms });
    },
    violations: () => call('GET', '/violations'),
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
