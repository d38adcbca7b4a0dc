import { z } from 'zod';
import type { SecretStore } from '../secrets/secret-store.js';
import { createCredentials, type Env } from './credentials.js';
import { DEFAULT_PRICES } from './prices.js';
import { baseUrlOf, providerDefs } from './providers.js';

/** One provider as `GET /v1/models` shows it. Never holds a credential value. */
export const ModelProviderInfo = z.object({
  provider: z.string(),
  kind: z.enum(['scripted', 'openai', 'anthropic', 'ollama']),
  /** Usable now: its credential (or base URL) is set, or it needs none. */
  configured: z.boolean(),
  /** Models it serves: a list, or `any` (the server decides). */
  models: z.union([z.literal('any'), z.array(z.string())]),
  /** Known models for the picker (from the price table or the endpoint config), as `provider:model`. */
  suggested: z.array(z.string()),
  /** Where the key comes from: its name and source (`none` = not set). */
  credential: z
    .object({ name: z.string(), source: z.enum(['env', 'secret', 'none']), required: z.boolean() })
    .optional(),
  /** Base URL without user info, query or fragment. */
  baseURL: z.string().optional(),
  streaming: z.boolean(),
  tools: z.boolean(),
  /** Runs without network (scripted). */
  offline: z.boolean(),
});
export type ModelProviderInfo = z.infer<typeof ModelProviderInfo>;

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}

function suggestedFor(provider: string): string[] {
  return Object.keys(DEFAULT_PRICES).filter((k) => k.startsWith(`${provider}:`) && !k.endsWith(':*'));
}

/**
 * What the engine can call: built-in providers, named OpenAI-compatible endpoints and the
 * scripted model, with the source of each credential. Reads only secret names from `secrets`.
 */
export async function listModels(env: Env, secrets?: SecretStore): Promise<ModelProviderInfo[]> {
  const names = new Set(secrets ? (await secrets.list()).map((s) => s.name) : []);
  // Presence only: a placeholder stands in for every stored value.
  const creds = createCredentials(env, new Map([...names].map((n) => [n, 'stored'])));
  const out: ModelProviderInfo[] = [
    {
      provider: 'scripted',
      kind: 'scripted',
      configured: true,
      models: 'any',
      suggested: ['scripted:default'],
      streaming: true,
      tools: true,
      offline: true,
    },
  ];
  for (const def of providerDefs(env)) {
    const keySource = def.keyName ? creds.source(def.keyName) : undefined;
    const required = def.keyRequired(creds);
    const explicitUrl =
      def.baseURL !== undefined || (def.baseUrlName !== undefined && creds.get(def.baseUrlName) !== undefined);
    const configured = def.kind === 'ollama' ? explicitUrl : required ? keySource !== undefined : true;
    out.push({
      provider: def.name,
      kind: def.kind,
      configured,
      models: def.models ?? 'any',
      suggested: def.models ? def.models.map((m) => `${def.name}:${m}`) : suggestedFor(def.name),
      ...(def.keyName ? { credential: { name: def.keyName, source: keySource ?? 'none', required } } : {}),
      baseURL: safeUrl(baseUrlOf(def, creds)),
      streaming: true,
      tools: true,
      offline: false,
    });
  }
  return out;
}
