import { Command, isGraphInterrupt } from '@langchain/langgraph';
import { ErrorInfo, isRecord, isStorageUnavailable } from '@flowcraft/schema';
import type { TokenUsage, TraceEventBody } from '@flowcraft/schema';
import { ERROR_CHANNEL } from '../compile/compile.js';
import type { Compiled } from '../compile/compile.js';
import { classifyError } from '../compile/classify-error.js';
import {
  BARRIER_KEY,
  BREAKPOINTS_KEY,
  COMMIT_KEY,
  LATEST_KEY,
  RUN_ID_KEY,
  SAVING_KEY,
  SINK_KEY,
  checkpointHold,
} from '../compile/run-sink.js';
import type { KnownLatest, TraceCommit } from '../compile/run-sink.js';
import { PATH_SEPARATOR, breakpointsAt } from '../compile/subworkflows.js';
import type { StateSnapshot } from '@langchain/langgraph';
import type { CheckpointTuple } from '@langchain/langgraph-checkpoint';
import type { ModelEventSource, SinkEvent } from '../compile/run-sink.js';
import { SERVICES_KEY } from '../compile/service-scope.js';
import type { NodeServices } from '@flowcraft/node-types';
import { publicState, toPlain } from './to-plain.js';

export type RunOutcome =
  | { status: 'completed'; output: Record<string, unknown>; tokens: TokenUsage }
  | {
      status: 'interrupted';
      interrupts: { id: string; nodeId?: string; value: unknown }[];
      tokens: TokenUsage;
      /** Paused by a breakpoint (no interrupts pending): the nodes that run next, and where. */
      paused?: { next: string[]; checkpointId: string };
    }
  | { status: 'failed'; error: ErrorInfo; tokens: TokenUsage }
  | { status: 'cancelled'; tokens: TokenUsage };

/**
 * The database could not be reached mid-run (`cause`): not the run's failure — its executor hands the
 * run back to resume from its last checkpoint. `tokens`: what the run's model calls used before
 * that; spent all the same, so the run's usage counts them.
 */
export class StorageLostError extends Error {
  constructor(
    cause: unknown,
    readonly tokens: TokenUsage,
  ) {
    super('The database could not be reached during the run', { cause });
    this.name = 'StorageLostError';
  }
}

export interface ExecuteOptions {
  compiled: Compiled;
  threadId: string;
  /** Start input (a new run) or a resume value (after an interrupt); `resumeById` answers several. */
  input?: Record<string, unknown>;
  resume?: unknown;
  resumeById?: Record<string, unknown>;
  /** Continue a thread from a specific checkpoint (replay / fork). */
  checkpointId?: string;
  /** The thread's latest checkpoint, when the caller has just read it (the graph then does not read it again). */
  latest?: { tuple: CheckpointTuple | undefined };
  signal?: AbortSignal;
  /** Stream model tokens as `model.token` events (models then stream their replies). Default true. */
  streamTokens?: boolean;
  /**
   * This run's services when the graph is shared between runs (compiled with `scopedServices`);
   * their `modelEvents` report tokens and usage. Default: the services the graph was compiled with.
   */
  services?: NodeServices & { modelEvents?: ModelEventSource };
  /** Recorded in every checkpoint's metadata (`runId`), so a thread's history says which run wrote what. */
  runId?: string;
  /**
   * Breakpoints: canvas node ids to pause before / after (LangGraph `interruptBefore/After` at invoke
   * time); a node inside a sub-workflow by its path (`review › approve`), `'*'` before every node at any depth.
   */
  interruptBefore?: string[] | '*';
  interruptAfter?: string[] | '*';
  /** Awaited before each checkpoint is written (e.g. flush the stored trace). */
  beforeCheckpoint?: () => Promise<void>;
  /** Stores the trace so far and a task's writes (`write(tx)`) in one transaction (see `COMMIT_KEY`). */
  commitWrites?: TraceCommit;
  /**
   * Receives each trace event, in order. `task` is set when `commitWrites` is: on a `node.finished`
   * (the task's id: the event belongs with that task's writes, stored in the same statement, not
   * before them) and on a `checkpoint.saved` about to be stored by its checkpoint's commit
   * (`checkpointHold(id)`).
   */
  onEvent: (event: TraceEventBody, task?: string) => void | Promise<void>;
}

