import { z } from 'zod';
import { defineNodeType } from '../sdk/define-node-type.js';
import { evaluate, expressionError, renderValue, templateError } from '../sdk/template.js';
import { fieldContext } from '../sdk/expression-context.js';
import { ERROR_OUT, IN, OUT, policyFields } from './common.js';

export const Assignment = z.strictObject({
  channel: z.string().min(1),
  /** `template`: text with {{ }} placeholders (a lone placeholder keeps its value type); `expression`: a JSONata expression. */
  mode: z.enum(['template', 'expression']).default('template'),
  value: z.string(),
});

export const transformNode = defineNodeType({
  type: 'transform',
  version: 1,
  meta: {
    title: 'Transform',
    category: 'data',
    description: 'Sets channels from templates or JSONata expressions over the state; no model call.',
    icon: 'wand',
  },
  control: 'all',
  config: z.object({ assignments: z.array(Assignment).default([]), ...policyFields }),
  ui: {
    assignments: {
      label: 'Assignments',
      help: 'Each sets one channel. Templates use {{ state.x }}; expressions are JSONata, e.g. $count(state.items).',
    },
  },
  ports: { inputs: [IN], outputs: [OUT, ERROR_OUT] },
  check: (c) =>
    c.assignments.flatMap((a, i) => {
      const e = a.mode === 'expression' ? expressionError(a.value) : templateError(a.value);
      return e ? [{ path: ['assignments', i, 'value'], message: `invalid ${a.mode}: ${e}` }] : [];
    }),
  channels: (c) => ({ reads: [], writes: [...new Set(c.assignments.map((a) => a.channel))] }),
  build: ({ config, node, services }) => {
    const at = fieldContext(node, services);
    return {
      async run(state) {
        const update: Record<string, unknown> = {};
        // Assignments see the values set before them in the same node.
        const view = { ...state };
        for (const [i, a] of config.assignments.entries()) {
          const where = at(`assignments.${i}.value`);
          const value =
            a.mode === 'expression' ? await evaluate(a.value, view, where) : await renderValue(a.value, view, where);
          update[a.channel] = value;
          view[a.channel] = value;
        }
        return { update };
      },
    };
  },
});
