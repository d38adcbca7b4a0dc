import type { ModelProvider } from '../api/integrations-api.js';

export interface ModelOption {
  value: string;
  label: string;
}

export interface ModelGroup {
  label: string;
  /** Not usable now (no credential or base URL): shown, but not offered for picking. */
  disabled: boolean;
  options: ModelOption[];
}

/** Tier names of a workflow's `settings.models.tiers` with what each maps to (first model + fallbacks). */
export type Tiers = Record<string, string | readonly string[]>;

const tierModels = (t: string | readonly string[]): readonly string[] => (typeof t === 'string' ? [t] : t);

/**
 * Picker groups: the workflow's tiers, then each provider's models (configured providers first;
 * the scripted model labelled as such). Models listed as `provider:model`.
 */
export function modelGroups(providers: readonly ModelProvider[], tiers: Tiers = {}): ModelGroup[] {
  const groups: ModelGroup[] = [];
  const tierNames = Object.keys(tiers).sort();
  if (tierNames.length > 0) {
    groups.push({
      label: 'Tiers (workflow settings)',
      disabled: false,
      options: tierNames.map((name) => ({
        value: `tier:${name}`,
        label: `tier:${name} → ${tierModels(tiers[name] ?? []).join(' → ')}`,
      })),
    });
  }
  const ordered = [...providers].sort((a, b) => Number(b.configured) - Number(a.configured));
  for (const p of ordered) {
    const names = new Set<string>(p.suggested);
    if (Array.isArray(p.models)) for (const m of p.models) names.add(m.includes(':') ? m : `${p.provider}:${m}`);
    if (names.size === 0) names.add(`${p.provider}:`);
    const scripted = p.kind === 'scripted';
    const note = scripted
      ? ' (scripted: offline, deterministic replies)'
      : !p.configured
        ? ` (not configured${p.credential?.required ? `: set ${p.credential.name}` : ''})`
        : '';
    groups.push({
      label: `${p.provider}${note}`,
      disabled: !p.configured,
      options: [...names]
        .filter((n) => !n.endsWith(':'))
        .map((n) => ({ value: n, label: scripted ? `${n} — scripted` : n })),
    });
  }
  return groups;
}

export interface ModelInfo {
  tone: 'info' | 'warning';
  text: string;
}

/** A line about the chosen model: scripted, a tier's mapping, an unknown tier or provider, a provider without credentials. */
export function describeModel(
  value: string,
  providers: readonly ModelProvider[] | undefined,
  tiers: Tiers = {},
): ModelInfo | undefined {
  if (value === '') return undefined;
  const colon = value.indexOf(':');
  if (colon <= 0)
    return { tone: 'warning', text: 'Write a model as provider:model (e.g. openai:gpt-4o-mini) or tier:<name>.' };
  const provider = value.slice(0, colon);
  if (provider === 'tier') {
    const name = value.slice(colon + 1);
    const t = tiers[name];
    if (t === undefined)
      return { tone: 'warning', text: `No tier "${name}" in the workflow settings (Model routing → tiers).` };
    return { tone: 'info', text: `Tier ${name}: ${tierModels(t).join(', then ')}` };
  }
  if (!providers) return undefined;
  const p = providers.find((x) => x.provider === provider);
  if (!p)
    return {
      tone: 'warning',
      text: `The engine has no provider "${provider}" (known: ${providers.map((x) => x.provider).join(', ') || 'none'}).`,
    };
  if (p.kind === 'scripted')
    return {
      tone: 'info',
      text: 'Scripted model: deterministic replies from the workflow’s script, offline — not a real LLM.',
    };
  if (!p.configured)
    return {
      tone: 'warning',
      text: `Provider ${provider} is not configured${p.credential?.required ? ` (set ${p.credential.name})` : ''}; runs using it will fail.`,
    };
  return {
    tone: 'info',
    text: `${provider}${p.baseURL ? ` at ${p.baseURL}` : ''}${p.streaming ? ' · streams' : ''}${p.tools ? ' · tools' : ''}`,
  };
}

/** Whether a value is one of the picker's options (else it is shown as free text). */
export function isListed(groups: readonly ModelGroup[], value: string): boolean {
  return groups.some((g) => g.options.some((o) => o.value === value));
}
