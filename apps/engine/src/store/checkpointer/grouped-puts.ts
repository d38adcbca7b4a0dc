import { sql } from 'drizzle-orm';
import type { Database } from '../db.js';
import { GroupCommit } from '../group-commit.js';
import type { StoredCheckpoint } from '../schema/index.js';
import type { BlobRow } from './dump.js';
import {
  blobFromPacked,
  checkpointConflict,
  checkpointJson,
  insertBlobs,
  insertCheckpoint,
  packBlobs,
  packedFrom,
  writeStatementsFor,
} from './write-statements.js';
import type { CheckpointKey, CheckpointWriteTarget } from './write-statements.js';

interface Put {
  key: CheckpointKey;
  checkpoint: StoredCheckpoint;
  metadataJson: string;
  blobs: BlobRow[];
}

/**
 * Group commit of checkpoints across runs: the checkpoints (with their new channel blobs) that many
 * runs write at about the same time go to the database in one statement — each one as `put` would
 * store it alone. A thread has at most one checkpoint in flight, so its checkpoints stay in order.
 */
export class GroupedCheckpointPuts {
  private readonly group: GroupCommit<Put>;

  constructor(private readonly db: Database) {
    this.group = new GroupCommit<Put>(
      (p) => p.key.threadId,
      async (puts) => {
        await this.statement(puts);
        return puts.map(() => ({ ok: true }));
      },
    );
  }

  put(key: CheckpointKey, checkpoint: StoredCheckpoint, metadataJson: string, blobs: BlobRow[]): Promise<void> {
    return this.group.submit({ key, checkpoint, metadataJson, blobs });
  }

  private async statement(puts: Put[]): Promise<void> {
    const blobs = puts.flatMap((p) => p.blobs.map((b) => ({ ...b, threadId: p.key.threadId, ns: p.key.checkpointNs })));
    const packed = packBlobs(blobs.map((b) => b.blob));
    await this.db.execute(sql`
      with new_blobs as (
        ${insertBlobs}
        select u.thread_id, u.checkpoint_ns, u.channel, u.version, u.type, ${blobFromPacked}
        from unnest(${sql.param(blobs.map((b) => b.threadId))}::text[], ${sql.param(blobs.map((b) => b.ns))}::text[],
                    ${sql.param(blobs.map((b) => b.channel))}::text[], ${sql.param(blobs.map((b) => b.version))}::text[],
                    ${sql.param(blobs.map((b) => b.type))}::text[], ${sql.param(packed.offsets)}::int[], ${sql.param(packed.lengths)}::int[])
             as u(thread_id, checkpoint_ns, channel, version, type, off, len), ${packedFrom(packed)}
        on conflict do nothing returning 1
      )
      ${insertCheckpoint}
      select c.thread_id, c.checkpoint_ns, c.checkpoint_id, c.parent_checkpoint_id, 'json', c.checkpoint, c.metadata
      from jsonb_to_recordset(${`[${puts.map((p) => checkpointJson(p.key, p.checkpoint, p.metadataJson)).join(',')}]`}::jsonb)
           as c(thread_id text, checkpoint_ns text, checkpoint_id text, parent_checkpoint_id text, checkpoint jsonb, metadata jsonb)
      ${checkpointConflict}`);
  }
}

const byDb = new WeakMap<Database, CheckpointWriteTarget>();

/**
 * The database's saver writes with checkpoints grouped across runs (`GroupedCheckpointPuts`); task
 * writes go as they are (prepared).
 */
export function groupedWriteTarget(db: Database): CheckpointWriteTarget {
  const found = byDb.get(db);
  if (found) return found;
  const grouped = new GroupedCheckpointPuts(db);
  const direct = writeStatementsFor(db);
  const made: CheckpointWriteTarget = {
    putCheckpoint: (key, checkpoint, metadataJson, blobs) => grouped.put(key, checkpoint, metadataJson, blobs),
    putWrites: (key, rows) => direct.putWrites(key, rows),
  };
  byDb.set(db, made);
  return made;
}
