import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createBuiltinRegistry, defineNodeType } from '@flowcraft/node-types';
import { doc, end, runDoc, start } from '../testing/harness.js';

/** A node that takes a while before asking a person: with `pausesRun` that wait is not under the node timeout. */
function slowAsker(pausesRun: boolean) {
  return defineNodeType({
    type: pausesRun ? 'slow-asker' : 'slow-worker',
    version: 1,
    meta: { title: 'Slow asker', category: 'custom', description: 'waits, then interrupts' },
    control: 'all',
    pausesRun,
    config: z.object({}),
    ports: { inputs: [{ id: 'in', label: 'in' }], outputs: [{ id: 'out', label: 'next' }] },
    channels: () => ({ reads: [], writes: ['answer'] }),
    build: () => ({
      async run(_state, ctx) {
        await new Promise((r) => setTimeout(r, 150));
        return { update: { answer: ctx.interrupt({ question: 'ok?' }) } };
      },
    }),
  });
}

describe('compile: the node-type contract', () => {
  for (const pausesRun of [true, false]) {
    it(`a node type declaring pausesRun=${pausesRun} ${pausesRun ? 'is not' : 'is'} under the node timeout`, async () => {
      const type = slowAsker(pausesRun);
      const registry = createBuiltinRegistry().register(type, { custom: true });
      const d = doc({
        state: { answer: { type: 'json', reducer: 'replace' } },
        nodes: [start(), { id: 'ask', type: type.type, config: {} }, end()],
        edges: [
          ['start', 'ask'],
          ['ask', 'end'],
        ],
        settings: { timeoutMs: 30 },
      });
      const run = await runDoc(d, {}, { registry });
      if (pausesRun) expect(run.outcome).toMatchObject({ status: 'interrupted' });
      else expect(run.outcome).toMatchObject({ status: 'failed', error: { code: 'node_timeout' } });
    });
  }
});
