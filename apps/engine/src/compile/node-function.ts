import { Command, END, Send, interrupt, isGraphBubbleUp, isGraphInterrupt } from '@langchain/langgraph';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { FlowError, isRecord } from '@flowcraft/schema';
import type { FlowState, NodeResult, NodeRuntime } from '@flowcraft/node-types';
import type { Topology } from './topology.js';
import { isRetryable } from './retry.js';
import { classifyError } from './classify-error.js';
import { SAVING_KEY, SINK_KEY, isCheckpointsInFlight, isRunSink } from './run-sink.js';
import type { RunSink } from './run-sink.js';
import { SERVICES_KEY, isNodeServices, withServices } from './service-scope.js';

export interface NodeWiring {
  /** The node's id in its document (its LangGraph node name; the topology's key). */
  nodeId: string;
  /** The id reported to the run (qualified by the subworkflow nodes around it: `call › draft`). */
  reportAs?: string;
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
      throw new FlowError('node_failed', `Node "${w.nodeId}" chose output "${port}", which is not connected`, {
        nodeId: w.nodeId,
      });
    }
    for (const t of targets) if (!goto.includes(t)) goto.push(t);
  }
  return goto;
}

const noSink: RunSink = () => {};

/** The write of the checkpoint this task's graph started from, if still in flight (its failure is the graph's). */
async function inputCheckpoint(config: LangGraphRunnableConfig): Promise<void> {
  const saving = config.configurable?.[SAVING_KEY];
  const ns: unknown = config.configurable?.checkpoint_ns;
  if (!isCheckpointsInFlight(saving) || typeof ns !== 'string') return;
  // The task's namespace is its graph's plus `|<node>:<task id>`.
  const write = saving.get(ns.slice(0, Math.max(0, ns.lastIndexOf('|'))));
  if (write) await write.catch(() => undefined);
}

/** Wrap a node runtime as a LangGraph node function that reports to the run's sink. */
export function makeNodeFunction(runtime: NodeRuntime, w: NodeWiring) {
  const id = w.reportAs ?? w.nodeId;
  const prefix = id.slice(0, id.length - w.nodeId.length);
  return async (state: FlowState, config: LangGraphRunnableConfig): Promise<FlowState | Command> => {
    const signal = config.signal ?? new AbortController().signal;
    const candidate = config.configurable?.[SINK_KEY];
    const sink = isRunSink(candidate) ? candidate : noSink;
    const scoped = config.configurable?.[SERVICES_KEY];
    const taskId = config.executionInfo?.taskId ?? '';
    const attempt = config.executionInfo?.nodeAttempt ?? 1;
    const stepMeta = config.metadata?.langgraph_step;
    const step = typeof stepMeta === 'number' ? stepMeta : 0;
    // A sub-workflow's first step: its call's input checkpoint is stored before it starts (see SAVING_KEY).
    if (step === 0 && prefix !== '') await inputCheckpoint(config);
    const emit = (event: Record<string, unknown>) => {
      const { kind, ...data } = event;
      sink({ kind: 'progress', nodeId: id, step, name: typeof kind === 'string' ? kind : 'progress', data });
    };
    sink({ kind: 'node_started', nodeId: id, taskId, step, attempt });
    const t0 = performance.now();
    let result: NodeResult;
    try {
      result = await withServices(isNodeServices(scoped) ? scoped : undefined, () =>
        runtime.run(state, { signal, interrupt: (payload) => interrupt(payload), emit }),
      );
    } catch (err) {
      if (isGraphInterrupt(err)) {
        sink({ kind: 'interrupt', nodeId: id, taskId, ids: err.interrupts.flatMap((i) => (i.id ? [i.id] : [])) });
        throw err;
      }
      if (isGraphBubbleUp(err)) throw err;
      sink({
        kind: 'attempt_failed',
        nodeId: id,
        taskId,
        step,
        attempt,
        willRetry: attempt < w.maxAttempts && isRetryable(err),
        error: classifyError(err, id),
      });
      if (err instanceof FlowError && err.nodeId === undefined) {
        throw new FlowError(err.code, err.message, {
          nodeId: id,
          retryable: err.retryable,
          details: err.details,
          cause: err,
        });
      }
      throw err;
    }
    const update: FlowState = isRecord(result.update) ? { ...result.update } : {};
    const durationMs = performance.now() - t0;
    if (!w.dynamic) {
      sink({ kind: 'node_finished', nodeId: id, taskId, step, update, durationMs });
      return update;
    }
    if (!result.self) for (const ch of w.privateChannels) update[ch] = null;
    const goto = w.isEnd ? [END] : gotoFor(w, result);
    sink({
      kind: 'node_finished',
      nodeId: id,
      taskId,
      step,
      update,
      durationMs,
      // Graph names, qualified like the node (a child's `finalize` is `call › finalize` to the run).
      next: goto.flatMap((g) => {
        const name = typeof g === 'string' ? g : g.node;
        return name === END ? [] : [prefix + name];
      }),
    });
    return new Command({ update, goto });
  };
}
