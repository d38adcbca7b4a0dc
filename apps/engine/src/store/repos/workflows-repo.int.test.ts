import { randomUUID } from 'node:crypto';
import type { Problem } from '@flowcraft/schema';
import { describe, expect, it } from 'vitest';
import { BACKENDS, useTestDatabase } from '../test-database.js';
import { flowError } from './expect-flow-error.js';
import { createWorkflowsRepo } from './workflows-repo.js';

const doc = (name: string, extra: Record<string, unknown> = {}) => ({
  id: 'ignored-by-store',
  name,
  nodes: [],
  ...extra,
});
const problem: Problem = {
  path: ['nodes'],
  code: 'missing_start',
  message: 'The workflow needs a start node',
  severity: 'error',
};

for (const kind of BACKENDS) {
  describe(`workflows repo on ${kind}`, () => {
    const store = useTestDatabase(kind);
    const repo = () => createWorkflowsRepo(store.db);

    it('creates a workflow with version 1 and reads it back', async () => {
      const id = `wf-${randomUUID()}`;
      const created = await repo().create({
        id,
        name: 'Research',
        description: 'desc',
        document: doc('Research'),
        valid: true,
      });
      expect(created.workflow).toMatchObject({
        id,
        name: 'Research',
        description: 'desc',
        currentVersion: 1,
        deletedAt: null,
      });
      expect(created.version).toMatchObject({
        workflowId: id,
        version: 1,
        valid: true,
        problems: [],
        document: doc('Research'),
      });
      expect(await repo().get(id)).toEqual(created.workflow);
      expect((await flowError(repo().create({ id, name: 'again', document: {}, valid: true }))).code).toBe('conflict');
    });

    it('keeps every save as an immutable version, drafts included', async () => {
      const { workflow } = await repo().create({ name: 'v', document: doc('v1'), valid: true });
      const v2 = await repo().update(workflow.id, {
        name: 'v renamed',
        document: { broken: true },
        valid: false,
        problems: [problem],
      });
      expect(v2.workflow).toMatchObject({ name: 'v renamed', currentVersion: 2 });
      expect(v2.workflow.updatedAt.getTime()).toBeGreaterThanOrEqual(workflow.updatedAt.getTime());
      await repo().update(workflow.id, { name: 'v renamed', document: doc('v3'), valid: true, expectedVersion: 2 });
      const stale = await flowError(
        repo().update(workflow.id, { name: 'x', document: {}, valid: true, expectedVersion: 2 }),
      );
      expect(stale.code).toBe('conflict');
      expect((await repo().listVersions(workflow.id)).map((v) => [v.version, v.valid, v.problems.length])).toEqual([
        [3, true, 0],
        [2, false, 1],
        [1, true, 0],
      ]);
      expect((await repo().getVersion(workflow.id, 1)).document).toEqual(doc('v1'));
      expect((await repo().getVersion(workflow.id, 2)).problems).toEqual([problem]);
      expect((await repo().getVersion(workflow.id)).version).toBe(3);
      expect((await flowError(repo().getVersion(workflow.id, 9))).code).toBe('not_found');
    });

    it('gives concurrent updates distinct consecutive versions', async () => {
      const { workflow } = await repo().create({ name: 'race', document: {}, valid: true });
      const saved = await Promise.all(
        Array.from({ length: 5 }, (_, i) => repo().update(workflow.id, { name: 'race', document: { i }, valid: true })),
      );
      expect(saved.map((s) => s.version.version).sort()).toEqual([2, 3, 4, 5, 6]);
      expect((await repo().get(workflow.id)).currentVersion).toBe(6);
    });

    it('soft-deletes: gone from get/list/update, versions still readable', async () => {
      const tag = randomUUID();
      const { workflow } = await repo().create({ name: `deleted ${tag}`, document: doc('d'), valid: true });
      await repo().remove(workflow.id);
      expect(await repo().find(workflow.id)).toBeUndefined();
      expect((await flowError(repo().get(workflow.id))).code).toBe('not_found');
      expect((await flowError(repo().remove(workflow.id))).code).toBe('not_found');
      expect((await flowError(repo().update(workflow.id, { name: 'x', document: {}, valid: true }))).code).toBe(
        'not_found',
      );
      expect((await repo().list({ search: tag })).items).toEqual([]);
      expect((await repo().getVersion(workflow.id, 1)).document).toEqual(doc('d'));
    });

    it('searches name and description (case-insensitive, LIKE characters literal) and pages newest first', async () => {
      const tag = randomUUID().slice(0, 8);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push((await repo().create({ name: `Flow ${tag} ${i}`, document: {}, valid: true })).workflow.id);
      await repo().create({ name: 'other', description: `about ${tag.toUpperCase()}`, document: {}, valid: true });
      await repo().create({ name: `100%_${tag}`, document: {}, valid: true });
      const first = await repo().list({ search: `flow ${tag}`, limit: 2 });
      const second = await repo().list({ search: `flow ${tag}`, limit: 2, cursor: first.nextCursor ?? '' });
      const third = await repo().list({ search: `flow ${tag}`, limit: 2, cursor: second.nextCursor ?? '' });
      const paged = [...first.items, ...second.items, ...third.items];
      expect(paged.map((w) => w.id).sort()).toEqual([...ids].sort());
      // Newest first; ties on the millisecond broken by id, descending.
      const newestFirst = [...paged].sort(
        (a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || (a.id < b.id ? 1 : -1),
      );
      expect(paged).toEqual(newestFirst);
      expect(third.nextCursor).toBeNull();
      expect((await repo().list({ search: tag })).items).toHaveLength(7);
      expect((await repo().list({ search: `%_${tag}` })).items.map((w) => w.name)).toEqual([`100%_${tag}`]);
      expect((await flowError(repo().list({ cursor: 'not-a-cursor' }))).code).toBe('invalid_request');
      expect((await flowError(repo().list({ limit: 0 }))).code).toBe('invalid_request');
    });
  });
}
