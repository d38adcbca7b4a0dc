import { ERROR, emptyCheckpoint, uuid6 } from '@langchain/langgraph-checkpoint';
import type { Checkpoint, CheckpointMetadata } from '@langchain/langgraph-checkpoint';
import type { RunnableConfig } from '@langchain/core/runnables';
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { checkpointBlobs, checkpointWrites } from '../schema/index.js';
import { BACKENDS, useTestDatabase } from '../test-database.js';
import { DrizzleSaver } from './drizzle-saver.js';

const meta: CheckpointMetadata = { source: 'loop', step: 0, parents: {} };

function checkpointWith(values: Record<string, unknown>, versions: Record<string, number>): Checkpoint {
  return { ...emptyCheckpoint(), id: uuid6(-3), channel_values: values, channel_versions: versions };
}

for (const kind of BACKENDS) {
  describe(`DrizzleSaver on ${kind}`, () => {
    const store = useTestDatabase(kind);
    const saver = () => new DrizzleSaver(store.db);
    const thread = () =>
      ({ configurable: { thread_id: `t-${uuid6(-3)}`, checkpoint_ns: '' } }) satisfies RunnableConfig;

    it('writes a channel value once per version and rebuilds every checkpoint from shared blobs', async () => {
      const s = saver();
      const big = 'x'.repeat(50_000);
      let config: RunnableConfig = thread();
      const threadId = String(config.configurable?.thread_id);
      config = await s.put(config, checkpointWith({ big, n: 1 }, { big: 1, n: 1 }), meta, { big: 1, n: 1 });
      config = await s.put(config, checkpointWith({ big, n: 2 }, { big: 1, n: 2 }), meta, { n: 2 });
      config = await s.put(config, checkpointWith({ big, n: 3 }, { big: 1, n: 3 }), meta, { n: 3 });
      const rows = await store.db
        .select({ channel: checkpointBlobs.channel, rows: count() })
        .from(checkpointBlobs)
        .where(eq(checkpointBlobs.threadId, threadId))
        .groupBy(checkpointBlobs.channel)
        .orderBy(checkpointBlobs.channel);
      expect(rows).toEqual([
        { channel: 'big', rows: 1 },
        { channel: 'n', rows: 3 },
      ]);
      const history = [];
      for await (const t of s.list({ configurable: { thread_id: threadId } }))
        history.push(t.checkpoint.channel_values);
      expect(history).toEqual([
        { big, n: 3 },
        { big, n: 2 },
        { big, n: 1 },
      ]);
    });

    it('returns pending writes ordered by task_path, then task_id, then idx', async () => {
      const s = saver();
      const config = await s.put(thread(), checkpointWith({}, {}), meta, {});
      await s.putWrites(
        config,
        [
          ['log', 'b0'],
          ['log', 'b1'],
        ],
        'task-b',
        '~0',
      );
      await s.putWrites(config, [['log', 'a0']], 'task-a', '~1');
      await s.putWrites(config, [['log', 'input']], 'task-z');
      await s.putWrites(config, [['log', 'c0']], 'task-c', '~0');
      const tuple = await s.getTuple(config);
      expect(tuple?.pendingWrites?.map(([, , v]) => v)).toEqual(['input', 'b0', 'b1', 'c0', 'a0']);
    });

    it('keeps the first regular write of a task but replaces special (error) writes', async () => {
      const s = saver();
      const config = await s.put(thread(), checkpointWith({}, {}), meta, {});
      await s.putWrites(config, [['x', 1]], 'task');
      await s.putWrites(config, [['x', 2]], 'task');
      await s.putWrites(config, [[ERROR, 'first failure']], 'task');
      await s.putWrites(config, [[ERROR, 'second failure']], 'task');
      const tuple = await s.getTuple(config);
      expect(tuple?.pendingWrites).toEqual([
        ['task', ERROR, 'second failure'],
        ['task', 'x', 1],
      ]);
    });

    it('round-trips bytes, nested objects and metadata, and lists in pages', async () => {
      const s = saver();
      let config: RunnableConfig = thread();
      const ids: string[] = [];
      for (let i = 0; i < 70; i++) {
        const cp = checkpointWith(
          { bytes: new Uint8Array([i, 255]), obj: { i, nested: [{ deep: true }] } },
          { bytes: i + 1, obj: i + 1 },
        );
        const metadata: CheckpointMetadata<{ who: string }> = { ...meta, step: i, who: `w${i % 2}` };
        config = await s.put(config, cp, metadata, { bytes: i + 1, obj: i + 1 });
        ids.push(cp.id);
      }
      const threadId = String(config.configurable?.thread_id);
      const all = [];
      for await (const t of s.list({ configurable: { thread_id: threadId } })) all.push(t);
      expect(all.map((t) => t.checkpoint.id)).toEqual([...ids].reverse());
      expect(all[0]?.checkpoint.channel_values).toEqual({
        bytes: new Uint8Array([69, 255]),
        obj: { i: 69, nested: [{ deep: true }] },
      });
      expect(all[69]?.parentConfig).toBeUndefined();
      expect(all[0]?.parentConfig?.configurable?.checkpoint_id).toBe(ids[68]);
      const filtered = [];
      for await (const t of s.list(
        { configurable: { thread_id: threadId } },
        { filter: { who: 'w1' }, before: { configurable: { checkpoint_id: ids[66] } }, limit: 65 },
      ))
        filtered.push(t.metadata?.step);
      expect(filtered).toEqual(Array.from({ length: 33 }, (_, k) => 65 - 2 * k));
    });

    it('stores binary values (NUL bytes, invalid UTF-8) next to JSON values, in checkpoints and writes', async () => {
      const s = saver();
      const nul = new Uint8Array([0, 65, 0]);
      const bad = new Uint8Array([255, 254]);
      let config: RunnableConfig = await s.put(thread(), checkpointWith({ nul }, { nul: 1 }), meta, { nul: 1 });
      config = await s.put(
        config,
        checkpointWith({ nul, bad, json: { text: 'ünï' } }, { nul: 1, bad: 2, json: 2 }),
        meta,
        { bad: 2, json: 2 },
      );
      await s.putWrites(
        config,
        [
          ['raw', nul],
          ['json', { a: 'é' }],
          ['bad', bad],
        ],
        'task',
      );
      const tuple = await s.getTuple(config);
      expect(tuple?.checkpoint.channel_values).toEqual({ nul, bad, json: { text: 'ünï' } });
      expect(tuple?.pendingWrites).toEqual([
        ['task', 'raw', nul],
        ['task', 'json', { a: 'é' }],
        ['task', 'bad', bad],
      ]);
    });

    it('deleteThread removes checkpoints, blobs and writes of that thread only', async () => {
      const s = saver();
      const keep = await s.put(thread(), checkpointWith({ v: 1 }, { v: 1 }), meta, { v: 1 });
      const gone = await s.put(thread(), checkpointWith({ v: 1 }, { v: 1 }), meta, { v: 1 });
      await s.putWrites(gone, [['v', 2]], 'task');
      const goneThread = String(gone.configurable?.thread_id);
      await s.deleteThread(goneThread);
      expect(await s.getTuple(gone)).toBeUndefined();
      expect(await s.getTuple(keep)).toBeDefined();
      const [blobs] = await store.db
        .select({ n: count() })
        .from(checkpointBlobs)
        .where(eq(checkpointBlobs.threadId, goneThread));
      const [writes] = await store.db
        .select({ n: count() })
        .from(checkpointWrites)
        .where(eq(checkpointWrites.threadId, goneThread));
      expect([blobs?.n, writes?.n]).toEqual([0, 0]);
    });
  });
}
