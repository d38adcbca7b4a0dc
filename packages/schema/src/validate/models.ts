import type { Problem } from '../problem.js';
import type { WorkflowSettings } from '../workflow.js';
import { error } from './problems.js';
import type { JsonPath, NodeInfo } from './types.js';

const TIER = 'tier:';

interface SpecRef {
  path: JsonPath;
  spec: string;
  nodeId?: string;
  /** Who names it, for messages: `Node "Ask" (ask)` or `settings.defaultModel`. */
  owner: string;
}

function refs(infos: readonly NodeInfo[], settings: WorkflowSettings | undefined): SpecRef[] {
  const out: SpecRef[] = [];
  for (const info of infos) {
    for (const field of info.entry?.modelFields ?? []) {
      const value = info.config?.[field];
      if (typeof value !== 'string' || value.trim() === '') continue;
      out.push({
        path: ['nodes', info.index, 'config', field],
        spec: value,
        nodeId: info.node.id,
        owner: `Node ${info.name}`,
      });
    }
  }
  if (settings === undefined) return out;
  out.push({ path: ['settings', 'defaultModel'], spec: settings.defaultModel, owner: 'settings.defaultModel' });
  const routing = settings.models;
  for (const [name, tier] of Object.entries(routing?.tiers ?? {})) {
    const list = Array.isArray(tier) ? tier : [tier];
    list.forEach((spec, i) => {
      const path: JsonPath = Array.isArray(tier)
        ? ['settings', 'models', 'tiers', name, i]
        : ['settings', 'models', 'tiers', name];
      out.push({ path, spec, owner: `Tier "${name}"` });
    });
  }
  for (const [from, list] of Object.entries(routing?.fallbacks ?? {})) {
    out.push({ path: ['settings', 'models', 'fallbacks', from], spec: from, owner: 'settings.models.fallbacks' });
    list.forEach((spec, i) =>
      out.push({ path: ['settings', 'models', 'fallbacks', from, i], spec, owner: `Fallbacks of "${from}"` }),
    );
  }
  return out;
}

/**
 * Every model a document names (node model fields, the default model, tiers, fallbacks) is
 * `provider:model` or `tier:<name>`: a tier the workflow defines, a provider in `providers` (the
 * engine's configured ones, `scripted` always; unchecked when `providers` is not known).
 */
export function checkModels(
  infos: readonly NodeInfo[],
  settings: WorkflowSettings | undefined,
  providers: readonly string[] | undefined,
  out: Problem[],
): void {
  const tiers = Object.keys(settings?.models?.tiers ?? {});
  const known = providers === undefined ? undefined : [...new Set(['scripted', ...providers])];
  for (const r of refs(infos, settings)) {
    const spec = r.spec.trim();
    const at = r.nodeId !== undefined ? { nodeId: r.nodeId } : {};
    if (spec.startsWith(TIER)) {
      const name = spec.slice(TIER.length);
      // Tiers are only known when the document (and so its settings) parsed.
      if (settings !== undefined && !tiers.includes(name)) {
        const hint =
          tiers.length > 0 ? `the workflow's tiers are ${tiers.join(', ')}` : 'define it in settings.models.tiers';
        out.push(error('invalid_model', r.path, `${r.owner} uses unknown model tier "${name}"; ${hint}.`, at));
      }
      continue;
    }
    const i = spec.indexOf(':');
    const provider = i < 0 ? '' : spec.slice(0, i);
    const model = i < 0 ? '' : spec.slice(i + 1);
    if (provider === '' || model.trim() === '' || /\s/.test(provider)) {
      out.push(
        error(
          'invalid_model',
          r.path,
          `${r.owner}: model "${spec}" must be written as provider:model (e.g. openai:gpt-4o-mini) or tier:<name>.`,
          at,
        ),
      );
      continue;
    }
    if (known !== undefined && !known.includes(provider)) {
      out.push(
        error(
          'invalid_model',
          r.path,
          `${r.owner}: unknown model provider "${provider}" in "${spec}"; configured providers: ${known.join(', ')} ` +
            '(name an OpenAI-compatible endpoint in FLOWCRAFT_OPENAI_COMPATIBLE).',
          at,
        ),
      );
    }
  }
}
