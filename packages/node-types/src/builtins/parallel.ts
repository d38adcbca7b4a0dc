import { z } from 'zod';
import { FlowError } from '@flowcraft/schema';
import { defineNodeType } from '../sdk/define-node-type.js';
import { evaluate } from '../sdk/template.js';
import { fieldContext } from '../sdk/expression-context.js';
import { IN, policyFields } from './common.js';

export const parallelConfig = z.object({
  /** `branches`: every connected branch runs at once. `map`: the `each` branch runs once per list item. */
  mode: z.enum(['branches', 'map']).default('branches'),
  /** Map mode: JSONata expression giving the list, e.g. `state.topics`. */
  over: z.string().default('state.items'),
  /** Map mode: channel each task sees its item in. */
  itemChannel: z.string().default('item'),
  /** Map mode: refuse lists longer than this. */
  maxItems: z.number().int().min(1).max(10_000).default(100),
  ...policyFields,
});

export const parallelNode = defineNodeType({
  type: 'parallel',
  version: 1,
  meta: {
    title: 'Parallel',
    category: 'control',
    description:
      'Fans out to all its branches at once, or maps one branch over a list (one task per item). The node after the branches waits for all of them and merges by channel reducers.',
    icon: 'git-fork',
  },
  control: 'all',
  controlWhen: { field: 'mode', equals: 'map', control: 'map' },
  config: parallelConfig,
  ui: {
    mode: { widget: 'select', order: 0 },
    over: { widget: 'expression', label: 'List (map mode)' },
    itemChannel: { widget: 'channel', label: 'Item channel (map mode)' },
  },
  ports: {
    inputs: [IN],
    outputs: [
      { id: 'out', label: 'branches', multiple: true, when: { field: 'mode', in: ['branches'] } },
      { id: 'each', label: 'each item', required: true, multiple: false, when: { field: 'mode', in: ['map'] } },
    ],
  },
  channels: (c) => ({ reads: [], writes: c.mode === 'map' ? [c.itemChannel] : [] }),
  build: ({ config, node, services }) => {
    const at = fieldContext(node, services);
    return {
      async run(state) {
        if (config.mode === 'branches') return {};
        const list = await evaluate(config.over, state, at('over'));
        const items = list === undefined || list === null ? [] : Array.isArray(list) ? list : [list];
        if (items.length > config.maxItems) {
          throw new FlowError('node_failed', `Map over ${items.length} items exceeds maxItems (${config.maxItems})`, {
            nodeId: node.id,
          });
        }
        return { sends: items.map((item) => ({ port: 'each', state: { ...state, [config.itemChannel]: item } })) };
      },
    };
  },
});
