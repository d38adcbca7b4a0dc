import type { StateSnapshot } from '@langchain/langgraph';
import { toErrorInfo, isRecord } from '@flowcraft/schema';
import type { Compiled } from '../compile/compile.js';
import type { ThreadService } from '../http/deps.js';
import type { Page, ThreadState } from '@flowcraft/schema';
import type { HistoryQuery } from '../http/schemas/thread.js';
import { publicState, toPlain } from '../execution/to-plain.js';
import type { Store } from '../store/index.js';
import type { CompiledGraphs } from '../lifecycle/compiled-graphs.js';
import type { RunPorts } from '../lifecycle/ports.js';
import { decodeTextCursor, encodeTextCursor } from '../store/repos/page.js';
import { nsPath, qualify } from '../compile/subworkflows.js';

export type { Compiled };
const SOURCES = ['input', 'loop', 'update', 'fork'] as const;
type Source = (typeof SOURCES)[number];

/**
 * Threads' checkpointed state: compiles the thread's workflow version (of its latest run) with the
 * store's checkpointer and reads `getState` / `getStateHistory`, mapped to canvas node ids.
 */
export class StoreThreadService implements ThreadService {
  constructor(
    private readonly store: Store,
    private readonly ports: RunPorts,
    private readonly graphs: CompiledGraphs,
  ) {}

  async getState(threadId: string): Promise<ThreadState | undefined> {
    const compiled = await this.compiledFor(threadId);
    if (compiled === undefined) return undefined;
    const snapshot = await compiled.graph.getState({ configurable: { thread_id: threadId } });
    return toThreadState(threadId, snapshot, compiled);
  }

  async history(threadId: string, query: HistoryQuery): Promise<Page<ThreadState> | undefined> {
    const compiled = await this.compiledFor(threadId);
    if (compiled === undefined) return undefined;
    const ns = query.ns ?? '';
    // LangGraph finds the sub-workflow's graph by the namespace; an unknown one names no checkpoints.
    if (ns !== '' && !compiled.nested.has(nsPath(ns).join('|'))) return { items: [], nextCursor: null };
    const before =
      query.cursor === undefined
        ? undefined
        : {
            configurable: {
              thread_id: threadId,
              checkpoint_ns: ns,
              checkpoint_id: decodeTextCursor(query.cursor),
            },
          };
    const items: ThreadState[] = [];
    let more = false;
    for await (const snapshot of compiled.graph.getStateHistory(
      { configurable: { thread_id: threadId, checkpoint_ns: ns } },
      { limit: query.limit + 1, ...(before ? { before } : {}) },
    )) {
      const state = toThreadState(threadId, snapshot, compiled, ns);
      if (state === undefined) continue;
      if (items.length === query.limit) {
        more = true;
        break;
      }
      items.push(state);
    }
    const last = items.at(-1);
    return { items, nextCursor: more && last ? encodeTextCursor(last.checkpointId) : null };
  }

  async getStateAt(threadId: string, checkpointId: string, ns = ''): Promise<ThreadState | undefined> {
    const compiled = await this.compiledFor(threadId);
    if (compiled === undefined) return undefined;
    if (ns !== '' && !compiled.nested.has(nsPath(ns).join('|'))) return undefined;
    const at = { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpointId } };
    const tuple = await this.store.checkpointer.getTuple(at);
    if (tuple === undefined) return undefined;
    const snapshot = await compiled.graph.getState(at);
    return toThreadState(threadId, snapshot, compiled, ns);
  }

  /** The compiled graph of the workflow version the thread last ran; undefined for an unknown thread. */
  async compiledFor(threadId: string): Promise<Compiled | undefined> {
    const thread = await this.store.threads.find(threadId);
    if (thread === undefined) return undefined;
    const [latestRun] = (await this.store.runs.list({ threadId, limit: 1 })).items;
    const workflowId = latestRun?.workflowId ?? thread.workflowId;
    if (workflowId === null) return undefined;
    const { version, document } = await this.ports.getVersion(workflowId, latestRun?.workflowVersion);
    return this.graphs.get(workflowId, version, document);
  }
}

function checkpointIdOf(config: StateSnapshot['config'] | undefined): string | undefined {
  const id: unknown = config?.configurable?.checkpoint_id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * A snapshot in canvas terms. `ns`: a sub-workflow's namespace (its node names qualified by the
 * calling nodes: `review › approve`); a task that calls a sub-workflow names the namespace of its checkpoints.
 */
function toThreadState(
  threadId: string,
  snapshot: StateSnapshot,
  compiled: Compiled,
  ns = '',
): ThreadState | undefined {
  const checkpointId = checkpointIdOf(snapshot.config);
  if (checkpointId === undefined) return undefined;
  const path = nsPath(ns);
  const nodeOf = (name: string) => {
    const id = qualify(path, name);
    return compiled.nodeMap.get(id) ?? id;
  };
  const callsChild = (name: string) => compiled.nested.has([...path, name].join('|'));
  const metadata = snapshot.metadata;
  const source: Source = SOURCES.find((s) => s === metadata?.source) ?? 'loop';
  const plainMetadata = toPlain(metadata ?? {});
  const runIdValue = isRecord(plainMetadata) ? plainMetadata['runId'] : undefined;
  const runId = typeof runIdValue === 'string' ? runIdValue : null;
  const values: unknown = snapshot.values;
  return {
    threadId,
    checkpointId,
    ...(ns === '' ? {} : { checkpointNs: ns }),
    parentCheckpointId: checkpointIdOf(snapshot.parentConfig) ?? null,
    step: metadata?.step ?? -1,
    source,
    values: isRecord(values) ? publicState(values) : {},
    // LangGraph's own nodes (`__start__`) are not on the canvas.
    next: [...new Set(snapshot.next.filter((n) => !n.startsWith('__')).map(nodeOf))],
    tasks: snapshot.tasks.map((t) => ({
      id: t.id,
      nodeId: nodeOf(t.name),
      interrupts: t.interrupts.map((i) => ({ id: i.id ?? '', value: toPlain(i.value) })),
      error: t.error === undefined || t.error === null ? null : toErrorInfo(t.error),
      ...(callsChild(t.name) ? { checkpointNs: `${ns === '' ? '' : `${ns}|`}${t.name}:${t.id}` } : {}),
    })),
    runId,
    metadata: isRecord(plainMetadata) ? plainMetadata : {},
    createdAt: snapshot.createdAt ?? new Date(0).toISOString(),
  };
}
