import { emptyCheckpoint, uuid6 } from '@langchain/langgraph-checkpoint';
import type { Checkpoint, CheckpointMetadata } from '@langchain/langgraph-checkpoint';
import type { RunnableConfig } from '@langchain/core/runnables';
import { count, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DrizzleSaver } from './checkpointer/drizzle-saver.js';
import type { CheckpointWriteTarget } from './checkpointer/write-statements.js';
import { flowError } from './repos/expect-flow-error.js';
import { createRunEventsRepo, resultRows } from './repos/run-events-repo.js';
import { createTestRun } from './repos/test-run.js';
import { createRunCommit } from './run-commit.js';
import { checkpointWrites, checkpoints } from './schema/index.js';
import { BACKENDS, useTestDatabase } from './test-database.js';

const meta: CheckpointMetadata = { source: 'loop', step: 1, parents: {} };

for (const kind of BACKENDS) {
  describe(`run commit (events + one saver write in one statement) on ${kind}`, () => {
    const store = useTestDatabase(kind);

    const newRun = () => createTestRun(store.db);

    const event = (seq: number, type = 'node.finished') => ({ seq, type, nodeId: 'n', payload: { seq } });
    const config = (threadId: string, checkpointId?: string): RunnableConfig => ({
      configurable: {
        thread_id: threadId,
        checkpoint_ns: '',
        ...(checkpointId ? { checkpoint_id: checkpointId } : {}),
      },
    });
    const checkpoint = (): Checkpoint => ({
      ...emptyCheckpoint(),
      id: uuid6(-3),
      channel_values: { topic: 'tides' },
      channel_versions: { topic: 1 },
    });
    const writesOf = async (threadId: string) =>
      (await store.db.select({ n: count() }).from(checkpointWrites).where(eq(checkpointWrites.threadId, threadId)))[0]
        ?.n;
    const checkpointsOf = async (threadId: string) =>
      (await store.db.select({ n: count() }).from(checkpoints).where(eq(checkpoints.threadId, threadId)))[0]?.n;

    it('stores a task’s events with its writes, and a checkpoint with the events before it', async () => {
      const { runId, threadId } = await newRun();
      const commit = createRunCommit(store.db, { notify: kind === 'postgres', groupCommit: true });
      const saver = new DrizzleSaver(store.db);
      const cp = checkpoint();
      await commit(runId, [event(1, 'run.started'), event(2, 'node.started')], async (target) => {
        await saver.putIn(target, config(threadId), cp, meta, { topic: 1 });
      });
      await commit(runId, [event(3)], (target) =>
        saver.putWritesIn(target, config(threadId, cp.id), [['draft', 'hello']], 'task-1'),
      );
      const events = await createRunEventsRepo(store.db).listAfter(runId);
      expect(events.map((e) => [e.seq, e.type])).toEqual([
        [1, 'run.started'],
        [2, 'node.started'],
        [3, 'node.finished'],
      ]);
      const tuple = await saver.getTuple(config(threadId, cp.id));
      expect(tuple?.checkpoint.channel_values).toEqual({ topic: 'tides' });
      expect(tuple?.pendingWrites).toEqual([['task-1', 'draft', 'hello']]);
      expect(await createRunEventsRepo(store.db).lastSeq(runId)).toBe(3);
    });

    it('stores nothing — neither events nor writes nor checkpoint — when the seqs do not follow', async () => {
      const { runId, threadId } = await newRun();
      const commit = createRunCommit(store.db, { notify: false, groupCommit: kind === 'postgres' });
      const saver = new DrizzleSaver(store.db);
      const cp = checkpoint();
      await commit(runId, [event(1)], async (target) => {
        await saver.putIn(target, config(threadId), cp, meta, { topic: 1 });
      });
      // A second writer (a worker that lost the run) numbering from a stale seq.
      const stale = commit(runId, [event(1)], (target) =>
        saver.putWritesIn(target, config(threadId, cp.id), [['draft', 'late']], 'task-x'),
      );
      expect((await flowError(stale)).code).toBe('conflict');
      const gap = commit(runId, [event(5)], async (target) => {
        await saver.putIn(target, config(threadId, cp.id), checkpoint(), meta, { topic: 2 });
      });
      expect((await flowError(gap)).code).toBe('conflict');
      expect(await writesOf(threadId)).toBe(0);
      expect(await checkpointsOf(threadId)).toBe(1);
      expect((await createRunEventsRepo(store.db).listAfter(runId)).map((e) => e.seq)).toEqual([1]);
    });

    for (const groupCommit of [false, true])
      it(`stores a step's last task's writes and the checkpoint after them in one commit, or neither from a stale seq (${groupCommit ? 'grouped' : 'one run'})`, async () => {
        const { runId, threadId } = await newRun();
        const commit = createRunCommit(store.db, { notify: false, groupCommit });
        const saver = new DrizzleSaver(store.db);
        const first = checkpoint();
        await commit(runId, [event(1, 'checkpoint.saved')], async (target) => {
          await saver.putIn(target, config(threadId), first, meta, { topic: 1 });
        });
        const next = {
          ...checkpoint(),
          id: uuid6(-3),
          channel_values: { topic: 'kelp' },
          channel_versions: { topic: 2 },
        };
        const step = (value: string) => async (target: CheckpointWriteTarget) => {
          await saver.putWritesIn(target, config(threadId, first.id), [['topic', value]], 'task-1');
          await saver.putIn(target, config(threadId, first.id), next, { ...meta, step: 2 }, { topic: 2 });
        };
        // A stale writer (a worker that lost the run): neither its writes nor its checkpoint.
        expect((await flowError(commit(runId, [event(1), event(2, 'checkpoint.saved')], step('late')))).code).toBe(
          'conflict',
        );
        expect(await writesOf(threadId)).toBe(0);
        expect(await checkpointsOf(threadId)).toBe(1);
        await commit(runId, [event(2), event(3, 'checkpoint.saved')], step('kelp'));
        expect(await writesOf(threadId)).toBe(1);
        const tuple = await saver.getTuple(config(threadId, first.id));
        expect(tuple?.pendingWrites).toEqual([['task-1', 'topic', 'kelp']]);
        expect((await saver.getTuple(config(threadId)))?.checkpoint.id).toBe(next.id);
        expect(await createRunEventsRepo(store.db).lastSeq(runId)).toBe(3);
      });

    it('grouped: many runs’ task commits at once, each run’s writes with its own events; a stale one refused alone', async () => {
      const commit = createRunCommit(store.db, { notify: kind === 'postgres', groupCommit: true });
      const saver = new DrizzleSaver(store.db);
      const runs = await Promise.all(Array.from({ length: 12 }, () => newRun()));
      const cps = await Promise.all(
        runs.map(async ({ runId, threadId }) => {
          const cp = checkpoint();
          await commit(runId, [event(1, 'run.started')], async (target) => {
            await saver.putIn(target, config(threadId), cp, meta, { topic: 1 });
          });
          return cp;
        }),
      );
      const stale = runs[5];
      const outcomes = await Promise.allSettled(
        runs.map((r, i) =>
          // The stale one numbers from a seq already stored (a worker that lost the run).
          commit(r.runId, [event(r === stale ? 1 : 2), event(r === stale ? 2 : 3)], (target) =>
            saver.putWritesIn(
              target,
              config(r.threadId, cps[i]?.id),
              [
                ['draft', `draft ${i}`],
                ['n', i],
              ],
              `task-${i}`,
            ),
          ),
        ),
      );
      runs.forEach((r, i) => {
        const o = outcomes[i];
        if (r === stale) expect(o?.status).toBe('rejected');
        else expect(o?.status, `run ${i}`).toBe('fulfilled');
      });
      for (const [i, r] of runs.entries()) {
        const tuple = await saver.getTuple(config(r.threadId, cps[i]?.id));
        const seqs = (await createRunEventsRepo(store.db).listAfter(r.runId)).map((e) => e.seq);
        if (r === stale) {
          expect(tuple?.pendingWrites).toEqual([]);
          expect(seqs).toEqual([1]);
        } else {
          expect(tuple?.pendingWrites).toEqual([
            [`task-${i}`, 'draft', `draft ${i}`],
            [`task-${i}`, 'n', i],
          ]);
          expect(seqs).toEqual([1, 2, 3]);
        }
      }
    });

    it('grouped: many runs’ checkpoints at once, each with its events; a stale one stores neither checkpoint, blobs nor events', async () => {
      const commit = createRunCommit(store.db, { notify: kind === 'postgres', groupCommit: true });
      const saver = new DrizzleSaver(store.db);
      const runs = await Promise.all(Array.from({ length: 12 }, () => newRun()));
      await Promise.all(runs.map((r) => commit(r.runId, [event(1, 'run.started')], async () => undefined)));
      const stale = runs[7];
      const cps = runs.map((_, i) => ({
        ...emptyCheckpoint(),
        id: uuid6(-3),
        channel_values: { topic: `topic ${i}`, bin: new Uint8Array([i, 0, 255]) },
        channel_versions: { topic: 1, bin: 1 },
      }));
      const outcomes = await Promise.allSettled(
        runs.map((r, i) =>
          // The stale one numbers from a seq already stored (a worker that lost the run).
          commit(r.runId, [event(r === stale ? 1 : 2, 'checkpoint.saved')], async (target) => {
            const cp = cps[i];
            if (cp) await saver.putIn(target, config(r.threadId), cp, meta, { topic: 1, bin: 1 });
          }),
        ),
      );
      for (const [i, r] of runs.entries()) {
        const tuple = await saver.getTuple(config(r.threadId));
        const events = await createRunEventsRepo(store.db).listAfter(r.runId);
        if (r === stale) {
          expect(outcomes[i]?.status).toBe('rejected');
          expect(tuple).toBeUndefined();
          expect(await checkpointsOf(r.threadId)).toBe(0);
          const blobs = await store.db.execute(
            sql`select count(*)::int as n from checkpoint_blobs where thread_id = ${r.threadId}`,
          );
          expect(resultRows(blobs)[0]?.n).toBe(0);
          expect(events.map((e) => e.type)).toEqual(['run.started']);
        } else {
          expect(outcomes[i]?.status, `run ${i}`).toBe('fulfilled');
          expect(tuple?.checkpoint.id).toBe(cps[i]?.id);
          expect(tuple?.checkpoint.channel_values).toEqual({ topic: `topic ${i}`, bin: new Uint8Array([i, 0, 255]) });
          expect(events.map((e) => [e.seq, e.type])).toEqual([
            [1, 'run.started'],
            [2, 'checkpoint.saved'],
          ]);
        }
      }
    });

    it('grouped: a write without events is kept to the run’s stored seq — stored there, refused once the run moved on', async () => {
      const commit = createRunCommit(store.db, { notify: kind === 'postgres', groupCommit: true });
      const saver = new DrizzleSaver(store.db);
      const { runId, threadId } = await newRun();
      const cp = checkpoint();
      await commit(runId, [event(1, 'run.started')], async (target) => {
        await saver.putIn(target, config(threadId), cp, meta, { topic: 1 });
      });
      await commit(
        runId,
        [],
        (target) => saver.putWritesIn(target, config(threadId, cp.id), [['draft', 'kept']], '__start__'),
        1,
      );
      expect((await saver.getTuple(config(threadId, cp.id)))?.pendingWrites).toEqual([['__start__', 'draft', 'kept']]);
      // A worker that lost the run (its view: seq 0) writes nothing.
      const stale = commit(
        runId,
        [],
        (target) => saver.putWritesIn(target, config(threadId, cp.id), [['draft', 'late']], 'task-late'),
        0,
      );
      expect((await flowError(stale)).code).toBe('conflict');
      expect(await writesOf(threadId)).toBe(1);
      expect((await createRunEventsRepo(store.db).listAfter(runId)).map((e) => e.seq)).toEqual([1]);
    });

    it('writes without events go to the database as they are; events without a write are appended', async () => {
      const { runId, threadId } = await newRun();
      const commit = createRunCommit(store.db, { notify: false, groupCommit: kind === 'postgres' });
      const saver = new DrizzleSaver(store.db);
      const cp = checkpoint();
      await commit(runId, [], async (target) => {
        await saver.putIn(target, config(threadId), cp, meta, { topic: 1 });
      });
      await commit(runId, [event(1), event(2)], async () => undefined);
      expect(await checkpointsOf(threadId)).toBe(1);
      expect(await createRunEventsRepo(store.db).lastSeq(runId)).toBe(2);
      await expect(commit('no-such-run', [event(1)], async () => undefined)).rejects.toThrow(/not found/);
    });
  });
}
