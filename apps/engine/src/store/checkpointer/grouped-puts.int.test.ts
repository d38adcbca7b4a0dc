import { emptyCheckpoint, uuid6 } from '@langchain/langgraph-checkpoint';
import type { CheckpointMetadata } from '@langchain/langgraph-checkpoint';
import { describe, expect, it } from 'vitest';
import { BACKENDS, useTestDatabase } from '../test-database.js';
import { DrizzleSaver } from './drizzle-saver.js';
import { groupedWriteTarget } from './grouped-puts.js';

const meta: CheckpointMetadata = { source: 'loop', step: 1, parents: {} };

for (const kind of BACKENDS) {
  describe(`grouped checkpoint puts on ${kind}`, () => {
    const store = useTestDatabase(kind);

    it('stores the checkpoints of many threads written at once, each readable as if put alone', async () => {
      const saver = new DrizzleSaver(store.db);
      const target = groupedWriteTarget(store.db);
      const threads = Array.from({ length: 40 }, (_, i) => ({ id: `g-${uuid6(-3)}-${i}`, i }));
      // Two checkpoints per thread, all submitted together: each thread's second follows its first.
      const ids = await Promise.all(
        threads.map(async ({ id, i }) => {
          const first = { ...emptyCheckpoint(), id: uuid6(-3), channel_values: { n: i, bin: new Uint8Array([i, 0]) } };
          const firstVersions = { n: 1, bin: 1 };
          const a = saver.putIn(
            target,
            { configurable: { thread_id: id, checkpoint_ns: '' } },
            { ...first, channel_versions: firstVersions },
            meta,
            firstVersions,
          );
          const second = {
            ...emptyCheckpoint(),
            id: uuid6(-3),
            channel_values: { n: i * 10, bin: new Uint8Array([i, 0]) },
          };
          const b = saver.putIn(
            target,
            { configurable: { thread_id: id, checkpoint_ns: '', checkpoint_id: first.id } },
            { ...second, channel_versions: { n: 2, bin: 1 } },
            { ...meta, step: 2 },
            { n: 2 },
          );
          await Promise.all([a, b]);
          return { id, i, second: second.id, first: first.id };
        }),
      );
      for (const t of ids) {
        const latest = await saver.getTuple({ configurable: { thread_id: t.id, checkpoint_ns: '' } });
        expect(latest?.checkpoint.id).toBe(t.second);
        expect(latest?.parentConfig?.configurable?.checkpoint_id).toBe(t.first);
        expect(latest?.checkpoint.channel_values).toEqual({ n: t.i * 10, bin: new Uint8Array([t.i, 0]) });
        expect(latest?.metadata?.step).toBe(2);
        const older = await saver.getTuple({
          configurable: { thread_id: t.id, checkpoint_ns: '', checkpoint_id: t.first },
        });
        expect(older?.checkpoint.channel_values).toEqual({ n: t.i, bin: new Uint8Array([t.i, 0]) });
      }
    });

    it('fails only the checkpoint the database refuses when it was grouped with others', async () => {
      const target = groupedWriteTarget(store.db);
      const saver = new DrizzleSaver(store.db);
      const put = (threadId: string, metadataJson: string) =>
        target.putCheckpoint(
          { threadId, checkpointNs: '', checkpointId: uuid6(-3), parentCheckpointId: null },
          { ...emptyCheckpoint(), id: uuid6(-3) },
          metadataJson,
          [],
        );
      const good = Array.from({ length: 5 }, (_, i) => `ok-${uuid6(-3)}-${i}`);
      const results = await Promise.allSettled([
        ...good.map((t) => put(t, '{"step":1}')),
        put(`bad-${uuid6(-3)}`, '{"step": '),
      ]);
      expect(results.map((r) => r.status)).toEqual([...good.map(() => 'fulfilled'), 'rejected']);
      for (const t of good)
        expect((await saver.getTuple({ configurable: { thread_id: t, checkpoint_ns: '' } }))?.metadata).toEqual({
          step: 1,
        });
    });
  });
}
