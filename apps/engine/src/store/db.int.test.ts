import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './db.js';
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

  it('refuses a URL that is not postgres://', async () => {
    await expect(openDatabase({ url: 'mysql://root@localhost/db' })).rejects.toThrow(/postgres:\/\//);
  });
});
