import { z } from 'zod';
import type { Channel, WorkflowDocument } from '@flowcraft/schema';

/** One field of the run form, from the start node's `inputs` and the channel it fills. */
export interface RunInputField {
  channel: string;
  label: string;
  description: string | undefined;
  required: boolean;
  type: Channel['type'];
  initial: string;
}

const StartInput = z.object({
  channel: z.string(),
  label: z.string().optional(),
  description: z.string().optional(),
  required: z.boolean().optional(),
});
const StartConfig = z.object({ inputs: z.array(StartInput).default([]) });

/** The run form of a workflow: the channels its start node takes, with their defaults. */
export function runInputFields(doc: WorkflowDocument, startType: (type: string) => boolean): RunInputField[] {
  const start = doc.nodes.find((n) => startType(n.type));
  if (!start) return [];
  const parsed = StartConfig.safeParse(start.config);
  if (!parsed.success) return [];
  return parsed.data.inputs.map((i) => {
    const channel = doc.state[i.channel];
    const type = channel?.type ?? 'string';
    const def = channel?.default;
    return {
      channel: i.channel,
      label: i.label || i.channel,
      description: i.description ?? channel?.description,
      required: i.required ?? true,
      type,
      initial:
        def === undefined ? '' : type === 'string' && typeof def === 'string' ? def : JSON.stringify(def, null, 2),
    };
  });
}

/** Form text → run input value by channel type; an error message when it does not fit. */
export function parseInput(
  field: RunInputField,
  text: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  if (text === '')
    return field.required ? { ok: false, message: `${field.label} is required` } : { ok: true, value: undefined };
  switch (field.type) {
    case 'string':
      return { ok: true, value: text };
    case 'number': {
      const n = Number(text);
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: `${field.label} must be a number` };
    }
    case 'boolean':
      return { ok: true, value: text === 'true' };
    default:
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return { ok: false, message: `${field.label} must be JSON` };
      }
  }
}
