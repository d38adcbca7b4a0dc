import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BACKENDS, useTestDatabase } from '../test-database.js';
import { flowError } from './expect-flow-error.js';
import { createThreadsRepo } from './threads-repo.js';
import { createWorkflowsRepo } from './workflows-repo.js';

for (const kind of BACKENDS) {
  describe(`threads repo on ${kind}`, () => {
    const store = useTestDatabase(kind);

    it('creates threads with or without a workflow and reads them back', async () => {
      const threads = createThreadsRepo(store.db);
      const { workflow } = await createWorkflowsRepo(store.db).create({ name: 't', document: {}, valid: true });
      const bound = await threads.create({ workflowId: workflow.id, metadata: { user: 'ada' } });
      expect(bound).toMatchObject({ workflowId: workflow.id, metadata: { user: 'ada' } });
      expect(await threads.get(bound.id)).toEqual(bound);
      const id = `thread-${randomUUID()}`;
      const free = await threads.create({ id });
      expect(free).toMatchObject({ id, workflowId: null, metadata: {} });
      expect(free.createdAt).toBeInstanceOf(Date);
    });

    it('searches by metadata containment and ids, newest first, and merges metadata', async () => {
      const threads = createThreadsRepo(store.db);
      const tag = randomUUID();
      const a = await threads.create({ metadata: { tag, user: 'ada' } });
      // created_at has millisecond precision: two threads created in the same one tie (then by id).
      await new Promise((r) => setTimeout(r, 5));
      const b = await threads.create({ metadata: { tag, user: 'bob', nested: { k: 1 } } });
      await threads.create({ metadata: { tag: 'other' } });
      expect((await threads.search({ metadata: { tag }, limit: 10, offset: 0 })).map((t) => t.id)).toEqual([
        b.id,
        a.id,
      ]);
      expect(
        (await threads.search({ metadata: { tag, nested: { k: 1 } }, limit: 10, offset: 0 })).map((t) => t.id),
      ).toEqual([b.id]);
      expect((await threads.search({ metadata: { tag }, limit: 1, offset: 1 })).map((t) => t.id)).toEqual([a.id]);
      expect((await threads.search({ ids: [a.id], limit: 10, offset: 0 })).map((t) => t.id)).toEqual([a.id]);
      const merged = await threads.mergeMetadata(a.id, { user: 'eve', extra: true });
      expect(merged?.metadata).toEqual({ tag, user: 'eve', extra: true });
      expect(await threads.mergeMetadata(`missing-${randomUUID()}`, { x: 1 })).toBeUndefined();
    });

    it('reports duplicates as conflict and unknown ids as not_found', async () => {
      const threads = createThreadsRepo(store.db);
      const { id } = await threads.create();
      expect((await flowError(threads.create({ id }))).code).toBe('conflict');
      expect((await flowError(threads.create({ workflowId: `missing-${randomUUID()}` }))).code).toBe('not_found');
      expect((await flowError(threads.get(`missing-${randomUUID()}`))).code).toBe('not_found');
      expect(await threads.find(`missing-${randomUUID()}`)).toBeUndefined();
    });
  });
}
