import { z } from 'zod';
import { FlowError } from '@flowcraft/schema';
import { defineNodeType } from '../sdk/define-node-type.js';

export const StartInput = z.strictObject({
  channel: z.string().min(1),
  label: z.string().optional(),
  description: z.string().optional(),
  required: z.boolean().default(true),
});

export const startNode = defineNodeType({
  type: 'start',
  version: 1,
  meta: {
    title: 'Start',
    category: 'io',
    description: 'Where a run begins: declares the input channels a run is started with.',
    icon: 'play',
  },
  role: 'start',
  control: 'all',
  config: z.object({ inputs: z.array(StartInput).default([]) }),
  ui: { inputs: { label: 'Run inputs', help: 'Channels filled from the run input; shown as the run form.' } },
  ports: { inputs: [], outputs: [{ id: 'out', label: 'start', multiple: true }] },
  channels: (c) => ({ reads: [], writes: c.inputs.map((i) => i.channel) }),
  build: ({ config, node }) => ({
    async run(state) {
      const missing = config.inputs.filter(
        (i) => i.required && (state[i.channel] === undefined || state[i.channel] === null || state[i.channel] === ''),
      );
      if (missing.length > 0) {
        throw new FlowError('invalid_input', `Missing run input(s): ${missing.map((m) => m.channel).join(', ')}`, {
          nodeId: node.id,
          details: { missing: missing.map((m) => m.channel) },
        });
      }
      return {};
    },
  }),
});
