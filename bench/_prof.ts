import { MemorySaver } from '@langchain/langgraph';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { compile, createRunServices, executeRun } from '@flowcraft/engine';
import { childLibrary } from '@flowcraft/engine/testing';
const registry = createBuiltinRegistry();
const str = { type: 'string' as const, reducer: 'replace' as const };
const n = (id: string, type: string, config: Record<string, unknown>) => ({ id, type, config });
const e = (pairs: [string, string][]) => pairs.map(([source, target], i) => ({ id: `e${i}`, source, target }));
const set = (id: string, channel: string, value: string) => n(id, 'transform', { assignments: [{ channel, value }] });
const child = { id: 'c', name: 'c', state: { brief: str, final: str },
  nodes: [n('start', 'start', { inputs: [{ channel: 'brief' }] }), set('a', 'final', 'x'), set('b', 'final', 'y'), n('end', 'end', { outputs: ['final'] })],
  edges: e([['start', 'a'], ['a', 'b'], ['b', 'end']]) };
const parent = { id: 'p', name: 'p', state: { topic: str, result: str },
  nodes: [n('start', 'start', { inputs: [{ channel: 'topic' }] }), n('call', 'subworkflow', { workflowId: 'c', inputs: [{ from: 'topic', to: 'brief' }], outputs: [{ from: 'final', to: 'result' }] }), n('end', 'end', { outputs: ['result'] })],
  edges: e([['start', 'call'], ['call', 'end']]) };
const flat = { id: 'f', name: 'f', state: { topic: str, result: str },
  nodes: [n('start', 'start', { inputs: [{ channel: 'topic' }] }), set('a', 'result', 'x'), set('b', 'result', 'y'), n('end', 'end', { outputs: ['result'] })],
  edges: e([['start', 'a'], ['a', 'b'], ['b', 'end']]) };
const flat7 = { id: 'f7', name: 'f7', state: { topic: str, result: str },
  nodes: [n('start', 'start', { inputs: [{ channel: 'topic' }] }), set('x', 'result', 'x'), set('s2', 'result', 'x'), set('a', 'result', 'x'), set('b', 'result', 'y'), set('e2', 'result', 'x'), n('end', 'end', { outputs: ['result'] })],
  edges: e([['start', 'x'], ['x', 's2'], ['s2', 'a'], ['a', 'b'], ['b', 'e2'], ['e2', 'end']]) };
const mode = process.argv[2] ?? 'sub';
const doc = mode === 'sub' ? parent : mode === 'flat7' ? flat7 : flat;
const compiled = compile(doc, registry, createRunServices({ env: {} }), { checkpointer: new MemorySaver(), children: childLibrary([child]), workflowId: doc.id });
const N = Number(process.argv[3] ?? 2000);
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
for (let i = 0; i < 200; i++) await executeRun({ compiled, threadId: `w${i}`, input: { topic: 't' }, streamTokens: false, onEvent: () => {} });
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const out = await executeRun({ compiled, threadId: `t${i}`, input: { topic: 't' }, streamTokens: false, onEvent: () => {} });
  if (out.status !== 'completed') throw new Error(JSON.stringify(out));
}
const { profile } = await session.post('Profiler.stop');
writeFileSync(`/tmp/prof-${mode}.cpuprofile`, JSON.stringify(profile));
console.log(mode, ((performance.now() - t0) / N).toFixed(3), 'ms/run');
