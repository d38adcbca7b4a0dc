import { Command, isGraphInterrupt } from '@langchain/langgraph';
import { isBaseMessage } from '@langchain/core/messages';
import { UsageCollector } from './usage-collector.js';
import { ErrorInfo } from '@flowcraft/schema';
import type { TokenUsage, TraceEventBody } from '@flowcraft/schema';
import type { Compiled } from '../compile/compile.js';
import { classifyError } from '../compile/classify-error.js';
import { publicState, toPlain } from './to-plain.js';
import { z } from 'zod';

export type RunOutcome =
  | { status: 'completed'; output: Record<string, unknown>; tokens: TokenUsage }
  | { status: 'interrupted'; interrupts: { id: string; nodeId?: string; value: unknown }[]; tokens: TokenUsage }
  | { status: 'failed'; error: ErrorInfo; tokens: TokenUsage }
  | { status: 'cancelled'; tokens: TokenUsage };

export interface ExecuteOptions {
  compiled: Compiled;
  threadId: string;
  /** Start input (a new run) or a resume value (after an interrupt); `resumeById` answers several. */
  input?: Record<string, unknown>;
  resume?: unknown;
  resumeById?: Record<string, unknown>;
  /** Continue a thread from a specific checkpoint (replay / fork). */
  checkpointId?: string;
  signal?: AbortSignal;
  /** Stream model tokens as `model.token` events (LangGraph `messages` mode; makes every model call stream). Default true. */
  streamTokens?: boolean;
  onEvent: (event: TraceEventBody) => void | Promise<void>;
}

const TaskStart = z.object({ id: z.string(), name: z.string(), input: z.unknown(), triggers: z.array(z.string()) });
const TaskResult = z.object({ id: z.string(), name: z.string(), result: z.unknown(), error: z.unknown().optional(), interrupts: z.array(z.unknown()) });
const CheckpointChunk = z.object({
  config: z.object({ configurable: z.object({ checkpoint_id: z.string() }).passthrough() }).passthrough(),
  parentConfig: z.object({ configurable: z.object({ checkpoint_id: z.string() }).passthrough() }).passthrough().optional(),
  metadata: z.object({ step: z.number() }).passthrough(),
  next: z.array(z.string()),
});
const Custom = z.object({ kind: z.string(), nodeId: z.string(), taskId: z.string().optional(), attempt: z.number().optional(), willRetry: z.boolean().optional(), error: z.unknown().optional(), durationMs: z.number().optional() }).passthrough();
const Meta = z.object({ langgraph_node: z.string(), langgraph_checkpoint_ns: z.string().optional() }).passthrough();

function addUsage(into: TokenUsage, input: number, output: number): void {
  into.input += input;
  into.output += output;
}

