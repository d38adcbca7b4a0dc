import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase, openPglite, pgliteOptions } from '../db.js';
import type { Database, DatabaseKind, OpenDatabase } from '../db.js';
import * as schema from '../schema/index.js';
import { createServerDatabase } from '../server-database.js';
import { BACKENDS, useTestDatabase } from '../test-database.js';
import { createDatasetsRepo } from './datasets-repo.js';
import { flowError } from './expect-flow-error.js';
import { createWorkflowsRepo } from './workflows-repo.js';

const workflow = async (db: Database) =>
  (await createWorkflowsRepo(db).create({ name: 'wf', document: {}, valid: true })).workflow.id;

/** A copy of the migrations folder that stops before `tag`: a database as an older engine left it. */
function migrationsBefore(tag: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'flowcraft-migrations-'));
  mkdirSync(join(folder, 'meta'));
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  const entries = journal.entries.slice(
    0,
    journal.entries.findIndex((e) => e.tag === tag),
  );
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  for (const e of entries) copyFileSync(join(MIGRATIONS_FOLDER, `${e.tag}.sql`), join(folder, `${e.tag}.sql`));
  return folder;
}

/**
 * Opens a database migrated up to (not including) `tag`, lets `seed` write to it, then opens it as
 * this engine does (the remaining migrations applied).
 */
async function upgradeFrom(
  kind: DatabaseKind,
  tag: string,
  seed: (db: Database) => Promise<void>,
): Promise<{ open: OpenDatabase; dispose(): Promise<void> }> {
  const folder = migrationsBefore(tag);
  try {
    if (kind === 'pglite') {
      const client = new PGlite(pgliteOptions());
      const old = drizzlePglite({ client, schema });
      await migratePglite(old, { migrationsFolder: folder });
      await seed(old);
      const open = await openPglite(client);
      return { open, dispose: () => open.close() };
    }
    const server = await createServerDatabase(process.env.DATABASE_URL || undefined);
    try {
      const client = postgres(server.url, { max: 1, onnotice: () => {} });
      try {
        const old = drizzlePostgres({ client, schema });
        await migratePostgres(old, { migrationsFolder: folder });
        await seed(old);
      } finally {
        await client.end({ timeout: 5 });
      }
      const open = await openDatabase({ url: server.url, maxConnections: 2 });
      return {
        open,
        dispose: async () => {
          await open.close();
          await server.drop();
        },
      };
    } catch (err) {
      // A failed upgrade (the test's point) must not leave its database behind.
      await server.drop();
      throw err;
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

for (const kind of BACKENDS) {
  describe(`datasets repo on ${kind}`, () => {
    const store = useTestDatabase(kind);
    const repo = () => createDatasetsRepo(store.db);

    it('refuses a name another dataset of the workflow has (trimmed, any case) with conflict naming it', async () => {
      const wf = await workflow(store.db);
      const first = await repo().create({ workflowId: wf, name: 'Smoke tests', description: '' });
      for (const name of ['Smoke tests', ' smoke TESTS  ', 'SMOKE TESTS']) {
        const err = await flowError(repo().create({ workflowId: wf, name, description: '' }));
        expect(err.code).toBe('conflict');
        expect(err.message).toContain(first.id);
        expect(err.message).toContain('"Smoke tests"');
        expect(err.details).toEqual({ workflowId: wf, name: name.trim(), datasetId: first.id });
      }
      // Another workflow may use the name; a different name is fine.
      const other = await workflow(store.db);
      expect((await repo().create({ workflowId: other, name: 'smoke tests', description: '' })).name).toBe(
        'smoke tests',
      );
      const second = await repo().create({ workflowId: wf, name: 'Smoke tests 2', description: '' });
      expect((await repo().list(wf)).map((d) => d.name).sort()).toEqual(['Smoke tests', 'Smoke tests 2']);

      // Renaming onto the other's name is refused; nothing changes.
      const renamed = await flowError(repo().update(second.id, { name: 'smoke tests ' }));
      expect(renamed.code).toBe('conflict');
      expect(renamed.details).toMatchObject({ datasetId: first.id });
      expect((await repo().get(second.id))?.name).toBe('Smoke tests 2');
      // A dataset may change its own name's case; a description alone is no rename.
      expect((await repo().update(first.id, { name: 'SMOKE tests' }))?.name).toBe('SMOKE tests');
      expect((await repo().update(second.id, { description: 'nightly' }))?.description).toBe('nightly');
      // A deleted dataset's name is free again.
      expect(await repo().delete(first.id)).toBe(true);
      expect((await repo().update(second.id, { name: 'Smoke tests' }))?.name).toBe('Smoke tests');
    });

    it('two creations of one name at the same time: one dataset, the other refused with conflict', async () => {
      const wf = await workflow(store.db);
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, () => repo().create({ workflowId: wf, name: 'Race', description: '' })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results)
        if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'conflict', name: 'FlowError' });
      expect(await repo().list(wf)).toHaveLength(1);
    });
  });

  describe(`migration 0008_dataset_names on ${kind}`, () => {
    let dispose: (() => Promise<void>) | undefined;
    afterAll(() => dispose?.());

    it('renames the duplicates an older database holds instead of failing, then enforces unique names', async () => {
      let wf = '';
      let other = '';
      const upgraded = await upgradeFrom(kind, '0008_dataset_names', async (db) => {
        wf = await workflow(db);
        other = await workflow(db);
        const rows: [string, string, string, string][] = [
          ['d0', wf, 'Smoke (2)', '2026-01-01T00:00:00Z'],
          ['d1', wf, 'Smoke', '2026-01-02T00:00:00Z'],
          ['d2', wf, 'smoke ', '2026-01-03T00:00:00Z'],
          ['d3', wf, 'SMOKE', '2026-01-04T00:00:00Z'],
          ['d4', wf, 'Other', '2026-01-05T00:00:00Z'],
          ['d5', other, 'Smoke', '2026-01-06T00:00:00Z'],
        ];
        for (const [id, workflowId, name, at] of rows)
          await db.execute(
            sql`insert into datasets (id, workflow_id, name, created_at, updated_at) values (${id}, ${workflowId}, ${name}, ${at}, ${at})`,
          );
      });
      dispose = upgraded.dispose;
      const repo = createDatasetsRepo(upgraded.open.db);
      const names = async (workflowId: string) =>
        Object.fromEntries((await repo.list(workflowId)).map((d) => [d.id, d.name]));
      // The oldest of each group keeps its name; the others take the first free " (n)".
      expect(await names(wf)).toEqual({
        d0: 'Smoke (2)',
        d1: 'Smoke',
        d2: 'smoke (3)',
        d3: 'SMOKE (4)',
        d4: 'Other',
      });
      expect(await names(other)).toEqual({ d5: 'Smoke' });
      const err = await flowError(repo.create({ workflowId: wf, name: 'smoke (3)', description: '' }));
      expect(err).toMatchObject({ code: 'conflict', details: { datasetId: 'd2' } });
    }, 30_000);
  });
}
