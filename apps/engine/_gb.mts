import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { openDatabase, createStore } from './src/store/index.ts';
import { createTestRun } from './src/store/repos/test-run.ts';
import { groupedAppends } from './src/store/repos/grouped-appends.ts';
function cpu(){ return execFileSync('ps',['-C','postgres','-o','pid='],{encoding:'utf8'}).split('\n').map(s=>s.trim()).filter(Boolean).map(p=>{try{const f=readFileSync('/proc/'+p+'/stat','utf8');const x=f.slice(f.lastIndexOf(')')+2).split(' ');return (Number(x[11])+Number(x[12]))/100}catch{return 0}}).reduce((a,b)=>a+b,0)}
const o = await openDatabase({ url: 'postgres://postgres@127.0.0.1:5432/flowcraft_me_1796444582' });
const N = 200;
const runs = await Promise.all(Array.from({length:N}, () => createTestRun(o.db)));
const seqs = new Map(runs.map(r=>[r.runId,0]));
const ev = (seq:number) => ({ seq, type: 'node.progress', nodeId: 'draft', payload: { kind: 'tokens', text: 'hello world '.repeat(10) }, ts: new Date() });
for (const notify of [true,false,true,false]) {
  const g = groupedAppends(o.db, notify);
  const c0 = cpu(); const t0 = performance.now();
  for (let round=0; round<10; round++) {
    await Promise.all(runs.map(async r => { const s = seqs.get(r.runId)!; const batch=[ev(s+1),ev(s+2),ev(s+3),ev(s+4),ev(s+5)]; seqs.set(r.runId, s+5); await g.append(r.runId, batch as never); }));
  }
  console.log('notify', notify, 'ms', (performance.now()-t0).toFixed(0), 'pg cpu ms/batch', ((cpu()-c0)*1000/(N*10)).toFixed(3));
}
await o.close();
