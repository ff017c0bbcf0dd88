import { GoogleGenAI } from '@google/genai';
import { REST, Routes } from 'discord.js';
import { MemoryClient } from 'mem0ai';

/** Where the tutorial's pipeline sends its requests (the stand-ins in the benchmark). */
export interface TutorialPipelineOptions {
  discordApiBase: string;
  discordToken: string;
  geminiBaseUrl: string;
  geminiApiKey: string;
  geminiModel: string;
  mem0Host: string;
  mem0ApiKey: string;
}

/** How long each awaited step of one tutorial-style answer took, and the whole, in ms. */
export interface TutorialTimings {
  addUserMs: number;
  getAllMs: number;
  searchMs: number;
  generateMs: number;
  addAnswerMs: number;
  sendMs: number;
  totalMs: number;
}

/** The tutorial's bot, reduced to what the benchmark drives. */
export interface TutorialPipeline {
  /** Opens the DM channel a user's message would have arrived in; not timed. */
  openDm(userId: string): Promise<string>;
  /** Answers one message; resolves when the reply is on Discord. */
  answer(input: { userId: string; channelId: string; text: string }): Promise<TutorialTimings>;
}

/**
 * The pipeline the tutorial teaches, as a baseline: every step awaited in turn, one non-streaming
 * Gemini call, the reply sent once at the end.
 */
export function createTutorialPipeline(options: TutorialPipelineOptions): TutorialPipeline {
  const memory = new MemoryClient({ apiKey: options.mem0ApiKey, host: options.mem0Host });
  const gemini = new GoogleGenAI({
    apiKey: options.geminiApiKey,
    httpOptions: { baseUrl: options.geminiBaseUrl },
  });
  const rest = new REST({ api: options.discordApiBase }).setToken(options.discordToken);

  async function openDm(userId: string): Promise<string> {
    const channel = (await rest.post(Routes.userChannels(), {
      body: { recipient_id: userId },
    })) as { id: string };
    return channel.id;
  }

  async function answer(input: {
    userId: string;
    channelId: string;
    text: string;
  }): Promise<TutorialTimings> {
    const { userId, channelId, text } = input;
    const started = performance.now();
    let mark = started;
    const lap = (): number => {
      const now = performance.now();
      const ms = now - mark;
      mark = now;
      return ms;
    };
    // On the Platform, add answers PENDING at once; the memory is inferred later.
    await memory.add([{ role: 'user', content: text }], { userId });
    const addUserMs = lap();
    await memory.getAll({ filters: { user_id: userId } });
    const getAllMs = lap();
    const { results } = await memory.search(text, { filters: { user_id: userId } });
    const searchMs = lap();
    const recalled = results.map((m) => `- ${m.memory ?? ''}`).join('\n');
    const response = await gemini.models.generateContent({
      model: options.geminiModel,
      contents: [{ role: 'user', parts: [{ text }] }],
      config: {
        systemInstruction: `You are a supportive companion.\nWhat you remember:\n${recalled}`,
      },
    });
    const generateMs = lap();
    const answer = response.text ?? '';
    await memory.add([{ role: 'assistant', content: answer }], { userId });
    const addAnswerMs = lap();
    await rest.post(Routes.channelMessages(channelId), {
      body: { content: answer.slice(0, 2_000) || '…' },
    });
    const sendMs = lap();
    return {
      addUserMs,
      getAllMs,
      searchMs,
      generateMs,
      addAnswerMs,
      sendMs,
      totalMs: performance.now() - started,
    };
  }

  return { openDm, answer };
}
