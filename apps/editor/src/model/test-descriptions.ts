import type { NodeTypeDescription } from '@flowcraft/schema';

/** Node-type descriptions shaped like the engine's built-ins (start, llm, router, end), for unit tests. */
const base = (d: Partial<NodeTypeDescription> & Pick<NodeTypeDescription, 'type'>): NodeTypeDescription => ({
  version: 1,
  title: d.type,
  category: 'ai',
  description: '',
  control: 'all',
  configSchema: { type: 'object', properties: {} },
  defaults: {},
  ui: {},
  ports: { inputs: [{ id: 'in', multiple: true }], outputs: [{ id: 'out', multiple: true }] },
  custom: false,
  ...d,
});

export const startDesc = base({
  type: 'start',
  title: 'Start',
  role: 'start',
  category: 'io',
  configSchema: {
    type: 'object',
    properties: {
      inputs: {
        type: 'array',
        default: [],
        items: {
          type: 'object',
          properties: { channel: { type: 'string', minLength: 1 }, label: { type: 'string' } },
          required: ['channel'],
        },
      },
    },
  },
  defaults: { inputs: [] },
  ports: { inputs: [], outputs: [{ id: 'out', multiple: true }] },
});

export const llmDesc = base({
  type: 'llm',
  title: 'LLM',
  configSchema: {
    type: 'object',
    properties: {
      prompt: { type: 'string', default: '{{ state.input }}' },
      output: { type: 'string', minLength: 1, default: 'output' },
      history: { type: 'string' },
      schema: { type: 'object' },
    },
  },
  defaults: { prompt: '{{ state.input }}', output: 'output' },
  ui: { output: { widget: 'channel' }, history: { widget: 'channel' }, prompt: { widget: 'template' } },
});

export const routerDesc = base({
  type: 'router',
  title: 'Router',
  category: 'control',
  control: 'choice',
  configSchema: {
    type: 'object',
    properties: {
      routes: {
        type: 'array',
        default: [{ id: 'a', label: 'A' }],
        items: {
          type: 'object',
          properties: { id: { type: 'string', minLength: 1 }, label: { type: 'string' } },
          required: ['id'],
        },
      },
      input: { type: 'string' },
      decision: { type: 'string' },
    },
  },
  defaults: { routes: [{ id: 'a', label: 'A' }], input: '{{ state.input }}' },
  ui: { decision: { widget: 'channel' } },
});

export const endDesc = base({
  type: 'end',
  title: 'End',
  role: 'end',
  category: 'io',
  configSchema: { type: 'object', properties: { outputs: { type: 'array', items: { type: 'string' } } } },
  defaults: { outputs: [] },
  ui: { outputs: { widget: 'channel' } },
  ports: { inputs: [{ id: 'in', multiple: true }], outputs: [] },
});
