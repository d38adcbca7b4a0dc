import { it } from 'vitest';
import { validateWorkflow } from './validate.js';
import { testCatalog } from './validate/test-catalog.js';
import { doc, edge, node } from './validate/test-docs.js';
function build(fan: boolean) {
    const n = 5000; const nodes = [node('start','start')]; const edges = []; let prev='start';
    for (let i=0;i<n;i++){ const id='n'+i; const f = fan && i%3===0; nodes.push(node(id, f?'fanout':'step', {writes:['x']})); edges.push(edge(prev,id)); if (fan && (i-1)%3===0 && i>0) edges.push(edge('n'+(i-1), 'end', undefined, {id: 'x'+i})); prev=id;}
    nodes.push(node('end','end')); edges.push(edge(prev,'end'));
    return doc({nodes, edges, state:{x:{type:'string'}}});
}
it('show', () => {
  for (const fan of [false, true, false, true]) {
    const input = build(fan);
    const t = performance.now();
    const r = validateWorkflow(input, testCatalog);
    const counts: Record<string, number> = {};
    for (const p of r.problems) counts[p.code] = (counts[p.code] ?? 0) + 1;
    console.log(fan, 'ms', (performance.now()-t).toFixed(1), r.ok, JSON.stringify(counts), r.problems[0]?.message);
  }
});
