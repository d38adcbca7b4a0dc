import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { BACKENDS, useTestDatabase } from '../test-database.js';
import { flowError } from './expect-flow-error.js';
import { GroupedAppends } from './grouped-appends.js';
import { createRunEventsRepo } from './run-events-repo.js';
import { createRunsRepo } from './runs-repo.js';
import { createTestRun } from './test-run.js';

for (const kind of BACKENDS) {
  describe(`grouped appends (group commit across runs) on ${kind}`, () => {
    const store = useTestDatabase(kind);

    const newRun = async () => (await createTestRun(store.db)).runId;
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ seq: from + i, type: 'model.token', nodeId: 'w', payload: { i } }));

    it('stores the batches of many runs that arrive together, each run numbered on its own', async () => {
      const group = new GroupedAppends(store.db, kind === 'postgres');
      const ids = await Promise.all(Array.from({ length: 30 }, () => newRun()));
      // Three rounds per run, all issued at once: a run's batches keep their order.
      await Promise.all(
        ids.flatMap((id, k) => [group.append(id, batch(1, 2)), group.append(id, batch(3, 1 + (k % 3)))]),
      );
      const events = createRunEventsRepo(store.db);
      for (const [k, id] of ids.entries()) {
        const stored = await events.listAfter(id);
        expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 3 + (k % 3) }, (_, i) => i + 1));
        expect(await events.lastSeq(id)).toBe(3 + (k % 3));
      }
    });

    it('rejects only the run whose batch does not follow its stored seq; the others are stored', async () => {
      const group = new GroupedAppends(store.db, false);
      const [a, b, c] = [await newRun(), await newRun(), await newRun()];
      await group.append(b, batch(1, 2));
      const results = await Promise.allSettled([
        group.append(a, batch(1, 1)),
        group.append(b, batch(1, 1)), // stale: b already has 1..2
        group.append(c, batch(1, 3)),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((await flowError(group.append(b, batch(5, 1)))).code).toBe('conflict');
      expect((await flowError(group.append('missing-run', batch(1, 1)))).code).toBe('not_found');
      const events = createRunEventsRepo(store.db);
      expect((await events.listAfter(a)).map((e) => e.seq)).toEqual([1]);
      expect((await events.listAfter(b)).map((e) => e.seq)).toEqual([1, 2]);
      expect((await events.listAfter(c)).map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(() => group.append(a, [...batch(2, 1), ...batch(4, 1)])).toThrow(/not consecutive/);
    });
  });
}

describe('grouped appends beside lease renewals on postgres', () => {
  const store = useTestDatabase('postgres');

  it('lock runs in the same order as a renewal: no deadlock between the two', async () => {
    // Every statement's deadlock is seen here (the group retries them silently otherwise).
    const deadlocks: unknown[] = [];
    const db = new Proxy(store.db, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (key !== 'execute' || typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          Promise.resolve(Reflect.apply(value, target, args)).catch((err: unknown) => {
            if (JSON.stringify(err, Object.getOwnPropertyNames(err)).includes('40P01')) deadlocks.push(err);
            throw err;
          });
      },
    });
    const group = new GroupedAppends(db, false);
    const repo = createRunsRepo(store.db);
    const ids = await Promise.all(Array.from({ length: 40 }, async () => (await createTestRun(store.db)).runId));
    await store.db.execute(
      sql`update runs set status = 'running', owner = 'w1' where id = any(${sql.param(ids)}::text[])`,
    );
    const held = ids.map((id) => ({ id, attempt: 0 }));
    const renewed: number[] = [];
    for (let round = 0; round < 25; round++) {
      // Runs submitted in a different order each round; two renewals race the grouped statements.
      const order = [...ids].sort(() => (round % 2 === 0 ? 1 : -1) * (Math.random() - 0.3));
      const results = await Promise.all([
        ...order.map((id) => group.append(id, [{ seq: round + 1, type: 'model.token', nodeId: 'w', payload: {} }])),
        repo.renewLeases('w1', 30, held).then((held) => renewed.push(held.length)),
        repo.renewLeases('w1', 30, held).then((held) => renewed.push(held.length)),
      ]);
      expect(results).toHaveLength(42);
    }
    expect(deadlocks).toEqual([]);
    expect(renewed).toEqual(Array.from({ length: 50 }, () => 40));
    const events = createRunEventsRepo(store.db);
    for (const id of ids) expect(await events.lastSeq(id)).toBe(25);
  });
});