function addUsage(
  into: TokenUsage,
  u: { input: number; output: number; cached?: number; cacheWrite?: number; costUsd?: number },
): void {
  into.input += u.input;
  into.output += u.output;
  if (u.cached) into.cached = (into.cached ?? 0) + u.cached;
  if (u.cacheWrite) into.cacheWrite = (into.cacheWrite ?? 0) + u.cacheWrite;
  // Totals show a cost once some call cost something (free and unpriced calls are in the `model_call`
  // events); summed in nano-dollars so they stay free of float dust.
  if (u.costUsd) into.costUsd = Math.round(((into.costUsd ?? 0) + u.costUsd) * 1e9) / 1e9;
}

/**
 * Run (or resume) a compiled workflow on a thread. Nodes, models and the checkpointer report to a
 * run sink as things happen; this turns those reports into trace events, in order.
 */
export async function executeRun(opts: ExecuteOptions): Promise<RunOutcome> {
  const { compiled } = opts;
  const nodeOf = (name: string) => compiled.nodeMap.get(name);
  const total: TokenUsage = { input: 0, output: 0 };
  const usageByTask = new Map<string, TokenUsage>();
  const modelByTask = new Map<string, string>();
  const interruptNodes = new Map<string, string>();
  let lastFailedNode: string | undefined;
  // Events go out in order; a synchronous consumer costs no promises, an async one is awaited in turn.
  let queue: Promise<void> | undefined;
  let eventError: unknown;
  const fail = (err: unknown) => {
    eventError ??= err;
  };
  const emit = (e: TraceEventBody, task?: string) => {
    if (queue) {
      queue = queue.then(() => opts.onEvent(e, task)).catch(fail);
      return;
    }
    try {
      const r = opts.onEvent(e, task);
      if (r instanceof Promise) queue = r.catch(fail);
    } catch (err) {
      fail(err);
    }
  };

  let closed = false;
  const sink = (e: SinkEvent): void => {
    // A cancelled graph returns before its in-flight tasks unwind; their late reports are dropped.
    if (closed) return;
    switch (e.kind) {
      case 'node_started':
        emit({ type: 'node.started', nodeId: e.nodeId, step: e.step, attempt: e.attempt });
        break;
      case 'node_finished': {
        const tokens = usageByTask.get(e.taskId);
        const model = modelByTask.get(e.taskId);
        usageByTask.delete(e.taskId);
        modelByTask.delete(e.taskId);
        emit(
          {
            type: 'node.finished',
            nodeId: e.nodeId,
            step: e.step,
            update: publicState(e.update),
            ...(e.next ? { next: e.next.map((n) => nodeOf(n) ?? n) } : {}),
            durationMs: Math.round(e.durationMs * 100) / 100,
            ...(tokens ? { tokens } : {}),
            ...(model ? { model } : {}),
          },
          opts.commitWrites ? e.taskId : undefined,
        );
        break;
      }
      case 'attempt_failed':
        lastFailedNode = e.nodeId;
        emit({
          type: 'node.failed',
          nodeId: e.nodeId,
          step: e.step,
          attempt: e.attempt,
          willRetry: e.willRetry,
          error: e.error,
        });
        break;
      case 'progress': {
        const data = toPlain(e.data);
        emit({ type: 'node.progress', nodeId: e.nodeId, step: e.step, kind: e.name, data: isRecord(data) ? data : {} });
        break;
      }
      case 'interrupt':
        // The innermost node reports first (a human node inside a sub-workflow, then the calling node).
        for (const id of e.ids) if (!interruptNodes.has(id)) interruptNodes.set(id, e.nodeId);
        break;
      case 'token': {
        const nodeId = nodeOf(e.graphNode);
        if (nodeId) emit({ type: 'model.token', nodeId, text: e.text });
        break;
      }
      case 'usage': {
        addUsage(total, e);
        const nodeId = nodeOf(e.graphNode);
        // One record per model call: what the usage API sums (per node, run, workflow, day, model).
        if (nodeId) {
          emit({
            type: 'node.progress',
            nodeId,
            step: e.step ?? 0,
            kind: 'model_call',
            data: {
              model: e.model ?? null,
              ...(e.requested !== undefined ? { requested: e.requested } : {}),
              input: e.input,
              output: e.output,
              ...(e.cached ? { cached: e.cached } : {}),
              ...(e.cacheWrite ? { cacheWrite: e.cacheWrite } : {}),
              costUsd: e.costUsd ?? null,
              ...(e.durationMs !== undefined ? { durationMs: e.durationMs } : {}),
              ...(e.failedAttempts ? { failedAttempts: e.failedAttempts } : {}),
            },
          });
        }
        if (!e.taskId) break;
        const t = usageByTask.get(e.taskId) ?? { input: 0, output: 0 };
        addUsage(t, e);
        usageByTask.set(e.taskId, t);
        if (e.model) modelByTask.set(e.taskId, e.model);
        break;
      }
      case 'model_attempt': {
        const nodeId = nodeOf(e.graphNode);
        if (!nodeId) break;
        const { kind: _kind, graphNode: _graphNode, taskId: _taskId, step, ...data } = e;
        emit({ type: 'node.progress', nodeId, step, kind: 'model_attempt_failed', data });
        break;
      }
      case 'checkpoint':
        emit(
          {
            type: 'checkpoint.saved',
            checkpointId: e.checkpointId,
            parentId: e.parentId,
            step: e.step,
            next: e.next.map((n) => nodeOf(n) ?? n),
            ...(e.nested ? { ns: e.nested.ns, calledBy: e.nested.calledBy } : {}),
          },
          // Stored by the checkpoint's own commit, in its statement (never ahead of it).
          e.withCommit ? checkpointHold(e.checkpointId) : undefined,
        );
        break;
    }
  };

  const configurable: Record<string, unknown> = { thread_id: opts.threadId, [SINK_KEY]: sink };
  if (opts.checkpointId) configurable.checkpoint_id = opts.checkpointId;
  if (opts.services) configurable[SERVICES_KEY] = opts.services;
  if (opts.beforeCheckpoint) configurable[BARRIER_KEY] = opts.beforeCheckpoint;
  if (opts.commitWrites) configurable[COMMIT_KEY] = opts.commitWrites;
  if (opts.runId !== undefined) configurable[RUN_ID_KEY] = opts.runId;
  if (opts.latest && !opts.checkpointId) {
    const known: KnownLatest = { threadId: opts.threadId, tuple: opts.latest.tuple, taken: false };
    configurable[LATEST_KEY] = known;
  }
  if (compiled.nested.size > 0) configurable[SAVING_KEY] = new Map<string, Promise<unknown>>();
  // The top graph takes its own nodes' breakpoints; sub-workflow calls read theirs from the config.
  const before = breakpointsAt(opts.interruptBefore ?? [], []);
  const after = breakpointsAt(opts.interruptAfter ?? [], []);
  const nestedBreakpoints = compiled.nested.size > 0 && (opts.interruptBefore?.length || opts.interruptAfter?.length);
  if (nestedBreakpoints)
    configurable[BREAKPOINTS_KEY] = { before: opts.interruptBefore ?? [], after: opts.interruptAfter ?? [] };
  const input = opts.resumeById
    ? new Command({ resume: opts.resumeById })
    : opts.resume !== undefined
      ? new Command({ resume: opts.resume })
      : (opts.input ?? null);
  const stopListening = (opts.services ? opts.services.modelEvents : compiled.modelEvents)?.listen(
    opts.threadId,
    sink,
    opts.streamTokens !== false,
  );
  let outcome: RunOutcome;
  try {
    const result: unknown = await compiled.graph.invoke(input, {
      configurable,
      recursionLimit: compiled.document.settings.recursionLimit,
      signal: opts.signal,
      // Each step's checkpoint is stored before the next step starts (LangGraph's default, `async`,
      // lets a run race steps ahead of its stored state): a process that dies mid-run is resumed
      // from the step it was in, so at most that step's nodes run (and pay for model calls) again.
      durability: 'sync',
      ...(before.length ? { interruptBefore: before } : {}),
      ...(after.length ? { interruptAfter: after } : {}),
    });
    const values = isRecord(result) ? result : {};
    const raw = values['__interrupt__'];
    const pending = Array.isArray(raw) ? raw.filter(isRecord) : [];
    const routed = values[ERROR_CHANNEL];
    if (opts.signal?.aborted) outcome = { status: 'cancelled', tokens: total };
    else if (isRecord(routed) && routed.fatal === true) {
      const { fatal: _fatal, ...info } = routed;
      outcome = { status: 'failed', error: ErrorInfo.parse(info), tokens: total };
    } else if (pending.length > 0) {
      outcome = {
        status: 'interrupted',
        interrupts: pending.map((i, n) => {
          const id = typeof i.id === 'string' ? i.id : `interrupt-${n}`;
          return { id, nodeId: interruptNodes.get(id), value: toPlain(i.value) };
        }),
        tokens: total,
      };
    } else {
      const paused =
        opts.interruptBefore?.length || opts.interruptAfter?.length
          ? await pausedAt(compiled, opts.threadId)
          : undefined;
      outcome = paused
        ? { status: 'interrupted', interrupts: [], paused, tokens: total }
        : { status: 'completed', output: publicState(values, compiled.outputChannels), tokens: total };
    }
  } catch (err) {
    if (opts.signal?.aborted && !isGraphInterrupt(err)) outcome = { status: 'cancelled', tokens: total };
    // The database could not be reached (a restart, a dropped connection): not the run's failure.
    // The caller decides (the executor hands the run back to resume from its last checkpoint).
    else if (isStorageUnavailable(err)) throw new StorageLostError(err, { ...total });
    else outcome = { status: 'failed', error: classifyError(err, lastFailedNode), tokens: total };
  } finally {
    closed = true;
    stopListening?.();
  }
  if (queue) await queue;
  if (eventError) throw eventError;
  return outcome;
}

