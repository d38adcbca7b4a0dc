import { z } from 'zod';
import { FlowError } from '@flowcraft/schema';
import { defineNodeType } from '../sdk/define-node-type.js';
import { IN, OUT, policyFields } from './common.js';

/** One parent channel copied into one of the child's start inputs. */
export const SubworkflowInput = z.strictObject({
  /** The child's channel (one of its start inputs). */
  to: z.string().min(1),
  /** The parent's channel read. */
  from: z.string().min(1),
});

/** One of the child's end outputs copied back into a parent channel. */
export const SubworkflowOutput = z.strictObject({
  /** The child's channel (one of its end outputs). */
  from: z.string().min(1),
  /** The parent's channel written. */
  to: z.string().min(1),
});

export const subworkflowConfig = z.object({
  /** Id of the saved workflow to call. */
  workflowId: z.string().default(''),
  /** A pinned version, or `latest` (resolved when the calling workflow version is compiled). */
  version: z.union([z.literal('latest'), z.number().int().min(1)]).default('latest'),
  inputs: z.array(SubworkflowInput).default([]),
  outputs: z.array(SubworkflowOutput).default([]),
  /**
   * `every-step`: the child checkpoints after each of its steps (a crash inside resumes at its last step).
   * `on-exit`: only when it ends or pauses for a person — cheaper; a crash inside re-runs the child.
   */
  checkpoints: z.enum(['every-step', 'on-exit']).default('every-step'),
  ...policyFields,
});
export type SubworkflowConfig = z.infer<typeof subworkflowConfig>;

export const subworkflowNode = defineNodeType({
  type: 'subworkflow',
  version: 1,
  meta: {
    title: 'Sub-workflow',
    category: 'control',
    description:
      'Calls another saved workflow as a nested graph: parent channels feed its start inputs, its end outputs come back into parent channels. Its checkpoints nest in this run; a human step inside pauses this run.',
    icon: 'workflow',
  },
  control: 'all',
  // A child may wait for a person (a human node inside): no node timeout applies to the call.
  pausesRun: true,
  config: subworkflowConfig,
  ui: {
    workflowId: { widget: 'workflow', label: 'Workflow', order: 0, help: 'Id of the saved workflow to call.' },
    version: { label: 'Version', order: 1, help: '"latest" follows the newest saved version; a number pins one.' },
    inputs: { label: 'Inputs', order: 2, help: 'Parent channel → child start input.' },
    outputs: { label: 'Outputs', order: 3, help: 'Child end output → parent channel.' },
    checkpoints: {
      widget: 'select',
      advanced: true,
      help: 'every-step: a crash inside the child resumes at its last step. on-exit: faster; checkpoints only when the child ends or pauses for a person.',
    },
  },
  ports: { inputs: [IN], outputs: [OUT] },
  check: (c) => [
    ...(c.workflowId.trim() === '' ? [{ path: ['workflowId'], message: 'choose the workflow to call' }] : []),
  ],
  channels: (c) => ({
    reads: [...new Set(c.inputs.map((i) => i.from))],
    writes: [...new Set(c.outputs.map((o) => o.to))],
  }),
  build: ({ config, node, subworkflow }) => {
    return {
      async run(state) {
        if (!subworkflow)
          throw new FlowError('node_failed', `Sub-workflow "${config.workflowId}" was not resolved`, {
            nodeId: node.id,
          });
        const input: Record<string, unknown> = {};
        for (const m of config.inputs) input[m.to] = state[m.from];
        const result = await subworkflow.invoke(input, { checkpoints: config.checkpoints });
        const update: Record<string, unknown> = {};
        for (const m of config.outputs) update[m.to] = result[m.from];
        return { update };
      },
    };
  },
});
