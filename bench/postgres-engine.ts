/**
 * Bench support: the engine with one in-process worker on a PostgreSQL database (RunService + pg-boss
 * queue + RunWorker, as `FLOWCRAFT_ROLE=all` wires them), and the counters the benchmarks read
 * (statements, transactions, rows, CPU of this machine's PostgreSQL processes).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { WorkflowDocument } from '@flowcraft/schema';
import { RunService } from '../apps/engine/src/lifecycle/run-service.js';
import type { RunServiceOptions } from '../apps/engine/src/lifecycle/run-service.js';
import { RunWorker } from '../apps/engine/src/lifecycle/run-worker.js';
import { StoreRunPorts } from '../apps/engine/src/lifecycle/store-run-ports.js';
import { PgBossRunQueue } from '../apps/engine/src/queue/pg-boss-queue.js';
import { createServerDatabase, createStore, openDatabase } from '../apps/engine/src/store/index.js';
import type { OpenDatabase } from '../apps/engine/src/store/index.js';

const registry = createBuiltinRegistry();

/** CPU seconds a process has used (utime + stime from /proc; clock ticks of 1/100 s); NaN if it is gone. */
export function processCpu(pid: number | string | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds used so far by every PostgreSQL server process on this machine. */
export function postgresCpuSeconds(): number {
  try {
    return execFileSync('ps', ['-C', 'postgres', '-o', 'pid='], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map(processCpu)
      .filter((s) => !Number.isNaN(s)) // the process ended meanwhile
      .reduce((a, b) => a + b, 0);
  } catch {
    return Number.NaN;
  }
}

export async function dbCounters(open: OpenDatabase): Promise<{ commits: number; rows: number }> {
  await open.native.executeSql('select pg_stat_force_next_flush()');
  const { rows } = await open.native.executeSql(
    `select xact_commit::float8 as commits, (tup_inserted + tup_updated + tup_deleted)::float8 as rows
       from pg_stat_database where datname = current_database()`,
  );
  return { commits: Number(rows[0]?.commits ?? 0), rows: Number(rows[0]?.rows ?? 0) };
}

/** Until every run in `ids` completed (throws if one did not): about one query per `everyMs`. */
export async function waitForRuns(open: OpenDatabase, ids: string[], everyMs: number): Promise<void> {
  // The harness's cost must stay out of the figures. A poll counts the database's queued and running
  // runs: the partial index `runs_one_active_per_thread` holds only those, so the count reads a few
  // index entries. Reading the batch's own rows (20 at a time, by primary key) cost ~0.45 ms of
  // PostgreSQL per poll, 0.27 ms per run in (b), plus this process's share. A bench database holds
  // no active run but the batch's: none active means all ended; one read then checks they completed.
  for (;;) {
    const { rows } = await open.native.executeSql(
      `select count(*)::int as n from runs where status in ('queued', 'running')`,
    );
    if (Number(rows[0]?.n) === 0) break;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  const { rows } = await open.native.executeSql(
    `select status::text as status, count(*)::int as n from runs where id = any($1::text[]) group by status`,
    [ids],
  );
  const completed = Number(rows.find((r) => r.status === 'completed')?.n ?? 0);
  if (completed !== ids.length)
    throw new Error(`not every run completed: ${rows.map((r) => `${String(r.n)} ${String(r.status)}`).join(', ')}`);
}

export interface Engine1 {
  run(n: number): Promise<number>;
  close(): Promise<void>;
  statements: () => number;
}

/** The engine with one in-process worker over the queue, on `url`. */
export async function engineWithOneWorker(
  url: string,
  doc: WorkflowDocument,
  opts: { concurrency: number; input?: Record<string, unknown> } & Pick<RunServiceOptions, 'tokenIntervalMs'>,
): Promise<Engine1 & { open: OpenDatabase }> {
  let statements = 0;
  const open = await openDatabase({ url, onQuery: () => statements++ }); // the engine's default pool (10)
  const store = createStore(open.db, {
    notifyEvents: true,
    groupCommit: true,
    pipeline: true,
    groupDb: open.groupDb,
  });
  const queue = await PgBossRunQueue.open(open.native, { pollingIntervalSeconds: 2 });
  const ports = new StoreRunPorts(store, queue);
  const runs = new RunService(ports, registry, {
    env: {},
    owner: 'bench-worker',
    leaseSeconds: 30,
    ...(opts.tokenIntervalMs === undefined ? {} : { tokenIntervalMs: opts.tokenIntervalMs }),
  });
  const worker = new RunWorker({
    runs,
    queue,
    native: open.native,
    workers: store.workers,
    role: 'all',
    concurrency: opts.concurrency,
    leaseSeconds: 30,
  });
  await worker.start();
  await store.workflows.create({ id: doc.id, name: doc.name, document: doc, valid: true });
  const waitAll = (ids: string[]) => waitForRuns(open, ids, 40);
  return {
    open,
    statements: () => statements,
    run: async (n) => {
      const t0 = performance.now();
      const started = await Promise.all(
        Array.from({ length: n }, () => runs.start({ workflowId: doc.id, input: opts.input ?? { topic: 'tides' } })),
      );
      await waitAll(started.map((s) => s.runId));
      return performance.now() - t0;
    },
    close: async () => {
      await worker.stop();
      await queue.close();
      await open.close();
    },
  };
}

/**
 * `fn` with a fresh database on the PostgreSQL server (`DATABASE_URL`, else 127.0.0.1:5432), dropped
 * after. Dropping it ends the connections still open in pools being closed (57P01, admin_shutdown):
 * expected at teardown; any other uncaught error still ends the process.
 */
export async function withBenchDatabase(name: string, fn: (url: string) => Promise<void>): Promise<void> {
  const server = await createServerDatabase(process.env.DATABASE_URL || undefined, name);
  try {
    await fn(server.url);
  } finally {
    process.on('uncaughtException', (err: unknown) => {
      if (typeof err === 'object' && err !== null && Reflect.get(err, 'code') === '57P01') return;
      console.error(err);
      process.exit(1);
    });
    await server.drop();
  }
}
