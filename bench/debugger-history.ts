/**
 * Benchmark (issue 6): a thread with 1,000 checkpoints on the PostgreSQL server (fresh database,
 * dropped afterwards; PGlite when the server is unreachable). Times the debugger's API calls through
 * the real HTTP app (`app.request`): one page of history (50 checkpoints, paging through all of
 * them), and one checkpoint's state plus its diff against the parent. Baseline: the 100 ms goal;
 * prints median / p95 and median ÷ 100 ms.
 *
 *   pnpm exec tsx bench/debugger-history.ts        (CHECKPOINTS=1000 PAGE=50 by default)
 */
import { readFileSync } from 'node:fs';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { wireEngine } from '../apps/engine/src/main/wire.js';
import { createHttpApp } from '../apps/engine/src/http/app.js';
import { createServerDatabase, createStore, openDatabase } from '../apps/engine/src/store/index.js';
import type { OpenDatabase } from '../apps/engine/src/store/index.js';
import { openPgliteFromTemplate } from '../apps/engine/src/store/pglite-template.js';
import { serverReachable } from './server-reachable.js';

const CHECKPOINTS = Number(process.env.CHECKPOINTS ?? 1000);
const PAGE = Number(process.env.PAGE ?? 50);
const GOAL_MS = 100;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

async function bench(label: string, open: OpenDatabase): Promise<void> {
  const registry = createBuiltinRegistry();
  const store = createStore(open.db);
  const { deps, runs } = wireEngine({ store, registry, env: {}, streamTokens: false });
  const app = createHttpApp(deps);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(
      path,
      body === undefined
        ? { method }
        : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };

  const doc = JSON.parse(
    readFileSync(new URL('../examples/sequential-pipeline.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  const created = await call('POST', '/v1/workflows', { document: { ...doc, id: undefined } });
  const { runId, threadId } = (await call('POST', '/v1/runs', {
    workflowId: created.id,
    input: { topic: 'tides' },
  })) as { runId: string; threadId: string };
  await runs.settled(runId);

  // Grow the thread to CHECKPOINTS with state edits (each one an `update` checkpoint), a research text that keeps changing.
  const t0 = performance.now();
  let have = ((await call('GET', `/v1/threads/${threadId}/history?limit=100`)).items as unknown[]).length;
  for (let i = have; i < CHECKPOINTS; i++) {
    await call('POST', `/v1/threads/${threadId}/state`, {
      values: { research: `Revision ${i}: ${'Tides are caused mainly by the Moon. '.repeat(40)}`, draft: `Draft ${i}` },
      asNode: 'researcher',
    });
    have++;
  }
  const fillMs = performance.now() - t0;

  // Page through the whole history.
  const pageTimes: number[] = [];
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const q: string = `/v1/threads/${threadId}/history?limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`;
    const s = performance.now();
    const page = (await call('GET', q)) as { items: { checkpointId: string }[]; nextCursor: string | null };
    pageTimes.push(performance.now() - s);
    ids.push(...page.items.map((i) => i.checkpointId));
    cursor = page.nextCursor;
  } while (cursor);

  // One checkpoint's state and its diff, for 100 checkpoints spread over the history.
  const stateTimes: number[] = [];
  for (let k = 0; k < 100; k++) {
    const id = ids[Math.floor((k * ids.length) / 100)];
    const s = performance.now();
    await call('GET', `/v1/threads/${threadId}/state/${id}`);
    await call('GET', `/v1/threads/${threadId}/state/${id}/diff`);
    stateTimes.push(performance.now() - s);
  }

  const fmt = (xs: number[]) =>
    `median ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms, ratio ${(quantile(xs, 0.5) / GOAL_MS).toFixed(2)} of ${GOAL_MS} ms`;
  console.log(`${label}: thread with ${ids.length} checkpoints (filled in ${(fillMs / 1000).toFixed(1)} s)`);
  console.log(`  history page (${PAGE})      ${pageTimes.length} pages: ${fmt(pageTimes)}`);
  console.log(`  state + diff of one       100 checkpoints: ${fmt(stateTimes)}`);
}

if (await serverReachable()) {
  const created = await createServerDatabase(process.env.DATABASE_URL || undefined, 'flowcraft_bench');
  try {
    const db = await openDatabase({ url: created.url });
    try {
      await bench('postgres', db);
    } finally {
      await db.close();
    }
  } finally {
    await created.drop();
  }
} else {
  const db = await openPgliteFromTemplate();
  try {
    await bench('pglite', db);
  } finally {
    await db.close();
  }
}
