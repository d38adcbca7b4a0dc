import { BaseCheckpointSaver } from '@langchain/langgraph';
import type {
  Checkpoint,
  CheckpointMetadata,
  CheckpointTuple,
  PendingWrite,
  CheckpointListOptions,
  ChannelVersions,
} from '@langchain/langgraph-checkpoint';
import type { RunnableConfig } from '@langchain/core/runnables';
import { BARRIER_KEY, RUN_ID_KEY, SINK_KEY, isRunSink } from './run-sink.js';

function newer(a: unknown, b: unknown): boolean {
  if (b === undefined) return a !== undefined;
  if (typeof a === 'number' && typeof b === 'number') return a > b;
  return String(a) > String(b);
}

/** Nodes a checkpoint will run next: triggers written since the node last saw them, plus pending sends. */
export function nextNodes(cp: Checkpoint): string[] {
  const next = new Set<string>();
  for (const [channel, version] of Object.entries(cp.channel_versions)) {
    if (!channel.startsWith('branch:to:')) continue;
    const node = channel.slice('branch:to:'.length);
    if (newer(version, cp.versions_seen[node]?.[channel])) next.add(node);
  }
  const tasks = cp.channel_values['__pregel_tasks'];
  if (Array.isArray(tasks)) {
    for (const t of tasks)
      if (t !== null && typeof t === 'object' && 'node' in t && typeof t.node === 'string') next.add(t.node);
  }
  return [...next];
}

/**
 * Delegates to a real checkpointer and reports every saved checkpoint to the run's sink as it is
 * written (id, parent, step, next nodes).
 */
export class NotifyingSaver extends BaseCheckpointSaver {
  constructor(private readonly inner: BaseCheckpointSaver) {
    super(inner.serde);
  }

  getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    return this.inner.getTuple(config);
  }

  list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    return this.inner.list(config, options);
  }

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const barrier = config.configurable?.[BARRIER_KEY];
    if (typeof barrier === 'function') await barrier();
    const runId: unknown = config.configurable?.[RUN_ID_KEY];
    const saved = await this.inner.put(
      config,
      checkpoint,
      typeof runId === 'string' ? Object.assign({}, metadata, { runId }) : metadata,
      newVersions,
    );
    const sink = config.configurable?.[SINK_KEY];
    if (isRunSink(sink) && (config.configurable?.checkpoint_ns ?? '') === '') {
      const parent = config.configurable?.checkpoint_id;
      sink({
        kind: 'checkpoint',
        checkpointId: checkpoint.id,
        parentId: typeof parent === 'string' ? parent : null,
        step: metadata.step,
        next: nextNodes(checkpoint),
      });
    }
    return saved;
  }

  putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string): Promise<void> {
    return this.inner.putWrites(config, writes, taskId, taskPath);
  }

  override getNextVersion(current: number | undefined): number {
    return this.inner.getNextVersion(current);
  }

  deleteThread(threadId: string): Promise<void> {
    return this.inner.deleteThread(threadId);
  }
}
