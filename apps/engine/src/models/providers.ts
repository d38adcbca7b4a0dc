import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatAnthropic } from '@langchain/anthropic';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';
import { z } from 'zod';
import { FlowError } from '@flowcraft/schema';
import type { Credentials, Env } from './credentials.js';

export type ProviderKind = 'openai' | 'anthropic' | 'ollama';

/** A configured provider: a built-in or a named OpenAI-compatible endpoint. */
export interface ProviderDef {
  name: string;
  kind: ProviderKind;
  /** Credential holding the API key, if the provider takes one. */
  keyName?: string;
  /** Credential holding the base URL (built-ins), or a fixed base URL (named endpoints). */
  baseUrlName?: string;
  baseURL?: string;
  defaultBaseURL: string;
  /** True when calls fail without a key. */
  keyRequired: (creds: Credentials) => boolean;
  /** Models listed for the picker; undefined = any name the server knows. */
  models?: string[];
}

export const BUILTIN_PROVIDERS: readonly ProviderDef[] = [
  {
    name: 'openai',
    kind: 'openai',
    keyName: 'OPENAI_API_KEY',
    baseUrlName: 'OPENAI_BASE_URL',
    defaultBaseURL: 'https://api.openai.com/v1',
    // OpenAI-compatible servers (vLLM, llama.cpp, LM Studio) often need no key.
    keyRequired: (creds) => creds.get('OPENAI_BASE_URL') === undefined,
  },
  {
    name: 'anthropic',
    kind: 'anthropic',
    keyName: 'ANTHROPIC_API_KEY',
    baseUrlName: 'ANTHROPIC_BASE_URL',
    defaultBaseURL: 'https://api.anthropic.com',
    keyRequired: () => true,
  },
  {
    name: 'ollama',
    kind: 'ollama',
    keyName: 'OLLAMA_API_KEY',
    baseUrlName: 'OLLAMA_BASE_URL',
    defaultBaseURL: 'http://127.0.0.1:11434',
    keyRequired: () => false,
  },
];

export const RESERVED_PROVIDER_NAMES = ['scripted', 'tier', ...BUILTIN_PROVIDERS.map((p) => p.name)];

/** `FLOWCRAFT_OPENAI_COMPATIBLE`: named OpenAI-compatible endpoints, used as `<name>:<model>`. */
export const CompatibleEndpoints = z.record(
  z.string(),
  z
    .object({
      baseURL: z.url(),
      /** Credential (secret or env) with the key; defaults to `<NAME>_API_KEY`. */
      keyName: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/)
        .optional(),
      models: z.array(z.string().min(1)).optional(),
    })
    .strict(),
);
export type CompatibleEndpoints = z.infer<typeof CompatibleEndpoints>;

export const COMPATIBLE_ENV = 'FLOWCRAFT_OPENAI_COMPATIBLE';

/** Built-ins plus the endpoints named in `FLOWCRAFT_OPENAI_COMPATIBLE` (JSON). */
export function providerDefs(env: Env): ProviderDef[] {
  const raw = env[COMPATIBLE_ENV]?.trim();
  if (!raw) return [...BUILTIN_PROVIDERS];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new FlowError(
      'invalid_request',
      `${COMPATIBLE_ENV} must be JSON, e.g. {"vllm":{"baseURL":"http://localhost:8000/v1"}}`,
    );
  }
  const parsed = CompatibleEndpoints.safeParse(json);
  if (!parsed.success) {
    throw new FlowError(
      'invalid_request',
      `${COMPATIBLE_ENV}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  for (const name of Object.keys(parsed.data)) {
    if (!/^[a-z][a-z0-9-]{0,39}$/.test(name))
      throw new FlowError(
        'invalid_request',
        `${COMPATIBLE_ENV}: endpoint name "${name}" must be lower-case letters, digits and -.`,
      );
    if (RESERVED_PROVIDER_NAMES.includes(name))
      throw new FlowError('invalid_request', `${COMPATIBLE_ENV}: "${name}" is a reserved provider name.`);
  }
  const named = Object.entries(parsed.data).map(
    ([name, e]): ProviderDef => ({
      name,
      kind: 'openai',
      keyName: e.keyName ?? `${name.toUpperCase().replace(/-/g, '_')}_API_KEY`,
      baseURL: e.baseURL,
      defaultBaseURL: e.baseURL,
      keyRequired: () => false,
      ...(e.models ? { models: e.models } : {}),
    }),
  );
  return [...BUILTIN_PROVIDERS, ...named];
}

export function baseUrlOf(def: ProviderDef, creds: Credentials): string {
  return def.baseURL ?? (def.baseUrlName ? creds.get(def.baseUrlName) : undefined) ?? def.defaultBaseURL;
}

/**
 * A LangChain chat model for one provider and model. Every value is passed explicitly (the
 * clients would otherwise read process.env), client-side retries are off (the router and the
 * engine retry with their own classification), and HTTP goes through `fetch`.
 */
export function createProviderModel(
  def: ProviderDef,
  model: string,
  creds: Credentials,
  fetch: typeof globalThis.fetch,
  nodeId?: string,
): BaseChatModel {
  const apiKey = def.keyName ? creds.get(def.keyName) : undefined;
  if (apiKey === undefined && def.keyRequired(creds)) {
    const hint = def.name === 'openai' ? ' (or OPENAI_BASE_URL for an OpenAI-compatible server)' : '';
    throw new FlowError(
      'model_error',
      `Model "${def.name}:${model}" needs the ${def.keyName} credential${hint}, as an environment variable or a stored secret.`,
      { nodeId },
    );
  }
  const baseURL = baseUrlOf(def, creds);
  switch (def.kind) {
    case 'openai':
      return new ChatOpenAI({
        model,
        apiKey: apiKey ?? 'not-needed',
        configuration: { baseURL, fetch },
        maxRetries: 0,
        // `streaming` stays unset: LangGraph's messages mode and our token handler make the model
        // stream through callbacks; `streaming: false` would set disableStreaming.
      });
    case 'anthropic':
      return new ChatAnthropic({ model, apiKey, anthropicApiUrl: baseURL, clientOptions: { fetch }, maxRetries: 0 });
    case 'ollama':
      return new ChatOllama({
        model,
        baseUrl: baseURL,
        fetch,
        ...(apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {}),
      });
  }
}
