import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Database } from '../db.js';
import { checkpointBlobs, checkpointWrites, checkpoints } from '../schema/index.js';
import type { StoredCheckpoint } from '../schema/index.js';
import type { BlobRow, WriteRow } from './dump.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface PackedBlobs {
  /** The blobs concatenated, as text when they are valid UTF-8 without NUL (serde's JSON), else as bytes. */
  packedText: string | null;
  packedBytes: Uint8Array | null;
  offsets: number[];
  lengths: (number | null)[];
}

/**
 * Several blobs as one parameter plus 1-based byte offsets and lengths (null: no blob). A scalar
 * travels far cheaper than a bytea[] (no array literal to build, escape and parse), and JSON text
 * cheaper still than bytea, which postgres.js sends hex-encoded (twice the size).
 */
export function packBlobs(blobs: (Uint8Array | null)[]): PackedBlobs {
  const offsets: number[] = [];
  const lengths: (number | null)[] = [];
  let at = 1;
  for (const b of blobs) {
    offsets.push(at);
    lengths.push(b === null ? null : b.byteLength);
    at += b?.byteLength ?? 0;
  }
  const present = blobs.filter((b): b is Uint8Array => b !== null);
  const bytes = present.length === 1 && present[0] !== undefined ? present[0] : Buffer.concat(present);
  try {
    const text = utf8.decode(bytes);
    if (!text.includes('\0')) return { packedText: text, packedBytes: null, offsets, lengths };
  } catch {
    // not UTF-8: send the bytes
  }
  return { packedText: null, packedBytes: bytes, offsets, lengths };
}

/** The packed parameter as bytea, computed once per statement (`pk.packed`). */
const packedSource = sql`(select coalesce(${sql.placeholder('packedBytes')}::bytea, convert_to(${sql.placeholder('packedText')}::text, 'UTF8')) as packed) pk`;
/** One row's blob (`u.off`, `u.len` from `unnest`), cut out of the packed parameter. */
export const blobFromPacked = sql`case when u.len is null then null else substring(pk.packed from u.off for u.len) end`;

const p = sql.placeholder;

export interface CheckpointKey {
  threadId: string;
  checkpointNs: string;
  checkpointId: string;
  parentCheckpointId: string | null;
}

export interface WritesKey {
  threadId: string;
  checkpointNs: string;
  checkpointId: string;
  taskId: string;
  taskPath: string;
}

/**
 * Where the saver's two writes go: the database at once (`prepareWriteStatements`), or a caller
 * that stores them together with something else in one statement (a run's trace events).
 */
export interface CheckpointWriteTarget {
  putCheckpoint(
    key: CheckpointKey,
    checkpoint: StoredCheckpoint,
    metadataJson: string,
    blobs: BlobRow[],
  ): Promise<void>;
  putWrites(key: WritesKey, rows: WriteRow[]): Promise<void>;
}

/**
 * The saver's writes, prepared once: each is a single statement, so it is atomic without an
 * explicit transaction and costs one round trip. Variable-length rows travel as arrays (`unnest`).
 */
