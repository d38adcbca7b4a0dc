import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BACKENDS, useTestDatabase } from '../test-database.js';
import { flowError } from './expect-flow-error.js';
import { createRunEventsRepo } from './run-events-repo.js';
import { createTestRun } from './test-run.js';

for (const kind of BACKENDS) {
  describe(`run events repo on ${kind}`, () => {
    const store = useTestDatabase(kind);

    const newRun = async () => (await createTestRun(store.db)).runId;

    it('numbers events 1, 2, … per run and replays exactly those after a seq', async () => {
      const events = createRunEventsRepo(store.db);
      const [a, b] = [await newRun(), await newRun()];
      const first = await events.append(a, { type: 'run.started', payload: { input: 1 } });
      expect(first).toMatchObject({ runId: a, seq: 1, type: 'run.started', nodeId: null, payload: { input: 1 } });
      expect(first.ts).toBeInstanceOf(Date);
      await events.append(b, { type: 'run.started', payload: {} });
      await events.append(a, { type: 'node.started', nodeId: 'n1', payload: { step: 1 } });
      const ts = new Date('2030-01-02T03:04:05.678Z');
      await events.append(a, { type: 'node.finished', nodeId: 'n1', payload: { step: 1 }, ts });
      expect((await events.listAfter(a, 1)).map((e) => [e.seq, e.type, e.nodeId])).toEqual([
        [2, 'node.started', 'n1'],
        [3, 'node.finished', 'n1'],
      ]);
      expect((await events.listAfter(a, 2))[0]?.ts).toEqual(ts);
      expect((await events.listAfter(a)).map((e) => e.seq)).toEqual([1, 2, 3]);
      expect((await events.listAfter(a, 0, 2)).map((e) => e.seq)).toEqual([1, 2]);
      expect(await events.listAfter(a, 3)).toEqual([]);
      expect((await events.listAfter(b)).map((e) => e.seq)).toEqual([1]);
      expect(await events.lastSeq(a)).toBe(3);
    });

    it('gives concurrent appends distinct gap-free seqs', async () => {
      const events = createRunEventsRepo(store.db);
      const run = await newRun();
      const stored = await Promise.all(
        Array.from({ length: 25 }, (_, i) => events.append(run, { type: 'node.progress', payload: { i } })),
      );
      expect(stored.map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      const replay = await events.listAfter(run);
      expect(replay.map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      for (const e of replay) expect(stored.find((s) => s.seq === e.seq)?.payload).toEqual(e.payload);
    });

    it('stores a batch atomically under the next seqs, and refuses a batch that does not follow', async () => {
      const events = createRunEventsRepo(store.db);
      const run = await newRun();
      const ts = new Date('2030-01-02T03:04:05.678Z');
      await events.appendMany(run, [
        { seq: 1, type: 'run.started', payload: { input: { q: 'it\'s "quoted"' } }, ts },
        { seq: 2, type: 'node.started', nodeId: 'n1', payload: { step: 1 } },
      ]);
      expect((await events.listAfter(run)).map((e) => [e.seq, e.type, e.nodeId, e.payload])).toEqual([
        [1, 'run.started', null, { input: { q: 'it\'s "quoted"' } }],
        [2, 'node.started', 'n1', { step: 1 }],
      ]);
      expect((await events.listAfter(run))[0]?.ts).toEqual(ts);
      // A gap or a repeat stores nothing.
      expect((await flowError(events.appendMany(run, [{ seq: 4, type: 'x', payload: {} }]))).code).toBe('conflict');
      expect((await flowError(events.appendMany(run, [{ seq: 2, type: 'x', payload: {} }]))).code).toBe('conflict');
      expect(await events.lastSeq(run)).toBe(2);
      await events.appendMany(run, [{ seq: 3, type: 'run.completed', payload: {} }]);
      expect(await events.lastSeq(run)).toBe(3);
      expect(
        (await flowError(events.appendMany(`missing-${randomUUID()}`, [{ seq: 1, type: 'x', payload: {} }]))).code,
      ).toBe('not_found');
    });

    it('refuses events for an unknown run', async () => {
      const events = createRunEventsRepo(store.db);
      const missing = `missing-${randomUUID()}`;
      expect((await flowError(events.append(missing, { type: 'x', payload: {} }))).code).toBe('not_found');
      expect((await flowError(events.lastSeq(missing))).code).toBe('not_found');
    });
  });
}
