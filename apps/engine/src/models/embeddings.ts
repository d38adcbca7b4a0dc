import { Embeddings } from '@langchain/core/embeddings';
import { OllamaEmbeddings } from '@langchain/ollama';
import { OpenAIEmbeddings } from '@langchain/openai';
import { FlowError } from '@flowcraft/schema';
import { loadCredentials, type Credentials, type Env } from './credentials.js';
import { baseUrlOf, providerDefs } from './providers.js';
import { SCRIPTED_EMBEDDING_DIMENSIONS, ScriptedEmbeddings } from './scripted-embeddings.js';
import { splitSpec } from './spec.js';
import type { SecretStore } from '../secrets/secret-store.js';

/** Turns `provider:model` into a LangChain embedder (the chat models' providers and credentials). */
export type EmbeddingsFactory = (spec: string) => Promise<Embeddings>;

/**
 * Embedders through the same providers as chat models: `scripted:<name>` (offline, deterministic; 256
 * dimensions or `-<n>`), `openai:<model>` (e.g. `text-embedding-3-small`; `OPENAI_BASE_URL` for a
 * compatible server), a named OpenAI-compatible endpoint from `FLOWCRAFT_OPENAI_COMPATIBLE`, and
 * `ollama:<model>` (e.g. `nomic-embed-text`). Keys come from the secret store, then the environment,
 * read per call, as for chat models. Client retries are off; errors are `model_error`.
 */
export function createEmbeddingsFactory(
  env: Env,
  secrets?: SecretStore,
  fetch: typeof globalThis.fetch = (input, init) => globalThis.fetch(input, init),
): EmbeddingsFactory {
  return async (spec) => createEmbeddings(spec, env, await loadCredentials(env, secrets), fetch);
}

export function createEmbeddings(
  spec: string,
  env: Env,
  creds: Credentials,
  fetch: typeof globalThis.fetch,
): Embeddings {
  const { provider, model } = splitSpec(spec);
  if (model === '')
    throw new FlowError('invalid_input', `Embedding model "${spec}" must be written as provider:model.`);
  if (provider === 'scripted') {
    const dims = /-(\d{1,5})$/.exec(model)?.[1];
    const n = dims === undefined ? SCRIPTED_EMBEDDING_DIMENSIONS : Number(dims);
    if (n < 2 || n > 16_000) throw new FlowError('invalid_input', `Scripted embedder dimensions must be 2–16000.`);
    return new ScriptedEmbeddings(n);
  }
  const def = providerDefs(env).find((d) => d.name === provider);
  if (def === undefined || def.kind === 'anthropic')
    throw new FlowError(
      'invalid_input',
      `No embedding provider "${provider}" (use scripted, openai, ollama or an OpenAI-compatible endpoint).`,
    );
  const apiKey = def.keyName ? creds.get(def.keyName) : undefined;
  if (apiKey === undefined && def.keyRequired(creds))
    throw new FlowError('model_error', `Embedding model "${spec}" needs the ${def.keyName} credential.`);
  const baseURL = baseUrlOf(def, creds);
  if (def.kind === 'ollama')
    return new OllamaEmbeddings({
      model,
      baseUrl: baseURL,
      fetch,
      ...(apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {}),
    });
  return new OpenAIEmbeddings({
    model,
    apiKey: apiKey ?? 'not-needed',
    configuration: { baseURL, fetch },
    maxRetries: 0,
  });
}

/** An embedder created on each call through the factory (credentials read fresh, as for runs). */
export class FactoryEmbeddings extends Embeddings {
  constructor(
    private readonly factory: EmbeddingsFactory,
    readonly spec: string,
  ) {
    super({});
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return (await this.factory(this.spec)).embedDocuments(texts);
  }

  async embedQuery(text: string): Promise<number[]> {
    return (await this.factory(this.spec)).embedQuery(text);
  }
}