export function prepareWriteStatements(db: Database) {
  // New channel versions (existing ones are kept: a version's value never changes) + the checkpoint.
  const newBlobs = db.$with('new_blobs', { n: sql<number>`n` }).as(
    sql`${insertBlobs}
      select ${p('threadId')}, ${p('checkpointNs')}, u.channel, u.version, u.type, ${blobFromPacked}
      from unnest(${p('channels')}::text[], ${p('versions')}::text[], ${p('types')}::text[], ${p('offsets')}::int[], ${p('lengths')}::int[]) as u(channel, version, type, off, len), ${packedSource}
      on conflict do nothing returning 1 as n`,
  );
  const putCheckpoint = db
    .with(newBlobs)
    .insert(checkpoints)
    .values({
      threadId: p('threadId'),
      checkpointNs: p('checkpointNs'),
      checkpointId: p('checkpointId'),
      parentCheckpointId: p('parentCheckpointId'),
      type: 'json',
      checkpoint: sql`${p('checkpoint')}::jsonb`,
      metadata: sql`${p('metadata')}::jsonb`,
    })
    .onConflictDoUpdate({
      target: [checkpoints.threadId, checkpoints.checkpointNs, checkpoints.checkpointId],
      set: { checkpoint: sql`excluded.checkpoint`, metadata: sql`excluded.metadata` },
    })
    .prepare('flowcraft_put_checkpoint');

  // Regular writes keep the first value stored for their (task, idx); special ones (negative idx) are replaced.
  const putWrites = db
    .insert(checkpointWrites)
    .select(
      sql`select ${p('threadId')}, ${p('checkpointNs')}, ${p('checkpointId')}, ${p('taskId')}, ${p('taskPath')}, u.idx, u.channel, u.type, ${blobFromPacked}
        from unnest(${p('idxs')}::int[], ${p('channels')}::text[], ${p('types')}::text[], ${p('offsets')}::int[], ${p('lengths')}::int[]) as u(idx, channel, type, off, len), ${packedSource}`,
    )
    .onConflictDoUpdate({
      target: [
        checkpointWrites.threadId,
        checkpointWrites.checkpointNs,
        checkpointWrites.checkpointId,
        checkpointWrites.taskId,
        checkpointWrites.idx,
      ],
      set: {
        channel: sql`excluded.channel`,
        type: sql`excluded.type`,
        blob: sql`excluded.blob`,
        taskPath: sql`excluded.task_path`,
      },
      setWhere: sql`${checkpointWrites.idx} < 0`,
    })
    .prepare('flowcraft_put_writes');

  const target: CheckpointWriteTarget = {
    async putCheckpoint(key, checkpoint, metadataJson, blobs) {
      await putCheckpoint.execute({
        ...key,
        checkpoint: JSON.stringify(checkpoint),
        metadata: metadataJson,
        channels: blobs.map((b) => b.channel),
        versions: blobs.map((b) => b.version),
        types: blobs.map((b) => b.type),
        ...packBlobs(blobs.map((b) => b.blob)),
      });
    },

    async putWrites(key, rows) {
      await putWrites.execute({
        ...key,
        idxs: rows.map((r) => r.idx),
        channels: rows.map((r) => r.channel),
        types: rows.map((r) => r.type),
        ...packBlobs(rows.map((r) => r.blob)),
      });
    },
  };
  return target;
}

/** Prepared statements are built once per database and shared by every saver on it. */
const statementsByDb = new WeakMap<Database, CheckpointWriteTarget>();

/** `prepareWriteStatements(db)`, built once per database. */
export function writeStatementsFor(db: Database): CheckpointWriteTarget {
  const found = statementsByDb.get(db);
  if (found) return found;
  const made = prepareWriteStatements(db);
  statementsByDb.set(db, made);
  return made;
}

/** The packed blobs as a FROM item `pk` (the statement's parameters, not placeholders). */
export function packedFrom({ packedBytes, packedText }: PackedBlobs): SQL {
  return sql`(select coalesce(${packedBytes}::bytea, convert_to(${packedText}::text, 'UTF8')) as packed) pk`;
}

/**
 * `putCheckpoint` as CTEs (`new_blobs`, `saved_checkpoint`) of a larger statement, applied only
 * where `guard` holds (e.g. the run's event counter moved): one statement, atomic as a whole.
 */
