import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemoryKnowledge, childLibrary, loadBundledKnowledge, runDoc, type TestRun } from '@flowcraft/engine/testing';
import type { FetchLike } from '@flowcraft/node-types';
import { WorkflowDocument } from '@flowcraft/schema';

const dir = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

/** Every HTTP tool call gets a small JSON answer (the examples' services are not running here). */
const fetchStub: FetchLike = async () =>
  new Response(JSON.stringify({ ok: true, rate: 10.5, temperatureC: 4 }), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });

const docs = files.map((f) => WorkflowDocument.parse(JSON.parse(readFileSync(`${dir}/${f}`, 'utf8'))));
/** Examples call each other by id (sub-workflows), as they do once imported. */
const children = childLibrary(docs);

/** Runs to the end, approving every human gate. */
async function runToEnd(doc: WorkflowDocument): Promise<TestRun> {
  // The knowledge-* examples read the bundled knowledge bases (examples/knowledge).
  const knowledge = await MemoryKnowledge.from(await loadBundledKnowledge(`${dir}/knowledge`));
  let run = await runDoc(doc, {}, { fetch: fetchStub, threadId: `next-${doc.id}`, knowledge, children });
  for (let i = 0; i < 10 && run.outcome.status === 'interrupted'; i++) run = await run.resume({ action: 'approve' });
  return run;
}

describe('checkpoint.saved.next equals the history next of the same checkpoint', () => {
  it('covers all 18 examples', () => {
    expect(files).toHaveLength(18);
  });

  it.each(files)('%s', async (file) => {
    const doc = WorkflowDocument.parse(JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')));
    const run = await runToEnd(doc);
    expect(run.outcome.status).toBe('completed');
    const fromEvents = new Map<string, string[]>();
    // A sub-workflow's own checkpoints (`ns`) are nested under the run's, not in its history.
    for (const e of run.events)
      if (e.type === 'checkpoint.saved' && e.ns === undefined) fromEvents.set(e.checkpointId, e.next);
    const calls = doc.nodes.filter((n) => n.type === 'subworkflow').map((n) => n.id);
    const nested = run.events.flatMap((e) => (e.type === 'checkpoint.saved' && e.ns !== undefined ? [e] : []));
    expect(new Set(nested.map((e) => e.calledBy))).toEqual(new Set(calls));
    for (const e of nested)
      for (const n of e.next) expect(n.startsWith(`${e.calledBy} › `) && !n.includes('__')).toBe(true);
    const history = await run.history();
    expect(history.length).toBeGreaterThan(2);
    expect(fromEvents.size).toBe(history.length);
    for (const { checkpointId, next } of history) {
      expect({ checkpointId, next: fromEvents.get(checkpointId) }).toEqual({ checkpointId, next });
    }
    // The last checkpoint of a finished run has nothing left to do.
    expect(history[0]?.next).toEqual([]);
  });
});
