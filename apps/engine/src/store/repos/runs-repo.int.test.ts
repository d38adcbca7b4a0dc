import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db.js';
import { BACKENDS, useTestDatabase } from '../test-database.js';
import { flowError } from './expect-flow-error.js';
import { FlowError, RunStatus } from '@flowcraft/schema';
import { createRunsRepo } from './runs-repo.js';
import type { RunChange } from './runs-repo.js';
import { createThreadsRepo } from './threads-repo.js';
import { createWorkflowsRepo } from './workflows-repo.js';

async function fixture(db: Database) {
  const { workflow } = await createWorkflowsRepo(db).create({
    name: `runs ${randomUUID()}`,
    document: {},
    valid: true,
  });
  const thread = await createThreadsRepo(db).create({ workflowId: workflow.id });
  return { workflowId: workflow.id, threadId: thread.id, workflowVersion: 1 };
}

for (const kind of BACKENDS) {
  describe(`runs repo on ${kind}`, () => {
    const store = useTestDatabase(kind);
    const runs = () => createRunsRepo(store.db);
    /** A transition from any status (the lifecycle's own guards are tested in lifecycle/). */
    const update = async (id: string, change: RunChange) => {
      const row = await runs().transition(id, { from: RunStatus.options }, change);
      if (row === undefined) throw new FlowError('not_found', `Run ${id} not found`);
      return row;
    };

    it('creates a run with its new thread in one statement, read back as the repository reads it', async () => {
      const f = await fixture(store.db);
      const threadId = randomUUID();
      const run = await runs().create({ ...f, threadId, newThread: true, input: { topic: 'x\u0000' } });
      expect(run).toEqual(await runs().get(run.id));
      expect(run).toMatchObject({ threadId, status: 'queued', input: { topic: 'x\\u0000' }, lastEventSeq: 0 });
      expect(run.createdAt).toBeInstanceOf(Date);
      expect(await createThreadsRepo(store.db).get(threadId)).toMatchObject({ workflowId: f.workflowId, metadata: {} });
      // A thread that exists already: conflict, and no run is left behind.
      await update(run.id, { status: 'completed' });
      const again = randomUUID();
      const err = await flowError(runs().create({ ...f, id: again, threadId, newThread: true }));
      expect(err.code).toBe('conflict');
      expect(err.message).toMatch(/Thread .* already exists/);
      expect(await runs().find(again)).toBeUndefined();
      // An unknown workflow: not_found, and neither thread nor run is stored.
      const lost = randomUUID();
      const missing = await flowError(runs().create({ ...f, workflowId: 'nope', threadId: lost, newThread: true }));
      expect(missing.code).toBe('not_found');
      expect(await createThreadsRepo(store.db).find(lost)).toBeUndefined();
    });

    it('creates a queued run pinned to a workflow version; unknown thread or version is not_found', async () => {
      const f = await fixture(store.db);
      const run = await runs().create({ ...f, input: { topic: 'x' } });
      expect(run).toMatchObject({
        ...f,
        status: 'queued',
        input: { topic: 'x' },
        output: null,
        error: null,
        tokensIn: 0,
        tokensOut: 0,
        cost: 0,
        startedAt: null,
        finishedAt: null,
        lastEventSeq: 0,
        revision: 0,
        attempt: 0,
        recoveries: 0,
        owner: null,
        interrupts: [],
        paused: null,
        cancelRequested: false,
      });
      expect(await runs().get(run.id)).toEqual(run);
      expect((await flowError(runs().create({ ...f, threadId: `missing-${randomUUID()}` }))).code).toBe('not_found');
      await update(run.id, { status: 'completed' });
      expect((await flowError(runs().create({ ...f, workflowVersion: 7 }))).code).toBe('not_found');
      expect((await flowError(runs().get(`missing-${randomUUID()}`))).code).toBe('not_found');
    });

    it('refuses a second active run on a thread, also when both start at once', async () => {
      const f = await fixture(store.db);
      const first = await runs().create({ ...f, status: 'running' });
      const refused = await flowError(runs().create(f));
      expect(refused.code).toBe('conflict');
      expect(refused.message).toContain(f.threadId);
      await update(first.id, { status: 'interrupted' });
      const second = await runs().create(f);
      expect((await flowError(update(first.id, { status: 'running' }))).code).toBe('conflict');
      await update(second.id, { status: 'cancelled' });
      expect((await update(first.id, { status: 'running' })).status).toBe('running');
      await update(first.id, { status: 'completed' });

      const g = await fixture(store.db);
      const results = await Promise.allSettled(Array.from({ length: 4 }, () => runs().create(g)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await runs().findActiveOnThread(g.threadId))?.status).toBe('queued');
    });

    it('stamps start and finish times and stores output, error and usage', async () => {
      const f = await fixture(store.db);
      const run = await runs().create(f);
      const running = await update(run.id, { status: 'running' });
      expect(running.startedAt).toBeInstanceOf(Date);
      expect(running.finishedAt).toBeNull();
      await runs().addUsage(run.id, { tokensIn: 10, tokensOut: 5, cost: 0.25 });
      await runs().addUsage(run.id, { tokensIn: 1, cost: 0.5 });
      const interrupted = await update(run.id, { status: 'interrupted' });
      const resumed = await update(run.id, { status: 'running' });
      expect(resumed.startedAt).toEqual(running.startedAt);
      const failed = await update(run.id, {
        status: 'failed',
        error: { code: 'node_failed', message: 'boom', nodeId: 'n1' },
        output: { partial: true },
      });
      expect(failed).toMatchObject({
        status: 'failed',
        tokensIn: 11,
        tokensOut: 5,
        cost: 0.75,
        error: { code: 'node_failed', message: 'boom', nodeId: 'n1' },
        output: { partial: true },
      });
      expect(failed.finishedAt?.getTime()).toBeGreaterThanOrEqual(interrupted.updatedAt.getTime());
      expect((await flowError(update(`missing-${randomUUID()}`, { status: 'failed' }))).code).toBe('not_found');
      expect((await flowError(runs().addUsage(`missing-${randomUUID()}`, { tokensIn: 1 }))).code).toBe('not_found');
    });

    it('transitions are compare-and-set: of concurrent transitions from one revision exactly one wins', async () => {
      const f = await fixture(store.db);
      const run = await runs().create(f);
      const tries = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          runs().transition(
            run.id,
            { from: ['queued'], revision: run.revision },
            { status: 'running', claimBy: `p${i}` },
          ),
        ),
      );
      const winners = tries.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toMatchObject({ status: 'running', attempt: 1, revision: 1 });
      // A stale attempt cannot finish the run; the owning attempt can, once.
      expect(
        await runs().transition(run.id, { from: ['running'], attempt: 0 }, { status: 'completed' }),
      ).toBeUndefined();
      const done = await runs().transition(
        run.id,
        { from: ['running'], attempt: 1 },
        { status: 'completed', release: true },
      );
      expect(done).toMatchObject({ status: 'completed', owner: null, revision: 2 });
      expect(await runs().transition(run.id, { from: ['running'], attempt: 1 }, { status: 'failed' })).toBeUndefined();
      expect((await runs().get(run.id)).status).toBe('completed');
    });

    it('a heartbeat renews only the leases of the runs it names that its owner still holds', async () => {
      const owner = `w-${randomUUID()}`;
      const claim = async (by: string) => {
        const run = await runs().create(await fixture(store.db));
        const claimed = await runs().transition(
          run.id,
          { from: ['queued'] },
          { status: 'running', claimBy: by, leaseSeconds: 1 },
        );
        if (claimed === undefined) throw new Error('not claimed');
        return claimed;
      };
      const executing = await claim(owner);
      // Held in the table but no longer executed by its owner (its execution could not record its end).
      const abandoned = await claim(owner);
      const others = await claim(`other-${owner}`);
      // Claimed again under the same owner name (a second process with the same worker id): the
      // execution of its first attempt no longer holds it.
      const reclaimed = await claim(owner);
      const requeued = await runs().transition(
        reclaimed.id,
        { from: ['running'] },
        { status: 'queued', release: true },
      );
      if (requeued === undefined) throw new Error('not re-queued');
      const again = await runs().transition(
        reclaimed.id,
        { from: ['queued'] },
        { status: 'running', claimBy: owner, leaseSeconds: 1 },
      );
      expect(again?.attempt).toBe(2);
      const at = (run: { id: string; attempt: number }) => ({ id: run.id, attempt: run.attempt });
      const held = await runs().renewLeases(owner, 600, [at(executing), at(others), at(reclaimed)]);
      expect(held).toEqual([{ id: executing.id, cancelRequested: false }]);
      const lease = async (id: string) => (await runs().get(id)).leaseUntil?.getTime() ?? 0;
      expect(await lease(executing.id)).toBeGreaterThan(Date.now() + 500_000);
      for (const id of [abandoned.id, others.id, reclaimed.id])
        expect(await lease(id)).toBeLessThan(Date.now() + 2_000);
      // The execution of the current attempt renews it.
      expect(await runs().renewLeases(owner, 600, [{ id: reclaimed.id, attempt: 2 }])).toEqual([
        { id: reclaimed.id, cancelRequested: false },
      ]);
      expect(await runs().renewLeases(owner, 600, [])).toEqual([]);
    });

    it('lists with status/workflow/thread filters and cursor pages; findRunning finds queued and running', async () => {
      const f = await fixture(store.db);
      const other = await createThreadsRepo(store.db).create({ workflowId: f.workflowId });
      const ids: string[] = [];
      for (const status of ['completed', 'failed', 'cancelled', 'completed'] as const) {
        const run = await runs().create(f);
        await update(run.id, { status });
        ids.push(run.id);
      }
      const active = await runs().create({ ...f, status: 'running' });
      const queued = await runs().create({ ...f, threadId: other.id });
      const all = [...ids, active.id, queued.id];

      const pages = [];
      let cursor: string | undefined;
      do {
        const page = await runs().list({ workflowId: f.workflowId, limit: 4, cursor });
        pages.push(page.items.length);
        for (const r of page.items) expect(all).toContain(r.id);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(pages).toEqual([4, 2]);
      const listed = (await runs().list({ workflowId: f.workflowId })).items;
      expect(listed.map((r) => r.id).sort()).toEqual([...all].sort());
      expect(listed).toEqual(
        [...listed].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)),
      );
      expect(
        (await runs().list({ workflowId: f.workflowId, status: 'completed' })).items.map((r) => r.id).sort(),
      ).toEqual([ids[0], ids[3]].sort());
      expect((await runs().list({ workflowId: f.workflowId, status: ['failed', 'cancelled'] })).items).toHaveLength(2);
      expect((await runs().list({ threadId: other.id })).items.map((r) => r.id)).toEqual([queued.id]);

      const recovering = (await runs().findRunning()).filter((r) => r.workflowId === f.workflowId);
      expect(recovering.map((r) => [r.id, r.status]).sort()).toEqual(
        [
          [active.id, 'running'],
          [queued.id, 'queued'],
        ].sort(),
      );
    });
  });
}
