import type { Problem, TraceEventBody } from '@flowcraft/schema';

const MAX = 600;

export function short(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === undefined) return '';
  return text.length > MAX ? `${text.slice(0, MAX)}… (${text.length} chars)` : text;
}

export function formatProblem(p: Problem): string {
  const where = p.path.length > 0 ? p.path.join('.') : '(document)';
  return `  ${p.severity === 'warning' ? 'warning' : 'error'} [${p.code}] ${where}${p.nodeId ? ` (node ${p.nodeId})` : ''}: ${p.message}`;
}

/** One human-readable line per interesting trace event, or undefined to skip it. */
export function formatEvent(e: TraceEventBody, label: (nodeId: string) => string): string | undefined {
  switch (e.type) {
    case 'node.started':
      return `▶ ${label(e.nodeId)}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`;
    case 'node.finished': {
      const tokens = e.tokens ? `, ${e.tokens.input}+${e.tokens.output} tokens` : '';
      const update =
        e.update && typeof e.update === 'object' && Object.keys(e.update).length > 0 ? ` ${short(e.update)}` : '';
      return `✔ ${label(e.nodeId)} (${e.durationMs.toFixed(1)} ms${tokens})${update}`;
    }
    case 'node.progress':
      return `  · ${label(e.nodeId)} ${e.kind} ${short(e.data)}`;
    case 'node.failed':
      return `✖ ${label(e.nodeId)} attempt ${e.attempt} failed [${e.error.code}] ${e.error.message}${e.willRetry ? ' — retrying' : ''}`;
    default:
      return undefined;
  }
}
