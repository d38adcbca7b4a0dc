import { ChatOpenAI } from '@langchain/openai';
import { FlowError } from '@flowcraft/schema';

export type Env = Record<string, string | undefined>;

/**
 * A LangChain ChatOpenAI for `openai:<model>`. `OPENAI_BASE_URL` points it at any
 * OpenAI-compatible server (Ollama, vLLM, LM Studio, a test fixture); such servers often need no
 * key, so one is only required for the real OpenAI endpoint.
 */
export function createOpenAIModel(model: string, env: Env, nodeId: string): ChatOpenAI {
  const baseURL = nonEmpty(env['OPENAI_BASE_URL']);
  const apiKey = nonEmpty(env['OPENAI_API_KEY']) ?? (baseURL !== undefined ? 'not-needed' : undefined);
  if (apiKey === undefined) {
    throw new FlowError('model_error', `Model "openai:${model}" needs the OPENAI_API_KEY environment variable (or OPENAI_BASE_URL for an OpenAI-compatible server).`, { nodeId });
  }
  return new ChatOpenAI({
    model,
    apiKey,
    ...(baseURL !== undefined ? { configuration: { baseURL } } : {}),
    // The engine retries model calls itself (with its own classification and budget).
    maxRetries: 0,
    // `streaming` is left unset on purpose: LangGraph's `messages` stream mode makes the model
    // stream through its callbacks anyway, while plain invokes use one JSON response.
    // (`streaming: false` would set `disableStreaming` and hide tokens from LangGraph.)
  });
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}
