import { isBaseMessage } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';

export interface PlainMessage {
  type: string;
  content: unknown;
  id?: string;
  name?: string;
  tool_calls?: unknown[];
  tool_call_id?: string;
}

function messageToPlain(m: BaseMessage): PlainMessage {
  const out: PlainMessage = { type: m.getType(), content: m.content };
  if (m.id) out.id = m.id;
  if (m.name) out.name = m.name;
  if ('tool_calls' in m && Array.isArray(m.tool_calls) && m.tool_calls.length > 0) out.tool_calls = m.tool_calls;
  if ('tool_call_id' in m && typeof m.tool_call_id === 'string') out.tool_call_id = m.tool_call_id;
  return out;
}

/** Make a state value JSON-friendly for traces and output (LangChain messages become small objects). */
export function toPlain(value: unknown, depth = 0): unknown {
  if (depth > 50) return '[too deep]';
  if (isBaseMessage(value)) return messageToPlain(value);
  if (Array.isArray(value)) return value.map((v) => toPlain(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v, depth + 1);
    return out;
  }
  return value;
}

/** Public channels only (private `__…` channels are the engine's). */
export function publicState(values: Record<string, unknown>, pick?: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (k.startsWith('__')) continue;
    if (pick && !pick.includes(k)) continue;
    out[k] = toPlain(v);
  }
  return out;
}
