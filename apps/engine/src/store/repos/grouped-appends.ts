import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Database } from '../db.js';
import { runEvents, runs } from '../schema/index.js';
import {
  blobFromPacked,
  checkpointConflict,
  checkpointJson,
  insertBlobs,
  insertCheckpoint,
  insertWrites,
  packBlobs,
  packedFrom,
  writesConflict,
} from '../checkpointer/write-statements.js';
import type { CheckpointKey, WritesKey } from '../checkpointer/write-statements.js';
import type { BlobRow, WriteRow } from '../checkpointer/dump.js';
import type { StoredCheckpoint } from '../schema/index.js';
import { GroupCommit } from '../group-commit.js';
import type { ItemOutcome } from '../group-commit.js';
import {
  RUN_EVENTS_CHANNEL,
  announcement,
  appendConflict,
  checkConsecutive,
  resultRows,
  storedRow,
} from './run-events-repo.js';
import type { NewRunEvent } from './run-events-repo.js';

type Batch = (NewRunEvent & { seq: number })[];

/** A task's pending writes, stored with the batch (its `node.finished`) or not at all. */
export interface TaskWrites {
  key: WritesKey;
  rows: WriteRow[];
}

/** A checkpoint (with its new channel blobs), stored with the batch (its `checkpoint.saved`) or not at all. */
export interface RunCheckpoint {
  key: CheckpointKey;
  checkpoint: StoredCheckpoint;
  metadataJson: string;
  blobs: BlobRow[];
}

/** What goes with a batch: a task's writes, a checkpoint, or both (the step's last task's writes and the checkpoint after them). */
export interface BatchWrite {
  writes?: TaskWrites;
  checkpoint?: RunCheckpoint;
}

interface Append {
  runId: string;
  /** The run's stored seq this batch must follow (its counter moves only from there). */
  expected: number;
  events: Batch;
  writes?: TaskWrites;
  checkpoint?: RunCheckpoint;
}

/**
 * Group commit across runs: event batches of many runs appended by one statement. Each run's
 * counter moves (and its events are inserted) only if its batch starts right after its stored seq
 * — per run, as `appendMany` does for one — and each caller learns its own outcome. A run has at
 * most one batch in flight (its batches stay in order).
 */
export class GroupedAppends {
  private readonly group: GroupCommit<Append>;

  constructor(
    /** Where the group's statements run: the store's pool, or a connection of its own (`OpenDatabase.groupDb`). */
    private readonly db: Database,
    private readonly notify: boolean,
  ) {
    this.group = new GroupCommit<Append>(
      (a) => a.runId,
      (appends) => this.statement(appends),
    );
  }

  /**
   * Appends a run's batch; with `write`, a task's writes or a checkpoint go with it (both stored, or
   * neither: the write is applied only where the run's counter moved). A write without events names
   * `storedSeq`, the run's seq it must follow: it is stored only while the run is still at that seq.
   */
  append(runId: string, events: Batch, write?: BatchWrite, storedSeq?: number): Promise<void> {
    const first = events[0];
    if (first === undefined && write === undefined) return Promise.resolve();
    const expected = first ? first.seq - 1 : storedSeq;
    if (expected === undefined) throw new Error(`append for run ${runId}: a write without events needs the stored seq`);
    checkConsecutive(runId, events);
    return this.group.submit({ runId, expected, events, ...write });
  }

  private async statement(appends: Append[]): Promise<ItemOutcome[]> {
    const batches = JSON.stringify(
      appends.map((w) => ({
        run_id: w.runId,
        n: w.events.length,
        expected: w.expected,
        announce: announcement(w.runId, w.events),
      })),
    );
    const rows = JSON.stringify(appends.flatMap((w) => w.events.map((e) => ({ run_id: w.runId, ...storedRow(e) }))));
    // A write without events moves nothing that a listener could read: not announced.
    const announce = this.notify
      ? sql`case when b.n > 0 then pg_notify(${RUN_EVENTS_CHANNEL}, b.announce) end`
      : sql`null`;
    // The runs' rows are locked first, one primary-key probe each, in the order a worker's lease
    // renewal locks them (`id collate "C"`): two statements locking the same rows in different
    // orders deadlock, and PostgreSQL ends one of them after a second. Probing by key also keeps
    // the planner from scanning the whole runs table (it guesses 100 rows for a recordset).
    const ids = sql.param(appends.map((a) => a.runId));
    const result: unknown = await this.db.execute(sql`
      with b as (
        select * from jsonb_to_recordset(${batches}::jsonb) as b(run_id text, n integer, expected integer, announce text)
      ), locked as (
        select r.id from (select id from unnest(${ids}::text[]) as u(id) order by id collate "C") o
        cross join lateral (select id from ${runs} where id = o.id for no key update) r
      ), counter as (
        update ${runs} r set last_event_seq = r.last_event_seq + b.n
        from b join locked l on l.id = b.run_id
        where r.id = l.id and r.last_event_seq = b.expected
        returning r.id
      ), inserted as (
        insert into ${runEvents} (run_id, seq, type, node_id, payload, ts)
        select e.run_id, e.seq, e.type, e.node_id, e.payload, e.ts
        from jsonb_to_recordset(${rows}::jsonb) as e(run_id text, seq integer, type text, node_id text, payload jsonb, ts timestamptz)
        join counter on counter.id = e.run_id
        returning 1
      )${groupedWritesCte(appends)}${groupedCheckpointCtes(appends)}
      select b.run_id, ${announce} as announced from b join counter on counter.id = b.run_id`);
    const stored = new Set(resultRows(result).map((r) => String(r.run_id)));
    return appends.map((a) =>
      stored.has(a.runId) ? { ok: true } : { ok: false, error: () => appendConflict(this.db, a.runId, a.expected + 1) },
    );
  }
}

