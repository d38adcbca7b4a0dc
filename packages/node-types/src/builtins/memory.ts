import { z } from 'zod';
import { FlowError } from '@flowcraft/schema';
import { defineNodeType } from '../sdk/define-node-type.js';
import { fieldContext } from '../sdk/expression-context.js';
import { render, templateError } from '../sdk/template.js';
import { memoryNamespace, requireMemory } from '../tools/memory-tools.js';
import { ERROR_OUT, IN, OUT, policyFields } from './common.js';

export const memoryConfig = z.object({
  /** `read` one item into `output`; `write` `input`'s value; `search` the namespace (by `query`) into `output`; `delete` one item. */
  operation: z.enum(['read', 'write', 'search', 'delete']).default('read'),
  /** Whose memory: a template over state, e.g. `{{ state.userId }}`; empty → shared by every run of the workflow. */
  scope: z.string().default('{{ state.userId }}'),
  /** Item key (template) for read, write and delete. */
  key: z.string().default('profile'),
  /** Channel whose value is written (`write`). */
  input: z.string().default('input'),
  /** Channel receiving the value read (null when none) or the search hits. */
  output: z.string().min(1).default('memory'),
  /** Search text (template); empty → the newest items. Ranked by similarity when the store embeds values. */
  query: z.string().default(''),
  limit: z.number().int().min(1).max(100).default(5),
  /** Minutes a written item lives; absent → forever. */
  ttlMinutes: z.number().positive().optional(),
  ...policyFields,
});
export type MemoryConfig = z.infer<typeof memoryConfig>;

/**
 * Long-term memory across threads (LangGraph's store on the engine's database), in the namespace
 * `workflow/<id>/<scope>`. Values are stored as `{ value }`; `read` writes the value back as it was.
 */
export const memoryNode = defineNodeType({
  type: 'memory',
  version: 1,
  meta: {
    title: 'Memory',
    category: 'data',
    description:
      'Long-term memory across threads: read an item into a channel, write a channel, search or delete — per workflow and a scope from state (e.g. the user id).',
    icon: 'brain',
  },
  control: 'all',
  config: memoryConfig,
  ui: {
    operation: { label: 'Operation', order: 0 },
    scope: { widget: 'template', label: 'Scope (whose memory)', help: 'e.g. {{ state.userId }}; empty = shared' },
    key: { widget: 'template', label: 'Key' },
    input: { widget: 'channel', label: 'Value from channel (write)' },
    output: { widget: 'channel', label: 'Output channel (read, search)' },
    query: { widget: 'template', label: 'Search query', advanced: true },
    limit: { advanced: true },
    ttlMinutes: { label: 'Expire after (minutes)', advanced: true },
  },
  ports: { inputs: [IN], outputs: [OUT, ERROR_OUT] },
  check: (c) =>
    (['scope', 'key', 'query'] as const).flatMap((f) => {
      const e = templateError(c[f]);
      return e ? [{ path: [f], message: `invalid template: ${e}` }] : [];
    }),
  channels: (c) =>
    c.operation === 'write'
      ? { reads: [c.input], writes: [] }
      : c.operation === 'delete'
        ? { reads: [], writes: [] }
        : { reads: [], writes: [c.output] },
  build: ({ config, node, services }) => {
    const at = fieldContext(node, services);
    return {
      async run(state) {
        const memory = requireMemory(services.memory, node.id);
        const ns = memoryNamespace(memory, String((await render(config.scope, state, at('scope'))) ?? ''));
        const key = String(await render(config.key, state, at('key'))).trim();
        if (config.operation !== 'search' && key === '')
          throw new FlowError('invalid_input', 'The memory key is empty', { nodeId: node.id });
        switch (config.operation) {
          case 'read': {
            const item = await memory.store.get(ns, key);
            return { update: { [config.output]: item === null ? null : (item.value.value ?? null) } };
          }
          case 'write': {
            const value = { value: state[config.input] ?? null };
            if (config.ttlMinutes !== undefined && memory.putWithTtl)
              await memory.putWithTtl(ns, key, value, config.ttlMinutes);
            else await memory.store.put(ns, key, value);
            return {};
          }
          case 'delete':
            await memory.store.delete(ns, key);
            return {};
          case 'search': {
            const query = String(await render(config.query, state, at('query'))).trim();
            const items = await memory.store.search(ns, { limit: config.limit, ...(query ? { query } : {}) });
            return {
              update: {
                [config.output]: items.map((i) => ({
                  key: i.key,
                  value: i.value.value ?? i.value,
                  ...(i.score === undefined ? {} : { score: i.score }),
                  updatedAt: i.updatedAt.toISOString(),
                })),
              },
            };
          }
        }
      },
    };
  },
});