export function checkpointCtes(
  key: CheckpointKey,
  checkpoint: StoredCheckpoint,
  metadataJson: string,
  blobs: BlobRow[],
  guard: SQL,
): SQL {
  const packed = packBlobs(blobs.map((b) => b.blob));
  const { offsets, lengths } = packed;
  return sql`new_blobs as (
      ${insertBlobs}
      select ${key.threadId}, ${key.checkpointNs}, u.channel, u.version, u.type, ${blobFromPacked}
      from unnest(${sql.param(blobs.map((b) => b.channel))}::text[], ${sql.param(blobs.map((b) => b.version))}::text[], ${sql.param(blobs.map((b) => b.type))}::text[], ${sql.param(offsets)}::int[], ${sql.param(lengths)}::int[]) as u(channel, version, type, off, len), ${packedFrom(packed)}
      where ${guard}
      on conflict do nothing returning 1
    ), saved_checkpoint as (
      ${insertCheckpoint}
      select ${key.threadId}, ${key.checkpointNs}, ${key.checkpointId}, ${key.parentCheckpointId}, 'json', ${JSON.stringify(checkpoint)}::jsonb, ${metadataJson}::jsonb
      where ${guard}
      ${checkpointConflict}
      returning 1
    )`;
}

/**
 * One checkpoint as the row `jsonb_to_recordset` reads (checkpoint and metadata are JSON already);
 * with `runId`, the run it belongs to as `run_id`.
 */
export function checkpointJson(
  k: CheckpointKey,
  checkpoint: StoredCheckpoint,
  metadataJson: string,
  runId?: string,
): string {
  const run = runId === undefined ? '' : `"run_id":${JSON.stringify(runId)},`;
  return `{${run}"thread_id":${JSON.stringify(k.threadId)},"checkpoint_ns":${JSON.stringify(k.checkpointNs)},"checkpoint_id":${JSON.stringify(k.checkpointId)},"parent_checkpoint_id":${JSON.stringify(k.parentCheckpointId)},"checkpoint":${JSON.stringify(checkpoint)},"metadata":${metadataJson}}`;
}

/** The head of an insert of channel blobs (the rows' select follows, then `on conflict do nothing`): a version's value never changes. */
export const insertBlobs = sql`insert into ${checkpointBlobs} (thread_id, checkpoint_ns, channel, version, type, blob)`;

/** The head of an insert of checkpoints: the rows' select follows, then `checkpointConflict`. */
export const insertCheckpoint = sql`insert into ${checkpoints} (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata)`;

/** A checkpoint written again (same id) replaces its content. */
export const checkpointConflict = sql`on conflict (thread_id, checkpoint_ns, checkpoint_id) do update set checkpoint = excluded.checkpoint, metadata = excluded.metadata`;

/** The head of a `saved_writes` CTE: the rows' select follows, then `writesConflict`. */
export const insertWrites = sql`insert into ${checkpointWrites} (thread_id, checkpoint_ns, checkpoint_id, task_id, task_path, idx, channel, type, blob)`;

/** Regular writes keep the first value stored for their (task, idx); special ones (negative idx) are replaced. */
export const writesConflict = sql`on conflict (thread_id, checkpoint_ns, checkpoint_id, task_id, idx) do update
        set channel = excluded.channel, type = excluded.type, blob = excluded.blob, task_path = excluded.task_path
        where ${checkpointWrites.idx} < 0`;

/** `putWrites` as a CTE (`saved_writes`) of a larger statement, applied only where `guard` holds. */
export function writesCte(key: WritesKey, rows: WriteRow[], guard: SQL): SQL {
  const packed = packBlobs(rows.map((r) => r.blob));
  const { offsets, lengths } = packed;
  return sql`saved_writes as (
      ${insertWrites}
      select ${key.threadId}, ${key.checkpointNs}, ${key.checkpointId}, ${key.taskId}, ${key.taskPath}, u.idx, u.channel, u.type, ${blobFromPacked}
      from unnest(${sql.param(rows.map((r) => r.idx))}::int[], ${sql.param(rows.map((r) => r.channel))}::text[], ${sql.param(rows.map((r) => r.type))}::text[], ${sql.param(offsets)}::int[], ${sql.param(lengths)}::int[]) as u(idx, channel, type, off, len), ${packedFrom(packed)}
      where ${guard}
      ${writesConflict}
      returning 1
    )`;
}
