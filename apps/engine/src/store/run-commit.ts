import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Database } from './db.js';
import { checkpointCtes, writeStatementsFor, writesCte } from './checkpointer/write-statements.js';
import { groupedWriteTarget } from './checkpointer/grouped-puts.js';
import type { CheckpointWriteTarget } from './checkpointer/write-statements.js';
import { groupedAppends } from './repos/grouped-appends.js';
import type { BatchWrite } from './repos/grouped-appends.js';
import { createRunEventsRepo, eventBatch, rowCount } from './repos/run-events-repo.js';
import type { NewRunEvent } from './repos/run-events-repo.js';

interface CapturedWrite {
  /** The write as CTEs applied only where `guard` holds. */
  ctes(guard: SQL): SQL;
  /** The write sent to a target as it is. */
  replay(target: CheckpointWriteTarget): Promise<void>;
  /** The write as a grouped append carries it (its part: a task's writes, or a checkpoint). */
  grouped: BatchWrite;
}

/**
 * `commit(runId, events, write)`: a run's trace events and the checkpointer write they belong to
 * (`write` calls the target it is given: a task's writes, or a checkpoint) stored by **one**
 * statement — the events' CTEs advance the run's counter and insert them, the write's CTEs apply
 * only if the counter moved. Atomic without BEGIN/COMMIT, one round trip instead of four. A write
 * without events goes to the database as it is; a batch whose seqs do not follow the stored ones
 * stores nothing and throws `FlowError('conflict')`.
 */
export function createRunCommit(
  db: Database,
  options: { notify: boolean; groupCommit: boolean; groupDb?: Database | undefined },
) {
  const events = createRunEventsRepo(db, { notify: options.notify });
  return async function commit(
    runId: string,
    batch: (NewRunEvent & { seq: number })[],
    write: (target: CheckpointWriteTarget) => Promise<void>,
    /** The run's stored seq when `batch` is empty: a grouped write without events is kept to it. */
    storedSeq?: number,
  ): Promise<void> {
    const captured: CapturedWrite[] = [];
    await write({
      async putCheckpoint(key, checkpoint, metadataJson, blobs) {
        captured.push({
          ctes: (guard) => checkpointCtes(key, checkpoint, metadataJson, blobs, guard),
          replay: (target) => target.putCheckpoint(key, checkpoint, metadataJson, blobs),
          grouped: { checkpoint: { key, checkpoint, metadataJson, blobs } },
        });
      },
      async putWrites(key, rows) {
        captured.push({
          ctes: (guard) => writesCte(key, rows, guard),
          replay: (target) => target.putWrites(key, rows),
          grouped: { writes: { key, rows } },
        });
      },
    });
    // A commit carries at most one task's writes and one checkpoint (the step's last task's writes
    // and the checkpoint after them): each names its CTEs once per statement.
    for (const kind of ['writes', 'checkpoint'] as const)
      if (captured.filter((c) => c.grouped[kind] !== undefined).length > 1)
        throw new Error(`commit of run ${runId}: more than one saver ${kind} write`);
    const grouped: BatchWrite = Object.assign({}, ...captured.map((c) => c.grouped));
    const appender = () => groupedAppends(options.groupDb ?? db, options.notify);
    const stored = eventBatch(runId, batch);
    if (stored === undefined && options.groupCommit && captured.length > 0 && storedSeq !== undefined)
      // No events with it: grouped with other runs' commits all the same, applied while the run is at `storedSeq`.
      return appender().append(runId, [], grouped, storedSeq);
    if (stored === undefined) {
      // Nothing to store with it: grouped with other runs' checkpoints where the store groups.
      const target = options.groupCommit ? groupedWriteTarget(db) : writeStatementsFor(db);
      for (const c of captured) await c.replay(target);
      return;
    }
    if (captured.length === 0) return events.appendMany(runId, batch);
    // Tasks' writes or a checkpoint with its events: grouped with other runs' where the store groups.
    if (options.groupCommit) return appender().append(runId, batch, grouped);
    const result: unknown = await db.execute(
      sql`with ${stored.ctes}, ${sql.join(
        captured.map((c) => c.ctes(stored.stored)),
        sql`, `,
      )} ${stored.select(options.notify)}`,
    );
    if (rowCount(result) !== batch.length) throw await stored.conflict(db);
  };
}

export type RunCommit = ReturnType<typeof createRunCommit>;
