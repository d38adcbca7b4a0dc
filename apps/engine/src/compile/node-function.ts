import { Command, END, Send, interrupt, isGraphBubbleUp } from '@langchain/langgraph';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { FlowError, toErrorInfo } from '@flowcraft/schema';
import type { FlowState, NodeResult, NodeRuntime } from '@flowcraft/node-types';
import type { Topology } from './topology.js';
import { isRetryable } from './retry.js';

export interface NodeWiring {
  nodeId: string;
  /** Use `Command({goto})` rather than plain edges. */
  dynamic: boolean;
  /** End nodes finish the graph. */
  isEnd: boolean;
  topology: Topology;
  /** Private channels to clear when a self-looping node finishes. */
  privateChannels: string[];
  /** Attempts allowed by the node's retry policy (1 = no retry). */
  maxAttempts: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Where a map port's tasks continue: used when the list is empty so the join still runs. */
function afterMap(w: NodeWiring, port: string): string[] {
  const next = new Set<string>();
  for (const t of w.topology.targets(w.nodeId, port)) w.topology.allTargets(t).forEach((n) => next.add(n));
  return [...next];
}

function gotoFor(w: NodeWiring, result: NodeResult): (string | Send)[] {
  if (result.self) return [w.nodeId];
  const goto: (string | Send)[] = [];
  if (result.sends) {
    for (const s of result.sends) {
      for (const target of w.topology.targets(w.nodeId, s.port)) goto.push(new Send(target, s.state));
    }
    if (result.sends.length === 0) goto.push(...afterMap(w, result.ports?.[0] ?? 'each'));
    return goto;
  }
  const ports = result.ports ?? ['out'];
  for (const port of ports) {
    const targets = w.topology.targets(w.nodeId, port);
    if (targets.length === 0) {
      throw new FlowError('node_failed', `Node "${w.nodeId}" chose output "${port}", which is not connected`, { nodeId: w.nodeId });
    }
    for (const t of targets) if (!goto.includes(t)) goto.push(t);
  }
  return goto;
}

/** Wrap a node runtime as a LangGraph node function. */
export function makeNodeFunction(runtime: NodeRuntime, w: NodeWiring) {
  return async (state: FlowState, config: LangGraphRunnableConfig): Promise<FlowState | Command> => {
    const signal = config.signal ?? new AbortController().signal;
    const taskId = config.executionInfo?.taskId;
    const attempt = config.executionInfo?.nodeAttempt ?? 1;
    const emit = (event: Record<string, unknown>) => config.writer?.({ ...event, nodeId: w.nodeId, taskId });
    if (attempt > 1) emit({ kind: 'attempt_started', attempt });
    const t0 = performance.now();
    let result: NodeResult;
    try {
      result = await runtime.run(state, { signal, interrupt: (payload) => interrupt(payload), emit });
    } catch (err) {
      if (isGraphBubbleUp(err)) throw err;
      const info = toErrorInfo(err);
      emit({ kind: 'attempt_failed', attempt, willRetry: attempt < w.maxAttempts && isRetryable(err), error: { ...info, nodeId: w.nodeId } });
      if (err instanceof FlowError && err.nodeId === undefined) {
        throw new FlowError(err.code, err.message, { nodeId: w.nodeId, retryable: err.retryable, details: err.details, cause: err });
      }
      throw err;
    }
    // Timed here, inside the task: the stream consumer may read the task's events late.
    emit({ kind: 'timing', durationMs: performance.now() - t0 });
    const update: FlowState = isRecord(result.update) ? { ...result.update } : {};
    if (!w.dynamic) return update;
    if (!result.self) for (const ch of w.privateChannels) update[ch] = null;
    const goto = w.isEnd ? [END] : gotoFor(w, result);
    return new Command({ update, goto });
  };
}
