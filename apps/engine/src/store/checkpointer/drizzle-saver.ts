import type { RunnableConfig } from '@langchain/core/runnables';
import { BaseCheckpointSaver, TASKS, maxChannelVersion } from '@langchain/langgraph-checkpoint';
import type {
  ChannelVersions,
  Checkpoint,
  CheckpointListOptions,
  CheckpointMetadata,
  CheckpointTuple,
  PendingWrite,
  SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import { eq } from 'drizzle-orm';
import type { Database } from '../db.js';
import { checkpointBlobs, checkpointWrites, checkpoints } from '../schema/index.js';
import { checkpointKey, listNamespace, requireThreadId, tupleConfig } from './config-keys.js';
import { dumpBlobs, dumpMetadata, dumpWrites } from './dump.js';
import { loadTuple } from './load-tuple.js';
import { prepareListQueries, prepareTupleQueries, selectPendingSends } from './tuple-rows.js';
import type { ListArgs, RowCursor, TupleRow } from './tuple-rows.js';
import { writeStatementsFor } from './write-statements.js';
import type { CheckpointWriteTarget } from './write-statements.js';

/** Rows fetched per round trip by `list` (each row carries its full channel values). */
const LIST_PAGE = 64;

type ExtraChannels = Record<string, { value: unknown; version: number | string }>;

function prepareStatements(db: Database) {
  return { reads: prepareTupleQueries(db), lists: prepareListQueries(db), writes: writeStatementsFor(db) };
}
/** Prepared statements are built once per database and shared by every saver on it. */
const statementsByDb = new WeakMap<Database, ReturnType<typeof prepareStatements>>();

/**
 * LangGraph checkpointer on the store's drizzle database (PGlite or postgres.js), in the layout of
 * the official PostgresSaver plus `task_path`: channel values are blobs keyed by channel version
 * (only versions new in a checkpoint are written), pending writes come back in `(task_path,
 * task_id, idx)` order. Serialization happens before and deserialization after the SQL; each
 * write (checkpoint + its new blobs, or one task's writes) is a single atomic statement, prepared
 * once per saver.
 */
export class DrizzleSaver extends BaseCheckpointSaver {
  private readonly reads: ReturnType<typeof prepareTupleQueries>;
  private readonly lists: ReturnType<typeof prepareListQueries>;
  private readonly writes: CheckpointWriteTarget;

  constructor(
    private readonly db: Database,
    serde?: SerializerProtocol,
  ) {
    super(serde);
    const statements = statementsByDb.get(db) ?? prepareStatements(db);
    statementsByDb.set(db, statements);
    ({ reads: this.reads, lists: this.lists, writes: this.writes } = statements);
  }

  /**
   * Versions are `n + random fraction`: increasing like LangGraph's integers, but unique per write,
   * so a fork (updateState on an old checkpoint) cannot reuse a version another branch already
   * stored a different value under (blobs are keyed by channel version). The official JS
   * PostgresSaver uses plain integers and loses values after a fork; Python's adds a random suffix too.
   */
  override getNextVersion(current: number | undefined): number {
    const n = Number(current ?? 0);
    const base = Number.isFinite(n) ? Math.floor(n) : 0;
    return base + 1 + Math.random();
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const key = checkpointKey(config);
    if (key.threadId === undefined) return undefined;
    const row = await this.reads.get(key.threadId, key.checkpointNs, key.checkpointId);
    if (row === undefined) return undefined;
    const extra = await this.migratePendingSends([row]);
    return loadTuple(this.serde, row, extra.get(row));
  }

  async *list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    const { filter, before, limit } = options ?? {};
    const key = checkpointKey(config);
    const ns = listNamespace(config);
    const beforeId = before === undefined ? undefined : checkpointKey(before).checkpointId;
    const args: ListArgs = {
      threadId: key.threadId,
      checkpointNs: ns,
      checkpointId: key.checkpointId,
      filter: filter !== undefined && Object.keys(filter).length > 0 ? JSON.stringify(filter) : undefined,
      before: beforeId,
      limit: 0,
    };
    let remaining = limit === undefined ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(limit));
    let after: RowCursor | undefined;
    while (remaining > 0) {
      const pageSize = Math.min(LIST_PAGE, remaining);
      const rows = await this.lists.page({ ...args, after, limit: pageSize });
      const extra = await this.migratePendingSends(rows);
      for (const row of rows) yield await loadTuple(this.serde, row, extra.get(row));
      const last = rows[rows.length - 1];
      if (last === undefined || rows.length < pageSize) return;
      remaining -= rows.length;
      after = { checkpointId: last.checkpointId, threadId: last.threadId, checkpointNs: last.checkpointNs };
    }
  }

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    return this.storeCheckpoint(this.writes, config, checkpoint, metadata, newVersions);
  }

  /** `put` with its statement going to `target` (e.g. stored in one statement with a run's trace events). */
  async putIn(
    target: CheckpointWriteTarget,
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    return this.storeCheckpoint(target, config, checkpoint, metadata, newVersions);
  }

  private async storeCheckpoint(
    statements: CheckpointWriteTarget,
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    if (config.configurable === undefined) throw new Error('Missing "configurable" field in "config" param');
    const key = checkpointKey(config);
    const threadId = requireThreadId(key, 'put checkpoint');
    const { channel_values: values, ...stored } = checkpoint;
    // Serialize first; then one statement writes the new blobs and the checkpoint.
    const [blobs, metadataJson] = await Promise.all([
      dumpBlobs(this.serde, values, newVersions),
      dumpMetadata(this.serde, metadata),
    ]);
    await statements.putCheckpoint(
      {
        threadId,
        checkpointNs: key.checkpointNs,
        checkpointId: checkpoint.id,
        parentCheckpointId: key.checkpointId ?? null,
      },
      stored,
      metadataJson,
      blobs,
    );
    return tupleConfig(threadId, key.checkpointNs, checkpoint.id);
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath = ''): Promise<void> {
    await this.storeWrites(this.writes, config, writes, taskId, taskPath);
  }

  /** `putWrites` with its statement going to `target` (the run stores the task's trace events with it). */
  async putWritesIn(
    target: CheckpointWriteTarget,
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath = '',
  ): Promise<void> {
    await this.storeWrites(target, config, writes, taskId, taskPath);
  }

  private async storeWrites(
    statements: CheckpointWriteTarget,
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath: string,
  ): Promise<void> {
    const key = checkpointKey(config);
    const threadId = requireThreadId(key, 'put writes');
    if (key.checkpointId === undefined)
      throw new Error('Failed to put writes: config.configurable is missing "checkpoint_id".');
    const rows = await dumpWrites(this.serde, writes);
    if (rows.length === 0) return;
    await statements.putWrites(
      { threadId, checkpointNs: key.checkpointNs, checkpointId: key.checkpointId, taskId, taskPath },
      rows,
    );
  }

  async deleteThread(threadId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(checkpointWrites).where(eq(checkpointWrites.threadId, threadId));
      await tx.delete(checkpointBlobs).where(eq(checkpointBlobs.threadId, threadId));
      await tx.delete(checkpoints).where(eq(checkpoints.threadId, threadId));
    });
  }

  /**
   * Checkpoints older than format v4 kept pending sends as writes of their parent: surface them as
   * the `__pregel_tasks` channel, as the official savers do.
   */
  private async migratePendingSends(rows: TupleRow[]): Promise<Map<TupleRow, ExtraChannels>> {
    const out = new Map<TupleRow, ExtraChannels>();
    const groups = new Map<string, TupleRow[]>();
    for (const row of rows) {
      if (row.checkpoint.v >= 4 || row.parentCheckpointId === null) continue;
      const group = JSON.stringify([row.threadId, row.checkpointNs]);
      groups.set(group, [...(groups.get(group) ?? []), row]);
    }
    for (const group of groups.values()) {
      const first = group[0];
      if (first === undefined) continue;
      const parents = [...new Set(group.map((r) => r.parentCheckpointId ?? ''))];
      const sends = await selectPendingSends(this.db, first.threadId, first.checkpointNs, parents, TASKS);
      for (const row of group) {
        const mine = sends.filter((s) => s.checkpointId === row.parentCheckpointId);
        if (mine.length === 0) continue;
        const value = await Promise.all(mine.map((s) => this.serde.loadsTyped(s.type ?? 'json', s.blob)));
        const versions = Object.values(row.checkpoint.channel_versions ?? {});
        const version = versions.length > 0 ? maxChannelVersion(...versions) : this.getNextVersion(undefined);
        out.set(row, { [TASKS]: { value, version } });
      }
    }
    return out;
  }
}
