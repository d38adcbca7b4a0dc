import { z } from 'zod';
import { ErrorInfo } from './errors.js';

const Base = {
  runId: z.string(),
  /** Per-run sequence number, strictly increasing from 1. */
  seq: z.number().int().min(0),
  /** ISO timestamp. */
  ts: z.string(),
};

export const TokenUsage = z.object({
  input: z.number().int().min(0).default(0),
  output: z.number().int().min(0).default(0),
  cached: z.number().int().min(0).optional(),
  /** Input tokens written to the provider's prompt cache (Anthropic), where reported. */
  cacheWrite: z.number().int().min(0).optional(),
  /**
   * Cost in US dollars of the calls counted here whose model has a price (see `settings.models.prices`);
   * absent when nothing cost anything. Per-call cost (0, or null when unpriced) is in `model_call` progress events.
   */
  costUsd: z.number().min(0).optional(),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

export const RunStarted = z.object({
  ...Base,
  type: z.literal('run.started'),
  threadId: z.string(),
  workflowId: z.string(),
  input: z.unknown(),
  /** Set when the run continues a thread from an earlier checkpoint (replay, fork, rerun from a node). */
  fromCheckpointId: z.string().optional(),
  /** Breakpoints of a debug run (canvas node ids). */
  breakpoints: z.object({ before: z.array(z.string()), after: z.array(z.string()) }).optional(),
});
export const NodeStarted = z.object({
  ...Base,
  type: z.literal('node.started'),
  nodeId: z.string(),
  step: z.number().int(),
  attempt: z.number().int().default(1),
});
export const NodeFinished = z.object({
  ...Base,
  type: z.literal('node.finished'),
  nodeId: z.string(),
  step: z.number().int(),
  update: z.unknown(),
  /** Ports/targets chosen by a routing node. */
  next: z.array(z.string()).optional(),
  durationMs: z.number().min(0),
  tokens: TokenUsage.optional(),
  /** The model that answered the node's (last) model call, after tiers and fallbacks, e.g. `anthropic:claude-sonnet-4-5`. */
  model: z.string().optional(),
});
export const NodeFailed = z.object({
  ...Base,
  type: z.literal('node.failed'),
  nodeId: z.string(),
  step: z.number().int().optional(),
  attempt: z.number().int(),
  willRetry: z.boolean(),
  error: ErrorInfo,
});
/** Progress inside a node: an agent's tool call, a reflection round, a custom node's report. */
export const NodeProgress = z.object({
  ...Base,
  type: z.literal('node.progress'),
  nodeId: z.string(),
  step: z.number().int(),
  kind: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export const ModelToken = z.object({ ...Base, type: z.literal('model.token'), nodeId: z.string(), text: z.string() });
export const CheckpointSaved = z.object({
  ...Base,
  type: z.literal('checkpoint.saved'),
  checkpointId: z.string(),
  parentId: z.string().nullable(),
  step: z.number().int(),
  next: z.array(z.string()),
  /**
   * A sub-workflow's checkpoint, nested under the calling node's task: its LangGraph namespace
   * (`review:<task id>`; read it with `?ns=` on the thread routes) and the calling node (qualified).
   * `step` and `parentId` are then the child's own. Absent for the run's own checkpoints.
   */
  ns: z.string().optional(),
  calledBy: z.string().optional(),
});
export const RunInterrupted = z.object({
  ...Base,
  type: z.literal('run.interrupted'),
  interrupts: z.array(z.object({ id: z.string(), nodeId: z.string().optional(), value: z.unknown() })),
  /** Paused at a breakpoint or after a step (no pending interrupts): the nodes that run next. */
  paused: z.object({ next: z.array(z.string()), checkpointId: z.string() }).optional(),
});
export const RunCompleted = z.object({
  ...Base,
  type: z.literal('run.completed'),
  output: z.unknown(),
  durationMs: z.number().min(0),
  tokens: TokenUsage.optional(),
});
/** `tokens`: what this execution of the run used before it failed or was cancelled (models are paid either way). */
export const RunFailed = z.object({
  ...Base,
  type: z.literal('run.failed'),
  error: ErrorInfo,
  tokens: TokenUsage.optional(),
});
export const RunCancelled = z.object({
  ...Base,
  type: z.literal('run.cancelled'),
  reason: z.string().optional(),
  tokens: TokenUsage.optional(),
});

export const TraceEvent = z.discriminatedUnion('type', [
  RunStarted,
  NodeStarted,
  NodeFinished,
  NodeFailed,
  NodeProgress,
  ModelToken,
  CheckpointSaved,
  RunInterrupted,
  RunCompleted,
  RunFailed,
  RunCancelled,
]);
export type TraceEvent = z.infer<typeof TraceEvent>;
export type TraceEventType = TraceEvent['type'];
/** An event before the run layer stamps it with runId, seq and ts. */
export type TraceEventBody = TraceEvent extends infer E
  ? E extends TraceEvent
    ? Omit<E, 'runId' | 'seq' | 'ts'>
    : never
  : never;
