import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FlowError } from '@flowcraft/schema';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { RunService } from '../lifecycle/run-service.js';
import type { RunRecord } from '../lifecycle/ports.js';
import { StoreRunPorts } from '../lifecycle/store-run-ports.js';
import { createStore } from '../store/index.js';
import type { Database } from '../store/index.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';
import { PgBossRunQueue, RUN_QUEUE, RUN_QUEUED_CHANNEL } from './pg-boss-queue.js';

const DOC = {
  id: 'q-doc',
  name: 'queue test',
  channels: { topic: { type: 'string' } },
  nodes: [
    { id: 'start', type: 'start', position: { x: 0, y: 0 }, config: {} },
    { id: 'end', type: 'end', position: { x: 200, y: 0 }, config: {} },
  ],
  edges: [{ id: 'e', source: 'start', target: 'end' }],
};

for (const kind of BACKENDS) {
  describe(`pg-boss run queue (${kind})`, () => {
    const t = useTestDatabase(kind, { fresh: true });
    let queue: PgBossRunQueue;

    beforeAll(async () => {
      queue = await PgBossRunQueue.open(t.native, { pollingIntervalSeconds: 0.5, supervise: false });
    });
    afterAll(async () => {
      await queue?.close();
    });

    async function jobsFor(runId: string): Promise<number> {
      const { rows } = await t.native.executeSql(
        `select count(*)::int as n from pgboss.job where name = $1 and data->>'runId' = $2`,
        [RUN_QUEUE, runId],
      );
      return Number(rows[0]?.n ?? 0);
    }

    async function completedOf(runIds: string[]): Promise<number> {
      const { rows } = await t.native.executeSql(
        `select count(*)::int as n from pgboss.job where name = $1 and state = 'completed' and data->>'runId' = any($2::text[])`,
        [RUN_QUEUE, runIds],
      );
      return Number(rows[0]?.n ?? 0);
    }

    async function newRunRow(ports: StoreRunPorts, threadId?: string) {
      const store = createStore(t.db);
      const id = `q-${randomUUID()}`;
      const { workflow, version } = await store.workflows.create({
        id,
        name: 'q',
        document: { ...DOC, id },
        valid: true,
      });
      const thread = await ports.createThread(workflow.id, threadId);
      return ports.createRun({
        id: randomUUID(),
        threadId: thread,
        workflowId: workflow.id,
        workflowVersion: version.version,
        input: {},
        command: { kind: 'start' },
      });
    }

    // On a server the run, its thread and its job are sent together (pipelined); both ways must hold.
    for (const pipeline of kind === 'postgres' ? [false, true] : [false]) {
      const mode = pipeline ? ' (pipelined)' : '';
      it(`adds a job in the transaction that creates the run, and none when that transaction fails${mode}`, async () => {
        const ports = new StoreRunPorts(createStore(t.db, { pipeline }), queue);
        const run = await newRunRow(ports);
        expect(await jobsFor(run.id)).toBe(1);

        // A second active run on the same thread is refused inside the transaction: no row, no job.
        const again = await newRunRow(ports, run.threadId).catch((err: unknown) => err);
        expect(again).toBeInstanceOf(FlowError);
        expect((again as FlowError).code).toBe('conflict');
        const { rows } = await t.native.executeSql(
          `select count(*)::int as n from pgboss.job j where j.name = $1 and not exists (select 1 from runs r where r.id = j.data->>'runId')`,
          [RUN_QUEUE],
        );
        expect(Number(rows[0]?.n)).toBe(0);
      });

      it(`creates a new thread in the transaction of its first run: a refused run leaves no thread${mode}`, async () => {
        const ports = new StoreRunPorts(createStore(t.db, { pipeline }), queue);
        const first = await newRunRow(ports);
        const threadsNamed = async (id: string) =>
          Number((await t.native.executeSql('select count(*)::int as n from threads where id = $1', [id])).rows[0]?.n);
        const create = (threadId: string, id: string) =>
          ports.createRun({
            id,
            threadId,
            workflowId: first.workflowId,
            workflowVersion: first.workflowVersion,
            input: {},
            command: { kind: 'start' },
            newThread: true,
          });
        const threadId = randomUUID();
        const run = await create(threadId, randomUUID());
        expect(run.threadId).toBe(threadId);
        expect(await threadsNamed(threadId)).toBe(1);
        expect(await jobsFor(run.id)).toBe(1);
        // The run id is taken: the run is refused, and the thread made for it goes with it.
        const orphan = randomUUID();
        await expect(create(orphan, run.id)).rejects.toThrow();
        expect(await threadsNamed(orphan)).toBe(0);
      });
    }

    if (kind === 'postgres')
      it('creates a run, its job and the wake-up in one statement: the job as `send` stores it, workers woken at commit', async () => {
        const woken: string[] = [];
        const unlisten = await t.native.listen(RUN_QUEUED_CHANNEL, (payload) => woken.push(payload));
        try {
          // Built as a statement of the run's insert, not enqueued in a transaction.
          const built = vi.spyOn(queue, 'jobStatement');
          const enqueued = vi.spyOn(queue, 'enqueue');
          const run = await newRunRow(new StoreRunPorts(createStore(t.db, { pipeline: true }), queue));
          expect([built.mock.calls.length, enqueued.mock.calls.length]).toEqual([1, 0]);
          built.mockRestore();
          enqueued.mockRestore();
          const plain = await newRunRow(new StoreRunPorts(createStore(t.db), queue));
          // The job's columns as pg-boss's own `send` (in a transaction) sets them.
          const job = async (runId: string) =>
            (
              await t.native.executeSql(
                `select name, state, priority, retry_limit, retry_delay, retry_backoff, policy, expire_in::text as expire_in,
                        (keep_until - start_after)::text as kept, start_after <= now() as due, data
                   from pgboss.job where name = $1 and data->>'runId' = $2`,
                [RUN_QUEUE, runId],
              )
            ).rows;
          const [one] = await job(run.id);
          const [other] = await job(plain.id);
          expect(one).toEqual({ ...other, data: { runId: run.id } });
          expect(one?.state).toBe('created');
          await expect.poll(() => woken.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
        } finally {
          await unlisten();
        }
      });

    it('gives a new job to a queued run whose job a worker took but never claimed (it died in between)', async () => {
      const ports = new StoreRunPorts(createStore(t.db), queue);
      const runs = new RunService(ports, createBuiltinRegistry(), { env: {}, owner: 'reaper', leaseSeconds: 0.2 });
      const run = await newRunRow(ports);
      // The dying worker: takes the job (pg-boss marks it active), never claims the run.
      const taken = await queue.jobs.fetch<{ runId: string }>(RUN_QUEUE, { batchSize: 100 });
      const orphan = taken.find((j) => j.data.runId === run.id);
      expect(orphan).toBeDefined();
      // A job taken just now is not given up on: its worker may be about to claim.
      expect(await runs.reapExpiredLeases()).not.toContain(run.id);
      await new Promise((r) => setTimeout(r, 400));
      expect(await runs.reapExpiredLeases()).toContain(run.id);
      const { rows } = await t.native.executeSql(
        `select state from pgboss.job where name = $1 and data->>'runId' = $2 order by created_on`,
        [RUN_QUEUE, run.id],
      );
      expect(rows.map((r) => r.state)).toEqual(['cancelled', 'created']);
      expect((await ports.getRun(run.id)).status).toBe('queued');
      // Once: the run has a job waiting now, so the next sweep adds none.
      await new Promise((r) => setTimeout(r, 400));
      expect(await runs.reapExpiredLeases()).not.toContain(run.id);
      expect(await jobsFor(run.id)).toBe(2);
      // Other jobs this test took stand for runs of earlier tests: leave them as they were found.
      for (const j of taken) if (j.id !== orphan?.id) await queue.jobs.complete(RUN_QUEUE, j.id);
    });

    it('rolls the job back with the transaction that enqueued it', async () => {
      const runId = randomUUID();
      const failed = await t.db
        .transaction(async (tx) => {
          await queue.enqueue(tx as unknown as Database, runId);
          // Not visible outside the transaction yet (PGlite has one connection: the transaction holds it).
          if (kind === 'postgres') expect(await jobsFor(runId)).toBe(0);
          throw new Error('rollback');
        })
        .catch((err: unknown) => err);
      expect(failed).toBeInstanceOf(Error);
      expect(await jobsFor(runId)).toBe(0);
      await t.db.transaction(async (tx) => queue.enqueue(tx as unknown as Database, runId));
      expect(await jobsFor(runId)).toBe(1);
    });

    it('re-queueing a run (a transition into queued) adds its job; other transitions add none', async () => {
      const ports = new StoreRunPorts(createStore(t.db), queue);
      const run = await newRunRow(ports);
      const claimed = await ports.transition(run.id, { from: ['queued'] }, { status: 'running', claimBy: 'w-test' });
      expect(claimed).toMatchObject({ status: 'running', attempt: 1, worker: 'w-test' });
      expect(await jobsFor(run.id)).toBe(1);
      await ports.transition(run.id, { from: ['running'] }, { status: 'queued', release: true, recovered: true });
      expect(await jobsFor(run.id)).toBe(2);
      // A lost compare-and-set adds nothing.
      expect(await ports.transition(run.id, { from: ['running'] }, { status: 'queued' })).toBeUndefined();
      expect(await jobsFor(run.id)).toBe(2);
    });

    it('delivers queued runs to workers, at most `concurrency` at once, woken by the queueing NOTIFY', async () => {
      const ports = new StoreRunPorts(createStore(t.db), queue);
      const seen: string[] = [];
      let running = 0;
      let peak = 0;
      // Jobs left by the tests above are delivered too: count only these runs.
      const runs = await Promise.all(Array.from({ length: 6 }, () => newRunRow(ports)));
      const mine = new Set(runs.map((r) => r.id));
      const all = new Promise<void>((resolve) => {
        void queue.work(
          async (runId) => {
            if (!mine.has(runId)) return;
            running++;
            peak = Math.max(peak, running);
            await new Promise((r) => setTimeout(r, 150));
            running--;
            seen.push(runId);
            if (seen.length === mine.size) resolve();
          },
          { concurrency: 2 },
        );
      });
      await all;
      expect(new Set(seen)).toEqual(mine);
      expect(peak).toBeLessThanOrEqual(2);
      // Each job is completed once its run ended (several ending together share one completion).
      await expect.poll(() => completedOf([...mine]), { timeout: 5000 }).toBe(mine.size);
      const stats = await queue.stats();
      expect(stats.depth).toBe(0);
      await queue.stopWorking();
    });

    it('claims the runs it takes in the fetch’s own statement (`claim`): the handler gets them running, no claim of its own', async () => {
      const ports = new StoreRunPorts(createStore(t.db), queue);
      const runs = await Promise.all(Array.from({ length: 4 }, () => newRunRow(ports)));
      // A run a cancel reached while it waited is taken but not claimed: its handler decides.
      const asked = await newRunRow(ports);
      expect(await ports.transition(asked.id, { from: ['queued'] }, { cancelRequested: true })).toBeDefined();
      const mine = new Set([...runs, asked].map((r) => r.id));
      const transition = vi.spyOn(ports, 'transition');
      const got = new Map<string, RunRecord | undefined>();
      await new Promise<void>((resolve) => {
        void queue.work<RunRecord>(
          async (runId, claimed) => {
            if (!mine.has(runId)) return;
            got.set(runId, claimed);
            if (got.size === mine.size) resolve();
          },
          {
            concurrency: 8,
            claim: ports.claimWithFetch(
              { from: ['queued'], claimableBelow: 3 },
              { status: 'running', claimBy: 'w-fetch', leaseSeconds: 30 },
            ),
          },
        );
      });
      await queue.stopWorking();
      expect(transition).not.toHaveBeenCalled();
      for (const run of runs) {
        const claimed = got.get(run.id);
        expect(claimed).toMatchObject({ id: run.id, status: 'running', attempt: 1, worker: 'w-fetch' });
        // What the handler got is the stored row.
        expect(claimed).toEqual(await ports.getRun(run.id));
        const { rows } = await t.native.executeSql(
          'select owner, lease_until > now() as leased from runs where id = $1',
          [run.id],
        );
        expect(rows[0]).toMatchObject({ owner: 'w-fetch', leased: true });
      }
      expect(got.has(asked.id)).toBe(true);
      expect(got.get(asked.id)).toBeUndefined();
      expect(await ports.getRun(asked.id)).toMatchObject({ status: 'queued', attempt: 0 });
      await expect.poll(() => completedOf([...mine]), { timeout: 5000 }).toBe(mine.size);
    });

    it('reports a claim that fails instead of dropping it as pg-boss drops its fetch’s errors; the jobs stay for a worker', async () => {
      const ports = new StoreRunPorts(createStore(t.db), queue);
      const run = await newRunRow(ports);
      const errors: unknown[] = [];
      const failing = await PgBossRunQueue.open(t.native, {
        pollingIntervalSeconds: 0.2,
        supervise: false,
        onError: (err) => errors.push(err),
      });
      try {
        await failing.work(async () => undefined, {
          concurrency: 2,
          claim: async () => {
            throw new Error('claim refused');
          },
        });
        await expect.poll(() => errors.length, { timeout: 5000 }).toBeGreaterThan(0);
        expect(String(errors[0])).toContain('claim refused');
      } finally {
        await failing.close();
      }
      const { rows } = await t.native.executeSql(
        `select state from pgboss.job where name = $1 and data->>'runId' = $2`,
        [RUN_QUEUE, run.id],
      );
      expect(rows).toEqual([{ state: 'created' }]);
    });

    it('archives completed jobs soon after (not pg-boss’s 12 h): the job table keeps waiting and active ones', async () => {
      const ports = new StoreRunPorts(createStore(t.db), queue);
      const runs = await Promise.all(Array.from({ length: 3 }, () => newRunRow(ports)));
      const mine = new Set(runs.map((r) => r.id));
      const done = new Set<string>();
      await new Promise<void>((resolve) => {
        void queue.work(
          async (runId) => {
            if (!mine.has(runId)) return;
            done.add(runId);
            if (done.size === mine.size) resolve();
          },
          { concurrency: 3 },
        );
      });
      await queue.stopWorking();
      await expect.poll(() => completedOf([...mine]), { timeout: 5000 }).toBe(mine.size);
      // A process that maintains the queue (here every second, archiving after one).
      const maintainer = await PgBossRunQueue.open(t.native, {
        supervise: true,
        archiveCompletedAfterSeconds: 1,
        maintenanceIntervalSeconds: 1,
      });
      try {
        await expect.poll(() => completedOf([...mine]), { timeout: 15_000, interval: 250 }).toBe(0);
        const { rows } = await t.native.executeSql(
          `select count(*)::int as n from pgboss.archive where name = $1 and state = 'completed' and data->>'runId' = any($2::text[])`,
          [RUN_QUEUE, [...mine]],
        );
        expect(Number(rows[0]?.n)).toBe(mine.size);
      } finally {
        await maintainer.close();
      }
    }, 30_000);
  });
}
