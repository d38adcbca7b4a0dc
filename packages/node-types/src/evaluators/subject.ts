import type { TokenUsage, TraceEventBody } from '@flowcraft/schema';

/** One edge of the workflow, as far as path assertions need it (a router's port → its targets). */
export interface SubjectEdge {
  source: string;
  sourceHandle?: string | null | undefined;
  target: string;
}

/**
 * What evaluators judge: one finished run of a test case — its status, output, final state, trace
 * and usage. Built by the engine from stored rows and events, and by the CLI from an in-process run.
 */
export interface EvaluationSubject {
  status: 'completed' | 'failed' | 'cancelled' | 'interrupted';
  output: Record<string, unknown> | null;
  /** Every channel at the run's last checkpoint. */
  state: Record<string, unknown>;
  /** The run's trace events in order (ids and timestamps optional). */
  events: TraceEventBody[];
  durationMs: number;
  tokens: TokenUsage;
  error?: { code: string; message: string } | null;
  /** The workflow's edges, so `branch_taken` can name a router's port rather than its target node. */
  edges?: SubjectEdge[];
}

/** Facts derived from the trace, shared by path and limit assertions and the JSONata `run` object. */
export interface RunFacts {
  status: EvaluationSubject['status'];
  /** Canvas node ids in the order they finished. */
  path: string[];
  started: Set<string>;
  /** Targets chosen by each routing node (from `node.finished.next`), accumulated over its runs. */
  chosen: Map<string, Set<string>>;
  modelCalls: number;
  totalTokens: number;
  costUsd: number;
  durationMs: number;
}

export function runFacts(subject: EvaluationSubject): RunFacts {
  const path: string[] = [];
  const started = new Set<string>();
  const chosen = new Map<string, Set<string>>();
  let modelCalls = 0;
  for (const e of subject.events) {
    if (e.type === 'node.started') started.add(e.nodeId);
    else if (e.type === 'node.finished') {
      path.push(e.nodeId);
      started.add(e.nodeId);
      if (e.next) {
        const set = chosen.get(e.nodeId) ?? new Set<string>();
        for (const n of e.next) set.add(n);
        chosen.set(e.nodeId, set);
      }
    } else if (e.type === 'node.progress' && e.kind === 'model_call') modelCalls += 1;
  }
  return {
    status: subject.status,
    path,
    started,
    chosen,
    modelCalls,
    totalTokens: subject.tokens.input + subject.tokens.output,
    costUsd: subject.tokens.costUsd ?? 0,
    durationMs: subject.durationMs,
  };
}
