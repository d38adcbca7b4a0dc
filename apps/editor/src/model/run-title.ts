import type { Run } from '../api/schemas.js';

function firstInput(input: unknown): string | undefined {
  if (typeof input === 'string') return input;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return undefined;
  for (const v of Object.values(input)) if (typeof v === 'string' && v.trim() !== '') return v;
  return undefined;
}

/** A run named for a person: workflow, start time and first input (`Support triage · 14:02 · “I was charged…”`). */
export function runTitle(run: Pick<Run, 'createdAt' | 'input'>, workflowName: string, locale?: string): string {
  const d = new Date(run.createdAt);
  const time = Number.isNaN(d.getTime())
    ? ''
    : d.toLocaleString(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const text = firstInput(run.input)?.replace(/\s+/g, ' ').trim();
  const quoted = text ? `“${text.length > 40 ? `${text.slice(0, 39)}…` : text}”` : undefined;
  return [workflowName, time, quoted].filter(Boolean).join(' · ');
}
