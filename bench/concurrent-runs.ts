/**
 * Benchmark (issue 4 c): 200 concurrent runs of the sequential example with 50 ms scripted model
 * latency through the run service. Baseline: the ideal wall time, one run's model latency
 * (3 calls × 50 ms), as if runs cost nothing but waiting. Prints wall / ideal.
 */
import { readFileSync } from 'node:fs';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { MemoryRunPorts } from '../apps/engine/src/lifecycle/memory-ports.js';
import { RunService } from '../apps/engine/src/lifecycle/run-service.js';
import type { RunPorts } from '../apps/engine/src/lifecycle/ports.js';
import { StoreRunPorts } from '../apps/engine/src/lifecycle/store-run-ports.js';
import { createServerDatabase, createStore, openDatabase } from '../apps/engine/src/store/index.js';
import type { OpenDatabase } from '../apps/engine/src/store/index.js';
import { openPgliteFromTemplate } from '../apps/engine/src/store/pglite-template.js';
import { serverReachable } from './server-reachable.js';

const RUNS = Number(process.env.RUNS ?? 200);
const LATENCY = 50;
const CALLS = 3;

export async function concurrentRuns(
  label: string,
  ports: RunPorts & { addWorkflow?: (doc: unknown) => unknown },
  register: (doc: unknown) => Promise<void>,
): Promise<number> {
  const doc = JSON.parse(readFileSync(new URL('../examples/sequential-pipeline.json', import.meta.url), 'utf8'));
  doc.script.latencyMs = LATENCY;
  await register(doc);
  const service = new RunService(ports, createBuiltinRegistry(), { env: {}, streamTokens: process.env.TOKENS !== '0' });
  // Warm up (module loading, JIT) with a few runs first.
  for (let i = 0; i < 5; i++) {
    const w = await service.start({ workflowId: doc.id, input: { topic: 'warm-up' } });
    await service.settled(w.runId);
  }
  const t0 = performance.now();
  const started = await Promise.all(
    Array.from({ length: RUNS }, () => service.start({ workflowId: doc.id, input: { topic: 'tides' } })),
  );
  await Promise.all(started.map((s) => service.settled(s.runId)));
  const wall = performance.now() - t0;
  let completed = 0;
  for (const s of started) if ((await ports.getRun(s.runId)).status === 'completed') completed++;
  if (completed !== RUNS) throw new Error(`${label}: only ${completed}/${RUNS} runs completed`);
  const ideal = LATENCY * CALLS;
  console.log(
    `${label.padEnd(10)} ${RUNS} concurrent runs: wall ${wall.toFixed(0)} ms, ideal ${ideal} ms, ratio ${(wall / ideal).toFixed(2)}`,
  );
  return wall / ideal;
}

/** The DB-backed ports `startEngine` uses (`StoreRunPorts`: runs, events, checkpoints in the store). */
async function storeRuns(label: string, open: OpenDatabase): Promise<void> {
  const store = createStore(open.db);
  await concurrentRuns(label, new StoreRunPorts(store), async (doc) => {
    const { id, name } = doc as { id: string; name: string };
    await store.workflows.create({ id, name, document: doc, valid: true });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ports = new MemoryRunPorts();
  await concurrentRuns('memory', ports, async (doc) => void ports.addWorkflow(doc));

  const pglite = await openPgliteFromTemplate();
  try {
    await storeRuns('pglite', pglite);
  } finally {
    await pglite.close();
  }

  if (await serverReachable()) {
    // A fresh database on the local server (like the store tests), dropped afterwards.
    const created = await createServerDatabase(
      process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
      'flowcraft_bench',
    );
    try {
      const pg = await openDatabase({ url: created.url });
      try {
        await storeRuns('postgres', pg);
      } finally {
        await pg.close();
      }
    } finally {
      await created.drop();
    }
  } else {
    console.log('postgres   skipped: no server at 127.0.0.1:5432');
  }
}
