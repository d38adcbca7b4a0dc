import type { ModelPrice } from '@flowcraft/schema';
import { splitSpec } from './spec.js';

/** When the built-in prices were last checked against the providers' price pages. */
export const PRICES_AS_OF = '2025-10';

/**
 * List prices in US dollars per million tokens (`cachedInput`: prompt-cache reads; `cacheWrite`:
 * Anthropic cache writes, 5-minute TTL). Dated model names match by prefix
 * (`openai:gpt-4o-mini-2024-07-18` → `openai:gpt-4o-mini`); override per workflow in
 * `settings.models.prices`. Unknown models are unpriced (cost undefined), not free.
 */
export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = {
  'openai:gpt-5': { input: 1.25, cachedInput: 0.125, output: 10 },
  'openai:gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2 },
  'openai:gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4 },
  'openai:gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
  'openai:gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'openai:gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  'openai:gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'openai:gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  'openai:o3': { input: 2, cachedInput: 0.5, output: 8 },
  'openai:o3-mini': { input: 1.1, cachedInput: 0.55, output: 4.4 },
  'openai:o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4 },
  'anthropic:claude-opus-4-1': { input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75 },
  'anthropic:claude-opus-4': { input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75 },
  'anthropic:claude-sonnet-4-5': { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 },
  'anthropic:claude-sonnet-4': { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 },
  'anthropic:claude-3-7-sonnet': { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 },
  'anthropic:claude-haiku-4-5': { input: 1, cachedInput: 0.1, cacheWrite: 1.25, output: 5 },
  'anthropic:claude-3-5-haiku': { input: 0.8, cachedInput: 0.08, cacheWrite: 1, output: 4 },
  'anthropic:claude-3-haiku': { input: 0.25, cachedInput: 0.03, cacheWrite: 0.3, output: 1.25 },
  // Local and offline models cost nothing per token.
  'ollama:*': { input: 0, output: 0 },
  'scripted:*': { input: 0, output: 0 },
};

export type PriceTable = Readonly<Record<string, ModelPrice>>;

export interface PriceMatch {
  /** The table key that matched, e.g. `openai:gpt-4o-mini` or `ollama:*`. */
  key: string;
  price: ModelPrice;
  source: 'override' | 'default';
}

function lookup(table: PriceTable, spec: string): string | undefined {
  if (table[spec] !== undefined) return spec;
  const { provider } = splitSpec(spec);
  // Longest key that is a prefix ending at a boundary (`-`, `@`, `:`, `.`), e.g. dated versions.
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (key.endsWith(':*') || !spec.startsWith(key)) continue;
    if (!/^[-@:._]/.test(spec.slice(key.length))) continue;
    if (best === undefined || key.length > best.length) best = key;
  }
  if (best !== undefined) return best;
  return table[`${provider}:*`] !== undefined ? `${provider}:*` : undefined;
}

/** Price of `spec` (a concrete `provider:model`): overrides first, then the built-in table. */
export function priceOf(spec: string, overrides: PriceTable = {}): PriceMatch | undefined {
  const s = spec.trim();
  const o = lookup(overrides, s);
  if (o !== undefined) return { key: o, price: overrides[o]!, source: 'override' };
  const d = lookup(DEFAULT_PRICES, s);
  return d === undefined ? undefined : { key: d, price: DEFAULT_PRICES[d]!, source: 'default' };
}

/** Token counts of one call; `input` includes `cached` and `cacheWrite` (LangChain's usage_metadata convention). */
export interface Usage {
  input: number;
  output: number;
  cached?: number;
  cacheWrite?: number;
}

export interface Cost {
  /** US dollars; undefined when the model has no price. */
  usd: number | undefined;
  /** Which price was used. */
  price?: PriceMatch;
}

/** Cost of one call in US dollars. Cached reads and cache writes use their own prices when set. */
export function costOf(spec: string, usage: Usage, overrides: PriceTable = {}): Cost {
  const match = priceOf(spec, overrides);
  if (match === undefined) return { usd: undefined };
  const { price } = match;
  const cached = Math.min(usage.cached ?? 0, usage.input);
  const written = Math.min(usage.cacheWrite ?? 0, usage.input - cached);
  const plain = usage.input - cached - written;
  const micro =
    plain * price.input +
    cached * (price.cachedInput ?? price.input) +
    written * (price.cacheWrite ?? price.input) +
    usage.output * price.output;
  // Round to 1e-9 USD so sums stay free of float dust.
  return { usd: Math.round(micro * 1000) / 1e9, price: match };
}
