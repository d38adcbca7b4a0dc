import { describe, expect, it } from 'vitest';
import { BACKENDS, useTestDatabase } from '../test-database.js';
import { flowError } from './expect-flow-error.js';
import { createRunEventsRepo } from './run-events-repo.js';
import { createRunsRepo } from './runs-repo.js';
import { createTestRun } from './test-run.js';
import { createTransitionWithEvents } from './transition-with-events.js';

for (const kind of BACKENDS) {
  describe(`transition with events (one statement) on ${kind}`, () => {
    const store = useTestDatabase(kind);
    const event = (seq: number, type = 'node.finished') => ({
      seq,
      type,
      nodeId: 'n',
      payload: { seq, text: 'a\u0000b' },
    });

    /** A run claimed by attempt 1 with `stored` events already appended. */
    async function running(stored: number) {
      const { runId } = await createTestRun(store.db);
      const runs = createRunsRepo(store.db);
      await runs.transition(runId, { from: ['queued'] }, { status: 'running', claimBy: 'w1' });
      if (stored > 0)
        await createRunEventsRepo(store.db).appendMany(
          runId,
          Array.from({ length: stored }, (_, i) => event(i + 1, 'node.started')),
        );
      return runId;
    }

    it('moves the run, adds its usage and stores the final events; returns the row as the repository reads it', async () => {
      const runId = await running(2);
      const together = createTransitionWithEvents(store.db, { notify: kind === 'postgres' });
      const moved = await together(
        runId,
        { from: ['running'], attempt: 1 },
        {
          status: 'completed',
          output: { draft: 'done' },
          command: null,
          release: true,
          usage: { input: 3, output: 4, costUsd: 0.5 },
        },
        [event(3), event(4, 'run.completed')],
      );
      const read = await createRunsRepo(store.db).get(runId);
      expect(moved).toEqual(read);
      expect(read.status).toBe('completed');
      expect(read.lastEventSeq).toBe(4);
      expect([read.tokensIn, read.tokensOut, read.cost]).toEqual([3, 4, 0.5]);
      expect(read.owner).toBeNull();
      expect(read.finishedAt).toBeInstanceOf(Date);
      const events = await createRunEventsRepo(store.db).listAfter(runId);
      expect(events.map((e) => [e.seq, e.type])).toEqual([
        [1, 'node.started'],
        [2, 'node.started'],
        [3, 'node.finished'],
        [4, 'run.completed'],
      ]);
      // Stored as every event is: NUL spelled out.
      expect(events[3]?.payload).toEqual({ seq: 4, text: 'a\\u0000b' });
    });

    it('stores nothing and returns undefined when the run no longer matches the expectation', async () => {
      const runId = await running(1);
      const together = createTransitionWithEvents(store.db, { notify: false });
      const moved = await together(runId, { from: ['running'], attempt: 2 }, { status: 'completed' }, [
        event(2, 'run.completed'),
      ]);
      expect(moved).toBeUndefined();
      const read = await createRunsRepo(store.db).get(runId);
      expect([read.status, read.lastEventSeq, read.revision]).toEqual(['running', 1, 1]);
      expect((await createRunEventsRepo(store.db).listAfter(runId)).map((e) => e.seq)).toEqual([1]);
    });

    it('refuses events that do not follow the stored ones (conflict) and leaves the run as it was', async () => {
      const runId = await running(2);
      const together = createTransitionWithEvents(store.db, { notify: false });
      const err = await flowError(
        together(runId, { from: ['running'] }, { status: 'failed' }, [event(2, 'run.failed')]),
      );
      expect(err.code).toBe('conflict');
      expect(err.message).toMatch(/does not follow the stored seq 2/);
      const read = await createRunsRepo(store.db).get(runId);
      expect([read.status, read.lastEventSeq]).toEqual(['running', 2]);
      expect((await createRunEventsRepo(store.db).listAfter(runId)).map((e) => e.seq)).toEqual([1, 2]);
    });

    it('with no events, is the plain transition', async () => {
      const runId = await running(0);
      const together = createTransitionWithEvents(store.db, { notify: false });
      const moved = await together(runId, { from: ['running'] }, { status: 'cancelled', release: true }, []);
      expect(moved?.status).toBe('cancelled');
      expect(moved?.lastEventSeq).toBe(0);
    });
  });
}
