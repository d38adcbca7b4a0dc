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
import {
  BARRIER_KEY,
  COMMIT_KEY,
  LATEST_KEY,
  RUN_ID_KEY,
  SAVING_KEY,
  SINK_KEY,
  isCheckpointsInFlight,
  isKnownLatest,
  isRunSink,
  isTraceCommit,
} from './run-sink.js';
import { nsPath, qualify } from './subworkflows.js';

/** A saver whose checkpoints and task writes can go to a target the run gives (the store's own saver: stored with the trace). */
export interface JoinableSaver {
  putIn(
    target: unknown,
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig>;
  putWritesIn(
    target: unknown,
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath?: string,
  ): Promise<void>;
}

function isJoinable(saver: BaseCheckpointSaver): saver is BaseCheckpointSaver & JoinableSaver {
  return typeof Reflect.get(saver, 'putWritesIn') === 'function' && typeof Reflect.get(saver, 'putIn') === 'function';
}

function newer(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null) return false;
  if (b === undefined || b === null) return typeof a === 'number' ? a > 0 : String(a) !== '';
  if (typeof a === 'number' && typeof b === 'number') return a > b;
  return String(a) > String(b);
}

/** What `nextNodes` needs of a compiled graph: its channels (to restore) and each node's triggers. */
export interface GraphTopology {
  channels: Record<string, unknown>;
  nodes: Record<string, { triggers: readonly string[] }>;
}

interface RestorableChannel {
  fromCheckpoint(checkpoint?: unknown): { isAvailable(): boolean };
}

function isRestorable(c: unknown): c is RestorableChannel {
  return c !== null && typeof c === 'object' && 'fromCheckpoint' in c && typeof c.fromCheckpoint === 'function';
}

/**
 * Nodes a checkpoint will run next, as LangGraph's own state snapshot (`getState`,
 * `getStateHistory`) computes them: pending sends first, then every node one of whose trigger
 * channels holds a value (restored from the checkpoint) at a version the node has not seen.
 * A consumed trigger (`branch:to:*` after its node ran) gets a new version but no value, so the
 * version alone says nothing; without `graph` only the stored values are consulted.
 */
export function nextNodes(cp: Checkpoint, graph?: GraphTopology): string[] {
  const next: string[] = [];
  const tasks = cp.channel_values['__pregel_tasks'];
  if (Array.isArray(tasks)) {
    for (const t of tasks)
      if (t !== null && typeof t === 'object' && 'node' in t && typeof t.node === 'string') next.push(t.node);
  }
  const available = (channel: string): boolean => {
    const spec = graph?.channels[channel];
    if (isRestorable(spec)) return spec.fromCheckpoint(cp.channel_values[channel]).isAvailable();
    return channel in cp.channel_values;
  };
  const triggers: Array<[string, readonly string[]]> = graph
    ? Object.entries(graph.nodes).map(([name, node]) => [name, node.triggers])
    : Object.keys(cp.channel_versions)
        .filter((c) => c.startsWith('branch:to:'))
        .map((c) => [c.slice('branch:to:'.length), [c]]);
  const fresh = Object.values(cp.channel_versions).some((v) => v !== null && v !== undefined);
  if (!fresh) return next;
  for (const [node, chans] of triggers) {
    const seen = cp.versions_seen[node] ?? {};
    if (chans.some((c) => available(c) && newer(cp.channel_versions[c], seen[c]))) next.push(node);
  }
  return next;
}

/**
 * Delegates to a real checkpointer and reports every saved checkpoint to the run's sink as it is
 * written (id, parent, step, next nodes — the same list `getStateHistory` shows for it). Checkpoints
 * and task writes both wait for the run's barrier (its stored trace) before they are written.
 */
export class NotifyingSaver extends BaseCheckpointSaver {
  private graph: GraphTopology | undefined;
  private nested: ReadonlyMap<string, GraphTopology> = new Map();
  /** The last namespace's calling nodes: a call's checkpoints all share its namespace. */
  private lastPath: { ns: string; path: string[] } = { ns: '', path: [] };

  constructor(private readonly inner: BaseCheckpointSaver) {
    super(inner.serde);
  }

  /**
   * The compiled graph this saver serves (its channels and triggers give the exact `next`), and the
   * sub-workflow graphs nested in it by calling-node path (`review`, `review|inner`).
   */
  bind(graph: GraphTopology, nested: ReadonlyMap<string, GraphTopology> = new Map()): void {
    this.graph = graph;
    this.nested = nested;
  }

