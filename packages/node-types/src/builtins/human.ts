import { z } from 'zod';
import { FlowError } from '@flowcraft/schema';
import { defineNodeType } from '../sdk/define-node-type.js';
import { render } from '../sdk/template.js';
import { fieldContext } from '../sdk/expression-context.js';
import { IN, duplicateIds } from './common.js';

export const HumanOption = z.strictObject({
  id: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9_-]+$/),
  label: z.string().default(''),
});

export const humanConfig = z.object({
  /** `approval`: approve / reject / edit. `choice`: pick one option (one branch each). `input`: free value. */
  kind: z.enum(['approval', 'choice', 'input']).default('approval'),
  message: z.string().default('Please review: {{ state.output }}'),
  options: z.array(HumanOption).default([]),
  /** Approval: the channel a reviewer may edit (its value is shown and replaced by an edit). Input: where the answer goes. */
  channel: z.string().optional(),
  /** Channel receiving `{ action, value, comment }` of the answer. */
  decision: z.string().optional(),
});

const InputAnswer = z.strictObject({ value: z.unknown() });

/** The value a run is resumed with. */
export const HumanAnswer = z.union([
  z.object({
    action: z.enum(['approve', 'reject', 'edit']),
    value: z.unknown().optional(),
    comment: z.string().optional(),
  }),
  z.object({ choice: z.string(), comment: z.string().optional() }),
  z.object({ value: z.unknown() }),
]);

export const humanNode = defineNodeType({
  type: 'human',
  version: 1,
  meta: {
    title: 'Human',
    category: 'human',
    description:
      'Pauses the run for a person: approve / reject / edit, pick an option, or type a value; resumes with their answer.',
    icon: 'user',
  },
  control: 'choice',
  pausesRun: true,
  config: humanConfig,
  ui: {
    kind: { widget: 'select', order: 0 },
    message: { widget: 'template', language: 'markdown', label: 'Question' },
    channel: { widget: 'channel' },
    decision: { widget: 'channel', advanced: true },
  },
  ports: {
    inputs: [IN],
    outputs: [
      { id: 'approved', label: 'approved', required: true, multiple: true, when: { field: 'kind', in: ['approval'] } },
      { id: 'rejected', label: 'rejected', required: true, multiple: true, when: { field: 'kind', in: ['approval'] } },
      { id: 'out', label: 'next', multiple: true, when: { field: 'kind', in: ['input'] } },
    ],
    outputsFrom: { field: 'options', idKey: 'id', labelKey: 'label', when: { field: 'kind', in: ['choice'] } },
  },
  check: (c) => [
    ...(c.kind === 'choice' && c.options.length === 0
      ? [{ path: ['options'], message: 'a choice needs at least one option' }]
      : []),
    ...duplicateIds(c.options.map((o) => o.id)).map((i) => ({
      path: ['options', i, 'id'],
      message: `duplicate option id "${c.options[i]?.id}"`,
    })),
  ],
  channels: (c) => ({ reads: [], writes: [...(c.channel ? [c.channel] : []), ...(c.decision ? [c.decision] : [])] }),
  build: ({ config, node, services }) => {
    const at = fieldContext(node, services);
    return {
      async run(state, ctx) {
        const payload = {
          nodeId: node.id,
          kind: config.kind,
          message: await render(config.message, state, at('message')),
          options:
            config.kind === 'choice'
              ? config.options
              : config.kind === 'approval'
                ? [{ id: 'approve' }, { id: 'reject' }, { id: 'edit' }]
                : [],
          ...(config.channel ? { channel: config.channel, value: state[config.channel] } : {}),
        };
        const raw = ctx.interrupt(payload);
        const answer = normalizeAnswer(raw, config.kind);
        if (!answer)
          throw new FlowError('invalid_input', `Unusable answer for human node "${node.id}": ${JSON.stringify(raw)}`, {
            nodeId: node.id,
          });
        const update: Record<string, unknown> = {};
        if (config.decision) update[config.decision] = answer;
        if (config.kind === 'input') {
          if (config.channel) update[config.channel] = answer.value;
          return { update, ports: ['out'] };
        }
        if (config.kind === 'choice') {
          if (!config.options.some((o) => o.id === answer.action)) {
            throw new FlowError(
              'invalid_input',
              `"${answer.action}" is not an option of "${node.id}" (${config.options.map((o) => o.id).join(', ')})`,
              { nodeId: node.id },
            );
          }
          return { update, ports: [answer.action] };
        }
        if (answer.action === 'edit' && config.channel) update[config.channel] = answer.value;
        return { update, ports: [answer.action === 'reject' ? 'rejected' : 'approved'] };
      },
    };
  },
});

interface Normalized {
  action: string;
  value?: unknown;
  comment?: string;
}

/** Accept the structured answer, or shorthands: "approve" / "reject" / an option id / any value for input. */
export function normalizeAnswer(raw: unknown, kind: 'approval' | 'choice' | 'input'): Normalized | undefined {
  if (kind === 'input') {
    const p = InputAnswer.safeParse(raw);
    return { action: 'input', value: p.success ? p.data.value : raw };
  }
  if (typeof raw === 'string')
    return kind === 'approval' && !['approve', 'reject'].includes(raw) ? undefined : { action: raw };
  if (raw === true || raw === false) return kind === 'approval' ? { action: raw ? 'approve' : 'reject' } : undefined;
  const p = HumanAnswer.safeParse(raw);
  if (!p.success) return undefined;
  if ('action' in p.data) return { action: p.data.action, value: p.data.value, comment: p.data.comment };
  if ('choice' in p.data) return { action: p.data.choice, comment: p.data.comment };
  return undefined;
}