const byDb = new WeakMap<Database, Map<boolean, GroupedAppends>>();

/**
 * The one grouped appender of `db` (per `notify` setting): every run's appends share it. `db` is where
 * its statements run — on a server the store's group connection (`OpenDatabase.groupDb`).
 */
export function groupedAppends(db: Database, notify: boolean): GroupedAppends {
  const forDb = byDb.get(db) ?? new Map<boolean, GroupedAppends>();
  byDb.set(db, forDb);
  const found = forDb.get(notify);
  if (found) return found;
  const made = new GroupedAppends(db, notify);
  forDb.set(notify, made);
  return made;
}

/**
 * The tasks' writes of a group as one more CTE (none when no batch carries writes): each run's rows
 * inserted only if its counter moved, as `writesCte` does for one run.
 */
function groupedWritesCte(appends: Append[]): SQL {
  const rows = appends.flatMap(({ runId, writes }) =>
    writes ? writes.rows.map((row) => ({ runId, key: writes.key, row })) : [],
  );
  if (rows.length === 0) return sql``;
  const packed = packBlobs(rows.map((r) => r.row.blob));
  const col = <T>(f: (r: (typeof rows)[number]) => T) => sql.param(rows.map(f));
  return sql`, saved_writes as (
      ${insertWrites}
      select u.thread_id, u.checkpoint_ns, u.checkpoint_id, u.task_id, u.task_path, u.idx, u.channel, u.type, ${blobFromPacked}
      from unnest(${col((r) => r.runId)}::text[], ${col((r) => r.key.threadId)}::text[], ${col((r) => r.key.checkpointNs)}::text[],
        ${col((r) => r.key.checkpointId)}::text[], ${col((r) => r.key.taskId)}::text[], ${col((r) => r.key.taskPath)}::text[],
        ${col((r) => r.row.idx)}::int[], ${col((r) => r.row.channel)}::text[], ${col((r) => r.row.type)}::text[],
        ${sql.param(packed.offsets)}::int[], ${sql.param(packed.lengths)}::int[])
        as u(run_id, thread_id, checkpoint_ns, checkpoint_id, task_id, task_path, idx, channel, type, off, len)
      join counter on counter.id = u.run_id
      cross join ${packedFrom(packed)}
      ${writesConflict}
      returning 1
    )`;
}

/**
 * The checkpoints of a group as two more CTEs (none when no batch carries one): each run's
 * checkpoint and new channel blobs inserted only if its counter moved, as `checkpointCtes` does for
 * one run. A checkpoint's events (its `checkpoint.saved` among them) and the checkpoint: both or neither.
 */
function groupedCheckpointCtes(appends: Append[]): SQL {
  const puts = appends.flatMap(({ runId, checkpoint }) => (checkpoint ? [{ runId, c: checkpoint }] : []));
  if (puts.length === 0) return sql``;
  const blobs = puts.flatMap(({ runId, c }) => c.blobs.map((b) => ({ runId, key: c.key, b })));
  const packed = packBlobs(blobs.map((x) => x.b.blob));
  const col = <T>(f: (r: (typeof blobs)[number]) => T) => sql.param(blobs.map(f));
  const savedBlobs =
    blobs.length === 0
      ? sql``
      : sql`, saved_blobs as (
      ${insertBlobs}
      select u.thread_id, u.checkpoint_ns, u.channel, u.version, u.type, ${blobFromPacked}
      from unnest(${col((x) => x.runId)}::text[], ${col((x) => x.key.threadId)}::text[], ${col((x) => x.key.checkpointNs)}::text[],
        ${col((x) => x.b.channel)}::text[], ${col((x) => x.b.version)}::text[], ${col((x) => x.b.type)}::text[],
        ${sql.param(packed.offsets)}::int[], ${sql.param(packed.lengths)}::int[])
        as u(run_id, thread_id, checkpoint_ns, channel, version, type, off, len)
      join counter on counter.id = u.run_id
      cross join ${packedFrom(packed)}
      on conflict do nothing
      returning 1
    )`;
  return sql`${savedBlobs}, saved_checkpoints as (
      ${insertCheckpoint}
      select c.thread_id, c.checkpoint_ns, c.checkpoint_id, c.parent_checkpoint_id, 'json', c.checkpoint, c.metadata
      from jsonb_to_recordset(${`[${puts.map(({ runId, c }) => checkpointJson(c.key, c.checkpoint, c.metadataJson, runId)).join(',')}]`}::jsonb)
           as c(run_id text, thread_id text, checkpoint_ns text, checkpoint_id text, parent_checkpoint_id text, checkpoint jsonb, metadata jsonb)
      join counter on counter.id = c.run_id
      ${checkpointConflict}
      returning 1
    )`;
}
