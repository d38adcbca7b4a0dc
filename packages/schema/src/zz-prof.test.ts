import { it } from 'vitest';
import { validateWorkflow } from './validate.js';
import { WorkflowDocument } from './workflow.js';
import type { NodeCatalog, CatalogEntry } from './catalog.js';
import { doc, edge, node } from './validate/test-docs.js';
const mk = (type: string, role?: 'start'|'end'): CatalogEntry => ({ type, version: 1, control: 'all', ...(role ? { role } : {}),
  checkConfig: (c) => ({ ok: true, config: (typeof c === 'object' && c !== null) ? Object.fromEntries(Object.entries(c)) : {} }),
  ports: () => ({ inputs: role === 'start' ? [] : [{ id: 'in' }], outputs: role === 'end' ? [] : [{ id: 'out', multiple: true }] }),
  channels: () => ({ reads: [], writes: ['x'] }) });
const m = new Map([mk('start','start'), mk('end','end'), mk('step'), mk('fanout')].map(e => [e.type, e]));
const cat: NodeCatalog = { get: (t) => m.get(t) };
function build(fan: boolean) {
    const n = 5000; const nodes = [node('start','start')]; const edges = []; let prev='start';
    for (let i=0;i<n;i++){ const id='n'+i; const f = fan && i%3===0; nodes.push(node(id, f?'fanout':'step', {writes:['x']})); edges.push(edge(prev,id)); if (fan && (i-1)%3===0 && i>0) edges.push(edge('n'+(i-1), 'end', undefined, {id: 'x'+i})); prev=id;}
    nodes.push(node('end','end')); edges.push(edge(prev,'end'));
    return doc({nodes, edges, state:{x:{type:'string'}}});
}
it('prof', () => {
  for (const fan of [false, true, false, true, false]) {
    const input = build(fan);
    let t = performance.now();
    WorkflowDocument.safeParse(input);
    const zt = performance.now() - t;
    t = performance.now();
    const r = validateWorkflow(input, cat);
    const c: Record<string, number> = {}; for (const p of r.problems) c[p.code+p.severity] = (c[p.code+p.severity] ?? 0) + 1; console.log(JSON.stringify(c), r.problems[1]?.message); console.log(fan, 'zod', zt.toFixed(1), 'all', (performance.now()-t).toFixed(1), r.ok, r.problems.length);
  }
});
