import { FlowError, type ModelRoutingSettings, type ModelRoutingSettingsInput } from '@flowcraft/schema';
import { ModelRoutingSettings as RoutingSchema } from '@flowcraft/schema';
import { TIER_PREFIX } from './spec.js';

export const MAX_CHAIN = 8;

export function routingSettings(input: ModelRoutingSettingsInput | undefined): ModelRoutingSettings {
  return RoutingSchema.parse(input ?? {});
}

/**
 * The ordered models to try for a node's model: `tier:<name>` → the tier's model(s); then every
 * model's fallbacks (transitively, without repeats, at most 8 in all). Tiers may appear in
 * fallback lists. Unknown tiers are a model_error naming the known ones.
 */
export function resolveChain(requested: string, routing: ModelRoutingSettings, nodeId?: string): string[] {
  const expandTier = (spec: string, seen: Set<string>): string[] => {
    const s = spec.trim();
    if (!s.startsWith(TIER_PREFIX)) return [s];
    const name = s.slice(TIER_PREFIX.length);
    const tier = routing.tiers[name];
    if (tier === undefined) {
      const known = Object.keys(routing.tiers);
      throw new FlowError(
        'model_error',
        `Unknown model tier "${name}"${known.length ? `; workflow tiers: ${known.join(', ')}` : '; define it in settings.models.tiers'}.`,
        { nodeId },
      );
    }
    if (seen.has(name)) throw new FlowError('model_error', `Model tier "${name}" refers to itself.`, { nodeId });
    const next = new Set(seen).add(name);
    return (Array.isArray(tier) ? tier : [tier]).flatMap((t) => expandTier(t, next));
  };
  const chain: string[] = [];
  const add = (specs: string[]) => {
    for (const s of specs) if (!chain.includes(s) && chain.length < MAX_CHAIN) chain.push(s);
  };
  add(expandTier(requested, new Set()));
  for (let i = 0; i < chain.length; i++) {
    const fb = routing.fallbacks[chain[i]!];
    if (fb) add(fb.flatMap((f) => expandTier(f, new Set())));
  }
  return chain;
}
