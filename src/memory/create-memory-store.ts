import type { Config } from '../config.js';
import { geminiThinkingConfig } from '../llm/gemini.js';
import { createMem0OpenSourceStore } from './mem0-open-source.js';
import { createMem0PlatformStore } from './mem0-platform.js';
import type { MemoryStore } from './memory-store.js';

/**
 * The memory store Config chooses: the mem0 Platform with MEM0_API_KEY, else mem0 open source in
 * this process (on PostgreSQL with DATABASE_URL, else a SQLite file under DATA_DIR), whose model
 * calls (memory extraction) go through `scheduleModelCall`.
 */
export function createMemoryStore(
  config: Config,
  scheduleModelCall: <T>(call: () => Promise<T>) => Promise<T>,
): MemoryStore {
  if (config.memory.backend === 'platform') {
    return createMem0PlatformStore({ apiKey: config.memory.apiKey, host: config.memory.host });
  }
  const llmThinkingConfig = geminiThinkingConfig(config.geminiModel, config.geminiThinking.memory);
  return createMem0OpenSourceStore({
    dataDir: config.memory.dataDir,
    databaseUrl: config.memory.databaseUrl,
    geminiApiKey: config.geminiApiKey,
    llmModel: config.geminiModel,
    embeddingModel: config.geminiEmbeddingModel,
    embeddingDimensions: config.memory.embeddingDimensions,
    scheduleModelCall,
    ...(llmThinkingConfig === undefined ? {} : { llmThinkingConfig }),
  });
}
