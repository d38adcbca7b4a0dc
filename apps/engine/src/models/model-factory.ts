import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { FlowError, type ModelScript } from '@flowcraft/schema';
import { createScriptedModels, type ModelFactory, type ModelRequest, type ScriptedCall } from '@flowcraft/node-types/models';
import { createOpenAIModel, type Env } from './openai-model.js';

export const SUPPORTED_PROVIDERS = ['scripted', 'openai'] as const;

export interface ModelFactoryOptions {
  /** Script for `scripted:*` models of this run. */
  script?: ModelScript;
  /** Environment to read provider settings from; defaults to `process.env`. */
  env?: Env;
}

export interface EngineModelFactory extends ModelFactory {
  /** Calls made to scripted models through this factory (real providers are not listed). */
  readonly calls: ScriptedCall[];
}

function splitSpec(spec: string): { provider: string; model: string } {
  const i = spec.indexOf(':');
  // Only the first colon separates: model names may contain more (e.g. `ollama:llama3:8b`).
  return i < 0 ? { provider: spec, model: '' } : { provider: spec.slice(0, i), model: spec.slice(i + 1) };
}

/**
 * Creates chat models from `provider:model` specs for one run.
 *
 * - `scripted:<name>` — the built-in deterministic model driven by `script`.
 * - `openai:<model>` — ChatOpenAI; `OPENAI_API_KEY`, and `OPENAI_BASE_URL` for compatible servers.
 *
 * `FLOWCRAFT_MODEL_OVERRIDE` (optional, e.g. `openai:gpt-4o-mini`): when set, every `scripted:*`
 * spec is replaced by it, so the offline examples can be run against a real model without
 * editing them. Real-provider specs are never replaced.
 */
export function createModelFactory(opts: ModelFactoryOptions = {}): EngineModelFactory {
  const env = opts.env ?? process.env;
  const scripted = createScriptedModels(opts.script);
  const override = env['FLOWCRAFT_MODEL_OVERRIDE']?.trim() || undefined;

  const create = (spec: string, req: ModelRequest): BaseChatModel => {
    const { provider, model } = splitSpec(spec.trim());
    if (provider === 'scripted') return scripted.chat(spec.trim(), req);
    if (model === '') {
      throw new FlowError('model_error', `Model "${spec}" must be written as provider:model (providers: ${SUPPORTED_PROVIDERS.join(', ')}).`, { nodeId: req.nodeId });
    }
    if (provider === 'openai') return createOpenAIModel(model, env, req.nodeId);
    throw new FlowError('model_error', `Unknown model provider "${provider}" in "${spec}"; supported providers: ${SUPPORTED_PROVIDERS.join(', ')}.`, { nodeId: req.nodeId });
  };

  return {
    calls: scripted.calls,
    chat(spec, req) {
      const isScripted = splitSpec(spec.trim()).provider === 'scripted';
      return create(isScripted && override !== undefined ? override : spec, req);
    },
  };
}