/** Run (or resume) a compiled workflow on a thread, turning LangGraph's streams into trace events. */
export async function executeRun(opts: ExecuteOptions): Promise<RunOutcome> {
  const { compiled, onEvent } = opts;
  const nodeOf = (name: string) => compiled.nodeMap.get(name);
  const started = new Map<string, { nodeId: string; at: number; step: number }>();
  const total: TokenUsage = { input: 0, output: 0 };
  let step = 0;
  let lastFailedNode: string | undefined;
  const configurable: Record<string, unknown> = { thread_id: opts.threadId };
  if (opts.checkpointId) configurable.checkpoint_id = opts.checkpointId;
  const config = { configurable, recursionLimit: compiled.document.settings.recursionLimit, signal: opts.signal };
  // Usage arrives from callbacks while the graph runs ahead of this consumer: keep it by task id
  // until the task's result is read from the stream.
  const usageByTask = new Map<string, TokenUsage>();
  const durationByTask = new Map<string, number>();
  const usage = new UsageCollector((u) => {
    addUsage(total, u.input, u.output);
    if (!u.taskId) return;
    const t = usageByTask.get(u.taskId) ?? { input: 0, output: 0 };
    addUsage(t, u.input, u.output);
    usageByTask.set(u.taskId, t);
  });
  const input = opts.resumeById ? new Command({ resume: opts.resumeById }) : opts.resume !== undefined ? new Command({ resume: opts.resume }) : (opts.input ?? null);
  try {
    const streamMode: ('tasks' | 'checkpoints' | 'custom' | 'messages')[] = ['tasks', 'checkpoints', 'custom'];
    if (opts.streamTokens !== false) streamMode.push('messages');
    const stream = await compiled.graph.stream(input, { ...config, callbacks: [usage], streamMode });
    for await (const chunk of stream) {
      if (!Array.isArray(chunk) || chunk.length !== 2) continue;
      const [mode, data]: unknown[] = chunk;
      if (mode === 'checkpoints') {
        const cp = CheckpointChunk.safeParse(data);
        if (!cp.success) continue;
        step = cp.data.metadata.step;
        await onEvent({
          type: 'checkpoint.saved',
          checkpointId: cp.data.config.configurable.checkpoint_id,
          parentId: cp.data.parentConfig?.configurable.checkpoint_id ?? null,
          step,
          next: cp.data.next.map((n) => nodeOf(n) ?? n),
        });
      } else if (mode === 'tasks') {
        const start = TaskStart.safeParse(data);
        if (start.success) {
          const nodeId = nodeOf(start.data.name);
          // Error handlers route a failure to the error branch; the failed attempts were already reported.
          if (!nodeId || start.data.name.startsWith('__error_handler__')) continue;
          started.set(start.data.id, { nodeId, at: performance.now(), step: step + 1 });
          await onEvent({ type: 'node.started', nodeId, step: step + 1, attempt: 1 });
          continue;
        }
        const result = TaskResult.safeParse(data);
        if (!result.success) continue;
        const s = started.get(result.data.id);
        if (!s) continue;
        started.delete(result.data.id);
        const tokens = usageByTask.get(result.data.id);
        usageByTask.delete(result.data.id);
        durationByTask.delete(result.data.id);
        if (result.data.error !== null && result.data.error !== undefined) {
          lastFailedNode = s.nodeId;
          continue;
        }
        if (result.data.interrupts.length > 0) continue;
        const update = result.data.result !== null && typeof result.data.result === 'object' ? publicState(Object.fromEntries(Object.entries(result.data.result))) : {};
        await onEvent({
          type: 'node.finished',
          nodeId: s.nodeId,
          step: s.step,
          update,
          durationMs: Math.round((durationByTask.get(result.data.id) ?? performance.now() - s.at) * 100) / 100,
          ...(tokens ? { tokens } : {}),
        });
      } else if (mode === 'custom') {
        const c = Custom.safeParse(data);
        if (!c.success) continue;
        if (c.data.kind === 'timing') {
          if (c.data.taskId && c.data.durationMs !== undefined) durationByTask.set(c.data.taskId, c.data.durationMs);
        } else if (c.data.kind === 'attempt_failed') {
          const info = ErrorInfo.safeParse(c.data.error);
          const error = info.success ? info.data : classifyError(c.data.error, c.data.nodeId);
          await onEvent({ type: 'node.failed', nodeId: c.data.nodeId, step: step + 1, attempt: c.data.attempt ?? 1, willRetry: c.data.willRetry ?? false, error });
        } else if (c.data.kind === 'attempt_started' && c.data.taskId) {
          const s = started.get(c.data.taskId);
          if (s) s.at = performance.now();
          await onEvent({ type: 'node.started', nodeId: c.data.nodeId, step: step + 1, attempt: c.data.attempt ?? 1 });
        } else {
          const { kind, nodeId, taskId: _t, ...data } = c.data;
          await onEvent({ type: 'node.progress', nodeId, step: step + 1, kind, data });
        }
      } else if (mode === 'messages' && Array.isArray(data)) {
        const [msg, metaRaw]: unknown[] = data;
        const meta = Meta.safeParse(metaRaw);
        if (!meta.success || !isBaseMessage(msg)) continue;
        const nodeId = nodeOf(meta.data.langgraph_node);
        if (!nodeId) continue;
        const text = typeof msg.content === 'string' ? msg.content : '';
        if (text) await onEvent({ type: 'model.token', nodeId, text });
      }
    }
  } catch (err) {
    if (isGraphInterrupt(err)) {
      // handled below through the state
    } else if (opts.signal?.aborted) {
      return { status: 'cancelled', tokens: total };
    } else {
      const nodeId = lastFailedNode ?? (err !== null && typeof err === 'object' && 'node' in err && typeof err.node === 'string' ? nodeOf(err.node) : undefined);
      return { status: 'failed', error: classifyError(err, nodeId), tokens: total };
    }
  }
  if (opts.signal?.aborted) return { status: 'cancelled', tokens: total };
  const state = await compiled.graph.getState({ configurable: { thread_id: opts.threadId } });
  const interrupts = state.tasks.flatMap((t) => (t.interrupts ?? []).map((i) => ({ id: i.id ?? t.id, nodeId: nodeOf(t.name), value: toPlain(i.value) })));
  if (interrupts.length > 0) return { status: 'interrupted', interrupts, tokens: total };
  const values = state.values !== null && typeof state.values === 'object' ? Object.fromEntries(Object.entries(state.values)) : {};
  return { status: 'completed', output: publicState(values, compiled.outputChannels), tokens: total };
}
