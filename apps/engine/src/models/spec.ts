import { FlowError } from '@flowcraft/schema';

export const TIER_PREFIX = 'tier:';

/** `provider:model`; only the first colon separates (`ollama:llama3:8b` → `ollama`, `llama3:8b`). */
export function splitSpec(spec: string): { provider: string; model: string } {
  const s = spec.trim();
  const i = s.indexOf(':');
  return i < 0 ? { provider: s, model: '' } : { provider: s.slice(0, i), model: s.slice(i + 1) };
}

export function requireModel(
  spec: string,
  providers: readonly string[],
  nodeId?: string,
): { provider: string; model: string } {
  const parts = splitSpec(spec);
  if (parts.model === '') {
    throw new FlowError(
      'model_error',
      `Model "${spec}" must be written as provider:model or tier:<name> (providers: ${providers.join(', ')}).`,
      { nodeId },
    );
  }
  return parts;
}
