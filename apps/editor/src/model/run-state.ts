import { z } from 'zod';
import type { ErrorInfo, TokenUsage, TraceEvent } from '@flowcraft/schema';
import type { PendingInterrupt, Run, RunStatus } from '../api/schemas.js';

/** One model call (`node.progress` kind `model_call`): the model that answered, tokens, cost (null: unpriced). */
export const ModelCall = z.object({
  model: z.string().nullable().default(null),
  requested: z.string().optional(),
  input: z.number().default(0),
  output: z.number().default(0),
  cached: z.number().optional(),
  costUsd: z.number().nullable().default(null),
  durationMs: z.number().optional(),
  failedAttempts: z.number().optional(),
});
export type ModelCall = z.infer<typeof ModelCall>;

/** A failed attempt of the model router (`node.progress` kind `model_attempt_failed`): retried, next fallback, or final. */
export const ModelAttemptFailure = z.object({
  model: z.string().default(''),
  code: z.string().default('model_error'),
  action: z.string().default('fail'),
  message: z.string().default(''),
  next: z.string().optional(),
  status: z.number().optional(),
  retryAfterMs: z.number().optional(),
});
export type ModelAttemptFailure = z.infer<typeof ModelAttemptFailure>;

export type NodeStatus = 'queued' | 'running' | 'retrying' | 'done' | 'failed' | 'interrupted';

export interface NodeRun {
  status: NodeStatus;
  /** Attempts started (retries included). */
  attempts: number;
  /** Total time spent in finished attempts. */
  durationMs: number | undefined;
  tokens: TokenUsage | undefined;
  /** Channel writes of the last finished attempt. */
  update: unknown;
  /** Ports taken (routing nodes). */
  next: string[] | undefined;
  error: ErrorInfo | undefined;
  /** Streamed model tokens. */
  text: string;
  progress: { kind: string; data: Record<string, unknown> }[];
  /** The model that answered the last call (after tiers and fallbacks). */
  model: string | undefined;
  /** Every model call of the node, in order. */
  calls: ModelCall[];
  /** Failed model attempts (retries, fallbacks, the final failure). */
  failedAttempts: ModelAttemptFailure[];
}

export interface RunState {
  runId: string;
  threadId: string | undefined;
  status: RunStatus;
  /** Last applied event; events at or below it are replays already seen and are ignored. */
  lastSeq: number;
  nodes: Record<string, NodeRun>;
  output: unknown;
  error: ErrorInfo | undefined;
  interrupts: PendingInterrupt[];
  tokens: TokenUsage | undefined;
  durationMs: number | undefined;
  /** A debug run stopped at a breakpoint or after a step: what runs next and where it stands. */
  paused: { next: string[]; checkpointId: string } | undefined;
  /** Breakpoints the run was started with (debug runs). */
  breakpoints: { before: string[]; after: string[] } | undefined;
  /** The run continues its thread from this checkpoint (replay, fork, rerun from a node). */
  fromCheckpointId: string | undefined;
  /** Last checkpoint written (from `checkpoint.saved`). */
  lastCheckpointId: string | undefined;
}

export function newRunState(runId: string, threadId?: string): RunState {
  return {
    runId,
    threadId,
    status: 'queued',
    lastSeq: 0,
    nodes: {},
    output: undefined,
    error: undefined,
    interrupts: [],
    tokens: undefined,
    durationMs: undefined,
    paused: undefined,
    breakpoints: undefined,
    fromCheckpointId: undefined,
    lastCheckpointId: undefined,
  };
}

function emptyNode(): NodeRun {
  return {
    status: 'queued',
    attempts: 0,
    durationMs: undefined,
    tokens: undefined,
    update: undefined,
    next: undefined,
    error: undefined,
    text: '',
    progress: [],
    model: undefined,
    calls: [],
    failedAttempts: [],
  };
}

const sumOpt = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : a + b);

