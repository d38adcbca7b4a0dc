import type { WorkflowDocument } from '@flowcraft/schema';
import { isRecord } from '../model/json-schema.js';
import type { RunInputField } from '../run/run-inputs.js';

/** How the playground talks to a workflow: the text input a message fills. */
export interface ChatMode {
  channel: string;
  label: string;
}

/** A workflow can chat when its run form has exactly one text input (or one text input is required). */
export function chatMode(fields: readonly RunInputField[]): ChatMode | undefined {
  const text = fields.filter((f) => f.type === 'string');
  const pick =
    text.length === 1
      ? text[0]
      : text.filter((f) => f.required).length === 1
        ? text.find((f) => f.required)
        : undefined;
  return pick ? { channel: pick.channel, label: pick.label } : undefined;
}

/** Text of a stored or streamed message value (LangChain serialized or plain). */
function messageText(m: unknown): string | undefined {
  if (typeof m === 'string') return m;
  if (!isRecord(m)) return undefined;
  const kwargs = isRecord(m.kwargs) ? m.kwargs : m;
  const content = kwargs.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((p) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join('');
  return undefined;
}

/**
 * The answer to show for a finished run: the last text channel of the output other than the inputs,
 * else the last message of a messages channel, else nothing (the raw output is still there).
 */
export function replyText(output: unknown, doc: WorkflowDocument, inputs: readonly string[]): string | undefined {
  if (!isRecord(output)) return typeof output === 'string' ? output : undefined;
  const skip = new Set(inputs);
  let text: string | undefined;
  let message: string | undefined;
  for (const [name, value] of Object.entries(output)) {
    if (skip.has(name)) continue;
    if (doc.state[name]?.type === 'messages' && Array.isArray(value)) message = messageText(value.at(-1)) ?? message;
    else if (typeof value === 'string' && value.trim() !== '') text = value;
  }
  return text ?? message;
}