  private pathOf(ns: string): string[] {
    if (ns !== this.lastPath.ns) this.lastPath = { ns, path: nsPath(ns) };
    return this.lastPath.path;
  }

  getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const c = config.configurable;
    const known = c?.[LATEST_KEY];
    // The graph starting a run asks for the thread's latest checkpoint, which the run has just read.
    if (
      isKnownLatest(known) &&
      !known.taken &&
      c?.thread_id === known.threadId &&
      c?.checkpoint_id === undefined &&
      (c?.checkpoint_ns ?? '') === ''
    ) {
      known.taken = true;
      return Promise.resolve(known.tuple);
    }
    return this.inner.getTuple(config);
  }

  list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    return this.inner.list(config, options);
  }

  put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const saving = config.configurable?.[SAVING_KEY];
    const saved = this.save(config, checkpoint, metadata, newVersions);
    if (!isCheckpointsInFlight(saving)) return saved;
    // Known while it is written (see SAVING_KEY); the latest write of a namespace is the one waited for.
    const nsValue: unknown = config.configurable?.checkpoint_ns;
    const ns = typeof nsValue === 'string' ? nsValue : '';
    saving.set(ns, saved);
    const done = () => {
      if (saving.get(ns) === saved) saving.delete(ns);
    };
    saved.then(done, done);
    return saved;
  }

  private async save(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const runId: unknown = config.configurable?.[RUN_ID_KEY];
    const meta = typeof runId === 'string' ? Object.assign({}, metadata, { runId }) : metadata;
    const commit = config.configurable?.[COMMIT_KEY];
    const inner = this.inner;
    if (isTraceCommit(commit) && isJoinable(inner)) {
      // The step's trace, the checkpoint and its `checkpoint.saved`: one statement, all or nothing.
      this.report(config, checkpoint, metadata, true);
      let saved: RunnableConfig | undefined;
      await commit(async (target) => {
        saved = await inner.putIn(target, config, checkpoint, meta, newVersions);
      });
      return saved ?? (await inner.put(config, checkpoint, meta, newVersions));
    }
    const barrier = config.configurable?.[BARRIER_KEY];
    if (typeof barrier === 'function') await barrier();
    const saved = await inner.put(config, checkpoint, meta, newVersions);
    this.report(config, checkpoint, metadata, false);
    return saved;
  }

  /** Tells the run's sink about a checkpoint (stored, or about to be stored by the run's commit). */
  private report(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, withCommit: boolean) {
    const sink = config.configurable?.[SINK_KEY];
    if (!isRunSink(sink)) return;
    const parent = config.configurable?.checkpoint_id;
    const nsValue: unknown = config.configurable?.checkpoint_ns;
    const ns = typeof nsValue === 'string' ? nsValue : '';
    // A sub-workflow's checkpoint (its namespace nests under the calling node's task): next nodes
    // from the child's graph, named by their path like the trace names them (`review › approve`).
    const path = this.pathOf(ns);
    sink({
      kind: 'checkpoint',
      checkpointId: checkpoint.id,
      parentId: typeof parent === 'string' ? parent : null,
      step: metadata.step,
      next:
        path.length === 0
          ? nextNodes(checkpoint, this.graph)
          : nextNodes(checkpoint, this.nested.get(path.join('|')))
              .filter((n) => !n.startsWith('__'))
              .map((n) => qualify(path, n)),
      ...(path.length === 0 ? {} : { nested: { ns, calledBy: qualify(path.slice(0, -1), path.at(-1) ?? '') } }),
      ...(withCommit ? { withCommit: true as const } : {}),
    });
  }

  /**
   * A resumed run applies a finished task's stored writes without running the task again, so its
   * trace events (`node.finished`…) are stored with them, in one statement, where the run and the
   * saver share a database (`COMMIT_KEY`); elsewhere at least before them (the barrier of `put`).
   */
  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string): Promise<void> {
    const commit = config.configurable?.[COMMIT_KEY];
    const inner = this.inner;
    if (isTraceCommit(commit) && isJoinable(inner)) {
      await commit((target) => inner.putWritesIn(target, config, writes, taskId, taskPath), taskId);
      return;
    }
    const barrier = config.configurable?.[BARRIER_KEY];
    if (typeof barrier === 'function') await barrier();
    return this.inner.putWrites(config, writes, taskId, taskPath);
  }

  override getNextVersion(current: number | undefined): number {
    return this.inner.getNextVersion(current);
  }

  deleteThread(threadId: string): Promise<void> {
    return this.inner.deleteThread(threadId);
  }
}
