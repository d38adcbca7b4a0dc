import type { NodeTypeDescription } from '@flowcraft/schema';

const SHOWN_WIDGETS = new Set(['model', 'select', 'channel', 'template', 'expression', 'number', 'workflow']);

function short(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value.length > 48 ? `${value.slice(0, 47)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const names = value.map((v) =>
      typeof v === 'string'
        ? v
        : v && typeof v === 'object'
          ? (Object.values(v).find((x) => typeof x === 'string') ?? '…')
          : String(v),
    );
    return names.length === 0 ? undefined : short(names.join(', '));
  }
  return undefined;
}

/** Up to `max` "label: value" lines with a node's key settings, from its type's UI hints. */
export function keySettings(
  desc: NodeTypeDescription | undefined,
  config: Record<string, unknown>,
  max = 3,
): { label: string; value: string }[] {
  if (!desc) return [];
  const fields = Object.keys(desc.ui)
    .filter((k) => !desc.ui[k]?.advanced && desc.ui[k]?.widget !== 'hidden')
    .sort((a, b) => (desc.ui[a]?.order ?? 50) - (desc.ui[b]?.order ?? 50));
  const out: { label: string; value: string }[] = [];
  for (const key of fields) {
    const hint = desc.ui[key];
    if (hint?.widget && !SHOWN_WIDGETS.has(hint.widget) && !Array.isArray(config[key])) continue;
    const value = short(config[key]);
    if (value === undefined) continue;
    out.push({ label: hint?.label ?? key, value });
    if (out.length >= max) break;
  }
  return out;
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** US dollars for run views: small amounts with two significant digits ($0.00042), else cents. */
export function formatUsd(usd: number | undefined | null): string {
  if (usd === undefined || usd === null) return '';
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${Number(usd.toPrecision(2))}`;
  return `$${usd.toFixed(usd < 1 ? 3 : 2)}`;
}