/** Sum of two usages; cached tokens and cost kept when either side has them (cost in nano-dollars, free of float dust). */
export function addTokens(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage | undefined {
  if (!b) return a;
  if (!a) return b;
  const out: TokenUsage = { input: a.input + b.input, output: a.output + b.output };
  const cached = sumOpt(a.cached, b.cached);
  if (cached !== undefined) out.cached = cached;
  const cost = sumOpt(a.costUsd, b.costUsd);
  if (cost !== undefined) out.costUsd = Math.round(cost * 1e9) / 1e9;
  return out;
}

function withProgress(n: NodeRun, kind: string, data: Record<string, unknown>): NodeRun {
  const next: NodeRun = { ...n, progress: [...n.progress, { kind, data }] };
  if (kind === 'model_call') {
    const call = ModelCall.safeParse(data);
    if (call.success) {
      next.calls = [...n.calls, call.data];
      if (call.data.model) next.model = call.data.model;
    }
  } else if (kind === 'model_attempt_failed') {
    const failure = ModelAttemptFailure.safeParse(data);
    if (failure.success) next.failedAttempts = [...n.failedAttempts, failure.data];
  }
  return next;
}

function withNode(state: RunState, nodeId: string, change: (n: NodeRun) => NodeRun): Record<string, NodeRun> {
  return { ...state.nodes, [nodeId]: change(state.nodes[nodeId] ?? emptyNode()) };
}

/** Nodes still waiting when the run stops are no longer queued. */
function settle(nodes: Record<string, NodeRun>): Record<string, NodeRun> {
  const out: Record<string, NodeRun> = {};
  for (const [id, n] of Object.entries(nodes))
    if (n.status !== 'queued')
      out[id] = n.status === 'running' || n.status === 'retrying' ? { ...n, status: 'failed' } : n;
  return out;
}

/** Where control goes after a node finished (from the document's edges); lets the state mark those nodes queued. */
export type Successors = (nodeId: string, next: readonly string[] | undefined) => readonly string[];

const noSuccessors: Successors = () => [];

/**
 * Fold one trace event into the run state. Pure. Events are applied in `seq` order exactly once:
 * an event whose seq is not above `lastSeq` (a replay after reconnecting) changes nothing.
 */
export function reduceRun(state: RunState, event: TraceEvent, successors: Successors = noSuccessors): RunState {
  if (event.runId !== state.runId || event.seq <= state.lastSeq) return state;
  const s: RunState = {
    ...state,
    lastSeq: event.seq,
    ...(state.paused && event.type !== 'checkpoint.saved' && event.type !== 'run.interrupted'
      ? { paused: undefined }
      : {}),
  };
  switch (event.type) {
    case 'run.started':
      return {
        ...s,
        status: 'running',
        threadId: event.threadId,
        breakpoints: event.breakpoints ?? s.breakpoints,
        fromCheckpointId: event.fromCheckpointId ?? s.fromCheckpointId,
      };
    case 'checkpoint.saved':
      // A sub-workflow's checkpoint (`ns`) nests under the run's own; forks and continues start from those.
      return event.ns === undefined ? { ...s, lastCheckpointId: event.checkpointId } : s;
    case 'node.started':
      return {
        ...s,
        status: 'running',
        nodes: withNode(s, event.nodeId, (n) => ({
          ...n,
          status: 'running',
          attempts: n.attempts + 1,
          error: undefined,
          text: n.status === 'done' ? '' : n.text,
        })),
      };
    case 'node.progress':
      return { ...s, nodes: withNode(s, event.nodeId, (n) => withProgress(n, event.kind, event.data)) };
    case 'model.token':
      return { ...s, nodes: withNode(s, event.nodeId, (n) => ({ ...n, text: n.text + event.text })) };
    case 'node.finished': {
      const nodes = withNode(s, event.nodeId, (n) => ({
        ...n,
        status: 'done',
        durationMs: (n.durationMs ?? 0) + event.durationMs,
        tokens: addTokens(n.tokens, event.tokens),
        update: event.update,
        next: event.next,
        model: event.model ?? n.model,
      }));
      for (const id of successors(event.nodeId, event.next)) {
        const n = nodes[id];
        if (!n || n.status === 'done') nodes[id] = { ...(n ?? emptyNode()), status: 'queued' };
      }
      return { ...s, tokens: addTokens(s.tokens, event.tokens), nodes };
    }
    case 'node.failed':
      return {
        ...s,
        nodes: withNode(s, event.nodeId, (n) => ({
          ...n,
          status: event.willRetry ? 'retrying' : 'failed',
          error: event.error,
        })),
      };
    case 'run.interrupted': {
      let nodes = s.nodes;
      for (const i of event.interrupts) {
        // A node inside a sub-workflow (`call › approve`) also marks the calling node on this canvas.
        const path = i.nodeId?.split(' › ') ?? [];
        for (const nodeId of new Set([i.nodeId, path[0]]))
          if (nodeId) nodes = { ...nodes, [nodeId]: { ...(nodes[nodeId] ?? emptyNode()), status: 'interrupted' } };
      }
      if (event.paused)
        for (const id of event.paused.next)
          if (!nodes[id]) nodes = { ...nodes, [id]: { ...emptyNode(), status: 'queued' } };
      return { ...s, status: 'interrupted', interrupts: event.interrupts, nodes, paused: event.paused };
    }
    case 'run.completed':
      return {
        ...s,
        status: 'completed',
        output: event.output,
        durationMs: event.durationMs,
        tokens: event.tokens ?? s.tokens,
        interrupts: [],
        nodes: settle(s.nodes),
      };
    case 'run.failed': {
      const nodeId = event.error.nodeId;
      const nodes = settle(
        nodeId ? withNode(s, nodeId, (n) => ({ ...n, status: 'failed', error: n.error ?? event.error })) : s.nodes,
      );
      return { ...s, status: 'failed', error: event.error, interrupts: [], nodes };
    }
    case 'run.cancelled':
      return { ...s, status: 'cancelled', interrupts: [], nodes: settle(s.nodes) };
    default:
      return s;
  }
}

/** A resumed run is running again: its interrupted nodes wait for the engine to pick them up. */
export function markResumed(state: RunState): RunState {
  const nodes: Record<string, NodeRun> = {};
  for (const [id, n] of Object.entries(state.nodes))
    nodes[id] = n.status === 'interrupted' ? { ...n, status: 'running' } : n;
  return { ...state, status: 'running', interrupts: [], nodes, paused: undefined };
}

/** Seed from a run fetched over HTTP (before its events are replayed). */
export function fromRun(run: Run): RunState {
  return newRunState(run.id, run.threadId);
}

export function isActive(status: RunStatus): boolean {
  return status === 'queued' || status === 'running';
}
