import { sql } from 'drizzle-orm';
import type { Database } from '../db.js';
import { checkpointBlobs, checkpointWrites, checkpoints } from '../schema/index.js';
import type { StoredCheckpoint } from '../schema/index.js';
import type { BlobRow, WriteRow } from './dump.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

interface PackedBlobs {
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
function packBlobs(blobs: (Uint8Array | null)[]): PackedBlobs {
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
const blobFromPacked = sql`case when u.len is null then null else substring(pk.packed from u.off for u.len) end`;

const p = sql.placeholder;

/**
 * The saver's writes, prepared once: each is a single statement, so it is atomic without an
 * explicit transaction and costs one round trip. Variable-length rows travel as arrays (`unnest`).
 */
export function prepareWriteStatements(db: Database) {
  // New channel versions (existing ones are kept: a version's value never changes) + the checkpoint.
  const newBlobs = db.$with('new_blobs', { n: sql<number>`n` }).as(
    sql`insert into ${checkpointBlobs} (thread_id, checkpoint_ns, channel, version, type, blob)
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

  return {
    async putCheckpoint(
      key: { threadId: string; checkpointNs: string; checkpointId: string; parentCheckpointId: string | null },
      checkpoint: StoredCheckpoint,
      metadataJson: string,
      blobs: BlobRow[],
    ): Promise<void> {
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

    async putWrites(
      key: { threadId: string; checkpointNs: string; checkpointId: string; taskId: string; taskPath: string },
      rows: WriteRow[],
    ): Promise<void> {
      await putWrites.execute({
        ...key,
        idxs: rows.map((r) => r.idx),
        channels: rows.map((r) => r.channel),
        types: rows.map((r) => r.type),
        ...packBlobs(rows.map((r) => r.blob)),
      });
    },
  };
}
