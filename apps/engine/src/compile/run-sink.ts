import type { ErrorInfo } from '@flowcraft/schema';
import type { CheckpointTuple } from '@langchain/langgraph-checkpoint';

/**
 * Compiled nodes report what happens to them, as it happens, to a sink the run puts into
 * `config.configurable[SINK_KEY]`. Events arrive in real order (no stream buffering), so the
 * run layer can stamp and store them immediately.
 */
export const SINK_KEY = 'flowcraft_sink';

/**
 * `config.configurable[BARRIER_KEY]`: awaited before each checkpoint and each task's writes are
 * written, so the run's trace events up to that point are stored before the state that follows them.
 */
export const BARRIER_KEY = 'flowcraft_barrier';

/**
 * `config.configurable[COMMIT_KEY]`: `commit(write)` stores the trace events the run emitted so far
 * together with what `write(target)` writes to `target` — a saver's task writes. A task's
 * `node.finished` and its writes are stored together or not at all: a process killed in between
 * can neither lose the event of a task that will not run again nor show a task finished twice.
 */
export const COMMIT_KEY = 'flowcraft_commit';

/**
 * Stores the run's pending trace events and `write` atomically (`target` is the store's: one statement): with
 * `task`, a task's writes (its held `node.finished` joins them); without, a checkpoint (every held
 * event joins it, its own `checkpoint.saved` too — held under `checkpointHold(id)`).
 */
export type TraceCommit = (write: (target: unknown) => Promise<void>, task?: string) => Promise<void>;

/** The key a checkpoint's `checkpoint.saved` is held under until its commit (never a task id). */
export function checkpointHold(checkpointId: string): string {
  return `checkpoint:${checkpointId}`;
}

export function isTraceCommit(v: unknown): v is TraceCommit {
  return typeof v === 'function';
}

/**
 * `config.configurable[LATEST_KEY]`: the thread's latest checkpoint as the run read it just before
 * invoking (deciding what to do): the graph's own first read of it is answered from here, once,
 * instead of reading it again.
 */
export const LATEST_KEY = 'flowcraft_latest';

export interface KnownLatest {
  threadId: string;
  tuple: CheckpointTuple | undefined;
  taken: boolean;
}

export function isKnownLatest(v: unknown): v is KnownLatest {
  return v !== null && typeof v === 'object' && 'threadId' in v && 'tuple' in v && 'taken' in v;
}

/**
 * `config.configurable[SAVING_KEY]`: the run's checkpoint writes in flight, by checkpoint namespace
 * (`NotifyingSaver` adds each while it writes). A sub-workflow call writes its input checkpoint as its
 * first nodes start (no `__start__` step in between, `child-entry.ts`): they wait for it, so the call's
 * first checkpoint is stored, and reported, before its first step — as every later step's is.
 */
export const SAVING_KEY = 'flowcraft_saving';

export type CheckpointsInFlight = Map<string, Promise<unknown>>;

export function isCheckpointsInFlight(v: unknown): v is CheckpointsInFlight {
  return v instanceof Map;
}

/** `config.configurable[RUN_ID_KEY]`: the run id, written into each checkpoint's metadata as `runId`. */
export const RUN_ID_KEY = 'flowcraft_run_id';

/**
 * `config.configurable[BREAKPOINTS_KEY]`: the run's breakpoints by qualified node id (`call › review`),
 * or `'*'` (a step). LangGraph's `interruptBefore/After` apply to one graph; each sub-workflow call
 * takes the ones addressed to its own nodes from here.
 */
export const BREAKPOINTS_KEY = 'flowcraft_breakpoints';

export interface RunBreakpoints {
  before: readonly string[] | '*';
  after: readonly string[] | '*';
}

export function isRunBreakpoints(v: unknown): v is RunBreakpoints {
  if (v === null || typeof v !== 'object' || !('before' in v) || !('after' in v)) return false;
  const ok = (x: unknown) => x === '*' || Array.isArray(x);
  return ok(v.before) && ok(v.after);
}

export type SinkEvent =
  | { kind: 'node_started'; nodeId: string; taskId: string; step: number; attempt: number }
  | {
      kind: 'node_finished';
      nodeId: string;
      taskId: string;
      step: number;
      update: Record<string, unknown>;
      durationMs: number;
      next?: string[];
    }
  | {
      kind: 'attempt_failed';
      nodeId: string;
      taskId: string;
      step: number;
      attempt: number;
      willRetry: boolean;
      error: ErrorInfo;
    }
  | { kind: 'progress'; nodeId: string; step: number; name: string; data: Record<string, unknown> }
  | { kind: 'interrupt'; nodeId: string; taskId: string; ids: string[] }
  | { kind: 'token'; graphNode: string; taskId?: string; step: number; text: string }
  | {
      kind: 'usage';
      graphNode: string;
      taskId?: string;
      step?: number;
      input: number;
      output: number;
      cached?: number;
      cacheWrite?: number;
      /** The model that answered (after tiers and fallbacks), and what the node asked for. */
      model?: string;
      requested?: string;
      /** US dollars; absent when the model has no price. */
      costUsd?: number;
      durationMs?: number;
      /** Failed attempts before this answer (fallbacks, Retry-After waits). */
      failedAttempts?: number;
    }
  | {
      kind: 'model_attempt';
      graphNode: string;
      taskId?: string;
      step: number;
      /** What the model router did after this failure. */
      model: string;
      code: string;
      action: 'retry' | 'next' | 'fail';
      next?: string;
      status?: number;
      retryAfterMs?: number;
      message: string;
    }
  | {
      kind: 'checkpoint';
      checkpointId: string;
      parentId: string | null;
      step: number;
      /** Qualified node ids (`call › review` inside a sub-workflow). */
      next: string[];
      /** A sub-workflow's checkpoint: its namespace (`call:<task id>`) and the calling node (qualified). */
      nested?: { ns: string; calledBy: string };
      /**
       * Reported as the checkpoint is about to be stored by the run's commit (`COMMIT_KEY`): the event
       * is held and stored in that commit's statement, so the trace says "saved" exactly when it is.
       * Without it, the checkpoint is stored already.
       */
      withCommit?: true;
    };

export type RunSink = (event: SinkEvent) => void;

export function isRunSink(v: unknown): v is RunSink {
  return typeof v === 'function';
}

/** Something that reports a thread's model tokens and usage to a sink while listening (the run's model callbacks). */
export interface ModelEventSource {
  listen(threadId: string, sink: RunSink, tokens: boolean): () => void;
}
