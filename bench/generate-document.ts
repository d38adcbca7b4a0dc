import type { WorkflowDocumentInput } from '@flowcraft/schema';

type Node = WorkflowDocumentInput['nodes'][number];
type Edge = NonNullable<WorkflowDocumentInput['edges']>[number];

/**
 * A realistic large document of about `size` nodes: a chain of segments, each either an llm step,
 * a transform, a router with two branches that rejoin, or a 3-way parallel fan-out with a join.
 */
export function generateDocument(size: number): WorkflowDocumentInput {
  const nodes: Node[] = [
    { id: 'start', type: 'start', position: { x: 0, y: 0 }, config: { inputs: [{ channel: 'input' }] } },
  ];
  const edges: Edge[] = [];
  let prev = 'start';
  let i = 0;
  const add = (n: Node) => {
    nodes.push(n);
    return n.id;
  };
  const link = (source: string, target: string, sourceHandle?: string) =>
    edges.push({ id: `e${edges.length}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) });
  while (nodes.length < size - 1) {
    const kind = i % 4;
    const p = { x: i * 200, y: 0 };
    if (kind === 0) {
      const id = add({
        id: `llm${i}`,
        type: 'llm',
        position: p,
        config: { model: 'scripted:m', prompt: `Step ${i}: {{ state.input }}`, output: 'text' },
      });
      link(prev, id);
      prev = id;
    } else if (kind === 1) {
      const id = add({
        id: `tx${i}`,
        type: 'transform',
        position: p,
        config: { assignments: [{ channel: 'count', mode: 'expression', value: `state.count + ${(i % 7) + 1}` }] },
      });
      link(prev, id);
      prev = id;
    } else if (kind === 2) {
      const r = add({
        id: `route${i}`,
        type: 'router',
        position: p,
        config: { mode: 'rules', routes: [{ id: 'big', when: 'state.count > 10' }] },
      });
      const a = add({
        id: `big${i}`,
        type: 'transform',
        position: p,
        config: { assignments: [{ channel: 'text', value: 'big' }] },
      });
      const b = add({
        id: `small${i}`,
        type: 'transform',
        position: p,
        config: { assignments: [{ channel: 'text', value: 'small' }] },
      });
      const j = add({ id: `rj${i}`, type: 'transform', position: p, config: { assignments: [] } });
      link(prev, r);
      link(r, a, 'big');
      link(r, b, 'fallback');
      link(a, j);
      link(b, j);
      prev = j;
    } else {
      const f = add({ id: `fan${i}`, type: 'parallel', position: p, config: { mode: 'branches' } });
      const j = add({ id: `join${i}`, type: 'transform', position: p, config: { assignments: [] } });
      link(prev, f);
      for (const k of [0, 1, 2]) {
        const w = add({
          id: `w${i}_${k}`,
          type: 'llm',
          position: p,
          config: { model: 'scripted:m', prompt: `Branch ${i}.${k}: {{ state.input }}`, output: 'notes' },
        });
        link(f, w);
        link(w, j);
      }
      prev = j;
    }
    i++;
  }
  nodes.push({ id: 'end', type: 'end', position: { x: i * 200, y: 0 }, config: { outputs: ['text'] } });
  link(prev, 'end');
  return {
    id: `generated-${size}`,
    name: `Generated ${size}`,
    state: {
      input: { type: 'string', reducer: 'replace' },
      text: { type: 'string', reducer: 'replace' },
      count: { type: 'number', reducer: 'replace', default: 0 },
      notes: { type: 'list', reducer: 'append' },
    },
    nodes,
    edges,
    settings: { recursionLimit: 10_000 },
  };
}
