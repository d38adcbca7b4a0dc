import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { FlowError, type ModelRoutingSettingsInput, type ModelScript } from '@flowcraft/schema';
import {
  createScriptedModels,
  type ModelFactory,
  type ModelRequest,
  type ScriptedCall,
} from '@flowcraft/node-types/models';
import { createScopedFetch } from './call-scope.js';
import { createCredentials, type Credentials, type Env } from './credentials.js';
import { createProviderModel, providerDefs, type ProviderDef } from './providers.js';
import { RoutedChatModel, type Candidate } from './routed-chat-model.js';
import { resolveChain, routingSettings } from './routing.js';
import { requireModel, splitSpec } from './spec.js';

export interface ModelFactoryOptions {
  /** Script for `scripted:*` models of this run. */
  script?: ModelScript;
  /** Environment for provider settings and `FLOWCRAFT_*` options; defaults to `process.env`. */
  env?: Env;
  /** Keys and base URLs (secret store, then env); defaults to the environment alone. */
  credentials?: Credentials;
  /** The workflow's `settings.models`: tiers, fallbacks, call timeout, Retry-After limits. */
  routing?: ModelRoutingSettingsInput;
  /** HTTP for provider clients (tests); every call still gets per-call abort and header capture. */
  fetch?: typeof globalThis.fetch;
  /** Wait used for Retry-After (tests inject a recorder). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

export interface EngineModelFactory extends ModelFactory {
  /** Calls made to scripted models through this factory (real providers are not listed). */
  readonly calls: ScriptedCall[];
}

export interface RoutingModelFactory extends EngineModelFactory {
  /** The models `spec` resolves to (tier, fallbacks, override applied), in the order tried. */
  chain(spec: string, nodeId?: string): string[];
}

/**
 * Creates chat models for one run from a node's model: `provider:model` or `tier:<name>`.
 *
 * - `scripted:<name>` — the deterministic offline model driven by `script` (returned as is when
 *   it is the whole chain).
 * - `openai:<model>` (`OPENAI_API_KEY`, `OPENAI_BASE_URL` for any compatible server),
 *   `anthropic:<model>` (`ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`), `ollama:<model>`
 *   (`OLLAMA_BASE_URL`), and `<name>:<model>` for endpoints named in `FLOWCRAFT_OPENAI_COMPATIBLE`
 *   — wrapped in a RoutedChatModel (fallbacks, call timeout, Retry-After, scrubbed FlowErrors,
 *   `response_metadata.flowcraft_model`).
 *
 * `FLOWCRAFT_MODEL_OVERRIDE` (e.g. `openai:gpt-4o-mini`) replaces every `scripted:*` model, so
 * the offline examples can run against a real model unedited. Real-provider specs are kept.
 */
export function createModelFactory(opts: ModelFactoryOptions = {}): RoutingModelFactory {
  const env = opts.env ?? process.env;
  const creds = opts.credentials ?? createCredentials(env);
  const routing = routingSettings(opts.routing);
  const scripted = createScriptedModels(opts.script);
  const override = env['FLOWCRAFT_MODEL_OVERRIDE']?.trim() || undefined;
  const defs = new Map<string, ProviderDef>(providerDefs(env).map((d) => [d.name, d]));
  const supported = ['scripted', ...defs.keys()];
  const fetch = createScopedFetch(opts.fetch);
  const providerModels = new Map<string, BaseChatModel>();

  const chainOf = (spec: string, nodeId?: string): string[] => {
    const chain = resolveChain(spec, routing, nodeId).map((s) =>
      override !== undefined && splitSpec(s).provider === 'scripted' ? override : s,
    );
    const unique = [...new Set(chain)];
    for (const s of unique) {
      const { provider } = requireModel(s, supported, nodeId);
      if (provider !== 'scripted' && !defs.has(provider)) {
        throw new FlowError(
          'model_error',
          `Unknown model provider "${provider}" in "${s}"; supported providers: ${supported.join(', ')}.`,
          { nodeId },
        );
      }
    }
    return unique;
  };

  const providerModel = (spec: string, nodeId: string): BaseChatModel => {
    let m = providerModels.get(spec);
    if (m === undefined) {
      const { provider, model } = splitSpec(spec);
      const def = defs.get(provider);
      if (def === undefined) throw new FlowError('model_error', `Unknown model provider "${provider}"`, { nodeId });
      m = createProviderModel(def, model, creds, fetch, nodeId);
      providerModels.set(spec, m);
    }
    return m;
  };

  const candidate = (spec: string, req: ModelRequest): Candidate => {
    if (splitSpec(spec).provider === 'scripted') {
      let m: BaseChatModel | undefined;
      return { spec, model: () => (m ??= scripted.chat(spec, req)) };
    }
    return { spec, model: () => providerModel(spec, req.nodeId) };
  };

  return {
    calls: scripted.calls,
    chain: chainOf,
    chat(spec, req) {
      const chain = chainOf(spec, req.nodeId);
      const first = chain[0]!;
      if (chain.length === 1 && splitSpec(first).provider === 'scripted') return scripted.chat(first, req);
      const candidates = chain.map((s) => candidate(s, req));
      // Fail now on a misconfigured first model (e.g. a missing key); fallbacks are built when reached.
      candidates[0]!.model();
      return new RoutedChatModel({
        requested: spec.trim(),
        candidates,
        nodeId: req.nodeId,
        callTimeoutMs: routing.callTimeoutMs,
        maxRetryAfterMs: routing.maxRetryAfterMs,
        rateLimitRetries: routing.rateLimitRetries,
        scrubber: () => creds.scrubber(),
        ...(opts.sleep ? { sleep: opts.sleep } : {}),
        ...(opts.now ? { now: opts.now } : {}),
      });
    },
  };
}
