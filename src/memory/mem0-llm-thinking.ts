/**
 * `generationConfig.thinkingConfig` for mem0's Gemini calls: the shape of @google/genai's
 * ThinkingConfig (src/llm/gemini.ts's `geminiThinkingConfig` makes one), kept structural here so
 * that the memory layer does not import the SDK.
 */
export interface Mem0ThinkingConfig {
  thinkingLevel?: string;
  thinkingBudget?: number;
}

type GenerateContent = (params: { config?: Record<string, unknown> }) => Promise<unknown>;

/**
 * The private members of mem0's `GoogleLLM` (mem0ai 3.3.1, `memory.llm` of a `Memory` built with
 * the 'gemini' LLM provider) that {@link sendThinkingConfigWithMem0Calls} relies on. mem0 calls
 * `this.google.models.generateContent({ contents, model, config })` with no thinking config, and
 * its LLM config has no field for one, so wrapping that call is the only seam.
 */
interface GoogleLlmSeam {
  /** Creates `google`, the @google/genai client, on first call. */
  ensureClient(): Promise<void>;
  google?: { models?: { generateContent?: GenerateContent } };
}

function seamError(missing: string): Error {
  const error = new Error(
    `mem0ai's Gemini LLM no longer has ${missing}, which the bot uses to send its thinking ` +
      'level with memory extraction (mem0ai was probably upgraded). Check ' +
      'src/memory/mem0-llm-thinking.ts against the new version.',
  );
  // Logs keep codes, not messages: this one names the cause in a log line.
  return Object.assign(error, { code: 'MEM0_SEAM_CHANGED' });
}

/**
 * Makes every Gemini call of mem0's `Memory` (memory extraction, and its chat helper) carry
 * `thinkingConfig` in its config, replacing any mem0 sets itself. Call once, before the `Memory`
 * is used; throws an error with code MEM0_SEAM_CHANGED when mem0's internals no longer match.
 */
export async function sendThinkingConfigWithMem0Calls(
  memory: object,
  thinkingConfig: Mem0ThinkingConfig,
): Promise<void> {
  const llm = (memory as { llm?: Partial<GoogleLlmSeam> }).llm;
  if (llm === undefined || typeof llm.ensureClient !== 'function') {
    throw seamError('an llm with ensureClient()');
  }
  await llm.ensureClient();
  const models = llm.google?.models;
  if (models === undefined || typeof models.generateContent !== 'function') {
    throw seamError('a google client with models.generateContent()');
  }
  const generateContent = models.generateContent.bind(models);
  models.generateContent = (params) =>
    generateContent({ ...params, config: { ...params.config, thinkingConfig } });
}
