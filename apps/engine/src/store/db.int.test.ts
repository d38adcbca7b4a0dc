import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { openDatabase, openLibraryPool, poolSizeIn } from './db.js';
import type { Database } from './db.js';
import { groupedAppends } from './repos/grouped-appends.js';
import { createRunEventsRepo, resultRows } from './repos/run-events-repo.js';
import { createTestRun } from './repos/test-run.js';
import { createWorkflowsRepo } from './repos/workflows-repo.js';
import { createServerDatabase } from './server-database.js';

const EXPECTED_TABLES = [
  'api_keys',
  'audit_log',
  'checkpoint_blobs',
  'checkpoint_writes',
  'checkpoints',
  'datasets',
  'experiment_results',
  'experiments',
  'knowledge_bases',
  'knowledge_chunks',
  'knowledge_documents',
  'memory_items',
  'rate_limits',
  'run_events',
  'runs',
  'secrets',
  'sessions',
  'test_cases',
  'threads',
  'users',
  'workers',
  'workflow_versions',
  'workflows',
];

describe('openDatabase', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps an embedded PGlite database in its data folder across restarts', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'flowcraft-db-')), 'data');
    dirs.push(dataDir);
    const first = await openDatabase({ dataDir });
    expect(first.kind).toBe('pglite');
    const { workflow } = await createWorkflowsRepo(first.db).create({
      name: 'survives',
      document: { n: 1 },
      valid: true,
    });
    await first.close();
    const second = await openDatabase({ dataDir });
    try {
      expect((await createWorkflowsRepo(second.db).getVersion(workflow.id, 1)).document).toEqual({ n: 1 });
    } finally {
      await second.close();
    }
  });

  it('migrates a Postgres database once, even when two engines open it at the same time', async () => {
    const server = await createServerDatabase(process.env.DATABASE_URL || undefined);
    try {
      const [a, b] = await Promise.all([
        openDatabase({ url: server.url, maxConnections: 2 }),
        openDatabase({ url: server.url, maxConnections: 2 }),
      ]);
      expect([a.kind, b.kind]).toEqual(['postgres', 'postgres']);
      const tables = await a.db
        .select({ name: sql<string>`table_name` })
        .from(sql`information_schema.tables`)
        .where(sql`table_schema = 'public'`)
        .orderBy(sql`table_name`);
      expect(tables.map((t) => t.name)).toEqual(EXPECTED_TABLES);
      const applied = await b.db.select({ n: sql<number>`count(*)::int` }).from(sql`drizzle.__drizzle_migrations`);
      expect(applied[0]?.n).toBeGreaterThanOrEqual(1);
      const { workflow } = await createWorkflowsRepo(a.db).create({ name: 'shared', document: {}, valid: true });
      expect((await createWorkflowsRepo(b.db).get(workflow.id)).name).toBe('shared');
      await Promise.all([a.close(), b.close()]);
      const again = await openDatabase({ url: server.url });
      const reapplied = await again.db
        .select({ n: sql<number>`count(*)::int` })
        .from(sql`drizzle.__drizzle_migrations`);
      expect(reapplied[0]?.n).toBe(applied[0]?.n);
      await again.close();
    } finally {
      await server.drop();
    }
  });

  it('opens and migrates a Postgres database with a pool of one connection (once hung on the migration lock)', async () => {
    const server = await createServerDatabase(process.env.DATABASE_URL || undefined);
    // Also after a timeout (a hang never reaches a finally): dropped with force.
    onTestFinished(() => server.drop());
    const distinctBackends = async (run: (text: string) => Promise<unknown[]>) => {
      const pids = await Promise.all([1, 2, 3].map(() => run('select pg_backend_pid() as pid, pg_sleep(0.05)')));
      return new Set(pids.map((rows) => Reflect.get(Object(rows[0]), 'pid'))).size;
    };
    // Fresh database (migrations applied), then an already migrated one.
    for (const attempt of ['fresh', 'migrated']) {
      const open = await openDatabase({ url: server.url, maxConnections: 1 });
      const { workflow } = await createWorkflowsRepo(open.db).create({ name: attempt, document: {}, valid: true });
      expect((await createWorkflowsRepo(open.db).get(workflow.id)).name).toBe(attempt);
      await open.close();
    }
    // `?max=1` in the URL is postgres.js's pool size: the store's pool and a library's pool honour it.
    const url = `${server.url}?max=1`;
    const open = await openDatabase({ url });
    const library = openLibraryPool(url, 4, 'flowcraft-test');
    try {
      expect(await distinctBackends(async (text) => (await open.native.executeSql(text, [])).rows)).toBe(1);
      expect(await distinctBackends(async (text) => (await library.native.executeSql(text, [])).rows)).toBe(1);
      // A transaction takes the one connection; statements outside it wait for it instead of hanging.
      await Promise.all([
        open.db.transaction(async (tx) => {
          await createWorkflowsRepo(tx as unknown as Database).create({ name: 'in tx', document: {}, valid: true });
        }),
        createWorkflowsRepo(open.db).create({ name: 'outside', document: {}, valid: true }),
      ]);
    } finally {
      await Promise.all([open.close(), library.close()]);
    }
  }, 20_000);

  it('runs group-commit statements on a connection of their own, planned once (generic plans)', async () => {
    const server = await createServerDatabase(process.env.DATABASE_URL || undefined);
    onTestFinished(() => server.drop());
    const open = await openDatabase({ url: server.url, maxConnections: 2 });
    try {
      const { groupDb } = open;
      if (!groupDb) throw new Error('no group connection on Postgres');
      const setting = async (db: Database) =>
        resultRows(
          await db.execute(sql`select current_setting('plan_cache_mode') as mode, pg_backend_pid() as pid`),
        )[0];
      const [group, store] = await Promise.all([setting(groupDb), setting(open.db)]);
      expect(group?.mode).toBe('force_generic_plan');
      expect(store?.mode).toBe('auto');
      expect(group?.pid).not.toBe(store?.pid);
      // A grouped append through it is stored and read back by the store's pool.
      const run = await createTestRun(open.db);
      const grouped = groupedAppends(groupDb, false);
      await Promise.all(
        [1, 2, 3].map((seq) =>
          grouped.append(run.runId, [{ seq, type: 'node.started', nodeId: 'n', payload: { seq } }]),
        ),
      );
      expect((await createRunEventsRepo(open.db).listAfter(run.runId)).map((e) => e.seq)).toEqual([1, 2, 3]);
    } finally {
      await open.close();
    }
  });

  it('refuses a pool size in the URL that is not a whole number of connections', async () => {
    await expect(openDatabase({ url: 'postgres://postgres@127.0.0.1:5432/x?max=0' })).rejects.toThrow(/max must be/);
    expect(() => poolSizeIn('postgres://u@h/db?max=two')).toThrow(/max must be/);
    expect(poolSizeIn('postgres://u@h/db?sslmode=disable')).toBeUndefined();
    expect(poolSizeIn('postgres://u@h/db?max=3')).toBe(3);
  });

  it('refuses a URL that is not postgres://', async () => {
    await expect(openDatabase({ url: 'mysql://root@localhost/db' })).rejects.toThrow(/postgres:\/\//);
  });
});
