import type { StateSnapshot } from '@langchain/langgraph';
import { toErrorInfo } from '@flowcraft/schema';
import type { NodeTypeRegistry } from '@flowcraft/node-types';
import { compile } from '../compile/compile.js';
import type { ThreadService } from '../http/deps.js';
import type { Page } from '../http/schemas/common.js';
import type { HistoryQuery, ThreadState } from '../http/schemas/thread.js';
import { createRunServices } from '../run/services.js';
import { publicState, toPlain } from '../run/to-plain.js';
import type { Store } from '../store/index.js';
import { decodeTextCursor, encodeTextCursor } from '../store/repos/page.js';
import { isRecord } from './event-codec.js';
import type { StoreRunPorts } from './store-run-ports.js';

export type Compiled = ReturnType<typeof compile>;
const SOURCES = ['input', 'loop', 'update', 'fork'] as const;
type Source = (typeof SOURCES)[number];

/**
 * Threads' checkpointed state: compiles the thread's workflow version (of its latest run) with the
 * store's checkpointer and reads `getState` / `getStateHistory`, mapped to canvas node ids.
 */
export class StoreThreadService implements ThreadService {
  private readonly compiled = new Map<string, Compiled>();

  constructor(
    private readonly store: Store,
    private readonly ports: StoreRunPorts,
    private readonly registry: NodeTypeRegistry,
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
    const before =
      query.cursor === undefined
        ? undefined
        : {
            configurable: {
              thread_id: threadId,
              checkpoint_id: decodeTextCursor(query.cursor),
            },
          };
    const items: ThreadState[] = [];
    let more = false;
    for await (const snapshot of compiled.graph.getStateHistory(
      { configurable: { thread_id: threadId } },
      { limit: query.limit + 1, ...(before ? { before } : {}) },
    )) {
      const state = toThreadState(threadId, snapshot, compiled);
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

  async getStateAt(threadId: string, checkpointId: string): Promise<ThreadState | undefined> {
    const compiled = await this.compiledFor(threadId);
    if (compiled === undefined) return undefined;
    const tuple = await this.store.checkpointer.getTuple({
      configurable: { thread_id: threadId, checkpoint_id: checkpointId },
    });
    if (tuple === undefined) return undefined;
    const snapshot = await compiled.graph.getState({
      configurable: { thread_id: threadId, checkpoint_id: checkpointId },
    });
    return toThreadState(threadId, snapshot, compiled);
  }

  /** The compiled graph of the workflow version the thread last ran; undefined for an unknown thread. */
  async compiledFor(threadId: string): Promise<Compiled | undefined> {
    const thread = await this.store.threads.find(threadId);
    if (thread === undefined) return undefined;
    const [latestRun] = (await this.store.runs.list({ threadId, limit: 1 })).items;
    const workflowId = latestRun?.workflowId ?? thread.workflowId;
    if (workflowId === null) return undefined;
    const key = `${workflowId}@${latestRun?.workflowVersion ?? 'latest'}`;
    const cached = this.compiled.get(key);
    if (cached !== undefined) return cached;
    const { version, document } = await this.ports.getVersion(workflowId, latestRun?.workflowVersion);
    const compiled = compile(document, this.registry, createRunServices({ script: document.script }), {
      checkpointer: this.store.checkpointer,
    });
    if (latestRun !== undefined) this.compiled.set(`${workflowId}@${version}`, compiled);
    return compiled;
  }
}

function checkpointIdOf(config: StateSnapshot['config'] | undefined): string | undefined {
  const id: unknown = config?.configurable?.checkpoint_id;
  return typeof id === 'string' ? id : undefined;
}

function toThreadState(threadId: string, snapshot: StateSnapshot, compiled: Compiled): ThreadState | undefined {
  const checkpointId = checkpointIdOf(snapshot.config);
  if (checkpointId === undefined) return undefined;
  const nodeOf = (name: string) => compiled.nodeMap.get(name) ?? name;
  const metadata = snapshot.metadata;
  const source: Source = SOURCES.find((s) => s === metadata?.source) ?? 'loop';
  const plainMetadata = toPlain(metadata ?? {});
  const runIdValue = isRecord(plainMetadata) ? plainMetadata['runId'] : undefined;
  const runId = typeof runIdValue === 'string' ? runIdValue : null;
  const values: unknown = snapshot.values;
  return {
    threadId,
    checkpointId,
    parentCheckpointId: checkpointIdOf(snapshot.parentConfig) ?? null,
    step: metadata?.step ?? -1,
    source,
    values: isRecord(values) ? publicState(values) : {},
    // LangGraph's own nodes (`__start__`) are not on the canvas.
    next: [...new Set(snapshot.next.map(nodeOf))].filter((n) => !n.startsWith('__')),
    tasks: snapshot.tasks.map((t) => ({
      id: t.id,
      nodeId: nodeOf(t.name),
      interrupts: t.interrupts.map((i) => ({ id: i.id ?? '', value: toPlain(i.value) })),
      error: t.error === undefined || t.error === null ? null : toErrorInfo(t.error),
    })),
    runId,
    metadata: isRecord(plainMetadata) ? plainMetadata : {},
    createdAt: snapshot.createdAt ?? new Date(0).toISOString(),
  };
}