/**
 * Where a thread stopped when a run returns without finishing (a breakpoint): next nodes and the
 * run's checkpoint. A sub-workflow call paused inside names the child's next nodes by path (`review › approve`).
 */
async function pausedAt(
  compiled: Compiled,
  threadId: string,
): Promise<{ next: string[]; checkpointId: string } | undefined> {
  const snapshot = await compiled.graph.getState(
    { configurable: { thread_id: threadId } },
    { subgraphs: compiled.nested.size > 0 },
  );
  const checkpointId: unknown = snapshot.config.configurable?.checkpoint_id;
  if (snapshot.next.length === 0 || typeof checkpointId !== 'string') return undefined;
  const names = pausedNames(snapshot, '');
  return { next: [...new Set(names.map((n) => compiled.nodeMap.get(n) ?? n))], checkpointId };
}

/** The next nodes of a snapshot, descending into the sub-workflow calls that stopped inside. */
function pausedNames(snapshot: StateSnapshot, prefix: string): string[] {
  const names: string[] = [];
  for (const task of snapshot.tasks) {
    const inner = task.state !== undefined && 'next' in task.state ? task.state : undefined;
    if (inner && inner.next.length > 0) names.push(...pausedNames(inner, prefix + task.name + PATH_SEPARATOR));
    else names.push(prefix + task.name);
  }
  return names.length > 0 ? names : snapshot.next.map((n) => prefix + n);
}
