import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '@flowcraft/schema';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { deeplyNested } from './json.js';
import type { JsonObject } from './json.js';
import { runPipeline } from './pipeline.js';
import { runOnce } from './run.js';

/**
 * Minimal documents for problems the fuzzer found. Each states the contract (the pipeline ends
 * in problems, a graph or InvalidDocumentError; a node does not time out early) so the test
 * passes once the problem is fixed, whichever way it is fixed (reject in validation or handle in
 * the compiler).
 */

function chain(middle: JsonObject[], state: JsonObject = {}): JsonObject {
  const ids = ['start', ...middle.map((n) => String(n['id'])), 'end'];
  return {
    id: 'repro',
    name: 'repro',
    state,
    nodes: [{ id: 'start', type: 'start' }, ...middle, { id: 'end', type: 'end' }],
    edges: ids.slice(1).map((target, i) => ({ id: `e${i}`, source: ids[i] ?? '', target })),
  };
}

describe('fuzz regressions: validate → compile', () => {
  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty'])(
    'a node with id "%s" is rejected or compiles',
    (id) => {
      expect(() => runPipeline(chain([{ id, type: 'transform' }]))).not.toThrow();
    },
  );

  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty'])(
    'a state channel named "%s" is rejected or compiles',
    (name) => {
      expect(() => runPipeline(chain([], { [name]: { type: 'string' } }))).not.toThrow();
    },
  );

  it('a deeply nested channel default (valid JSON) is rejected or compiles', () => {
    expect(() =>
      runPipeline(chain([], { deep: { type: 'json', default: deeplyNested(10_000, 'array') } })),
    ).not.toThrow();
  });
});

describe('fuzz regressions: runs', () => {
  it('a node timeout of 2^31 ms or more is rejected, or does not fire at once', async () => {
    const doc: JsonObject = {
      ...chain([{ id: 'ask', type: 'llm', config: { model: 'scripted:m', output: 'output', timeoutMs: 2 ** 31 } }], {
        input: { type: 'string' },
        output: { type: 'string' },
      }),
      script: { nodes: { ask: [{ content: 'answer', delayMs: 20 }] } },
    };
    const validation = validateWorkflow(doc, createBuiltinRegistry());
    if (!validation.ok) return;
    const result = await runOnce(doc, validation.document, 2_000, 3_000);
    expect(result.ended).toBe(true);
    if (result.ended) expect(result.outcome).toMatchObject({ status: 'completed', output: { output: 'answer' } });
  });
});
