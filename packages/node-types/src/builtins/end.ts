import { z } from 'zod';
import { defineNodeType } from '../sdk/define-node-type.js';

export const endNode = defineNodeType({
  type: 'end',
  version: 1,
  meta: {
    title: 'End',
    category: 'io',
    description: 'Finishes the run and returns the chosen output channels (all channels when none are chosen).',
    icon: 'flag',
  },
  role: 'end',
  control: 'all',
  config: z.object({ outputs: z.array(z.string().min(1)).default([]) }),
  ui: { outputs: { label: 'Output channels', widget: 'channel' } },
  ports: { inputs: [{ id: 'in', label: 'in', multiple: true }], outputs: [] },
  channels: (c) => ({ reads: c.outputs, writes: [] }),
  build: () => ({ run: async () => ({}) }),
});
