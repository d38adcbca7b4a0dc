/** Where a scripted reply came from, in lookup order. */
/** `sample`: nothing scripted for a structured call, answered with a schema-valid sample. */
export type ScriptedReplySource = 'node' | 'rule' | 'default' | 'echo' | 'sample';

/** One call made to a scripted model, recorded for tests and traces. */
export interface ScriptedCall {
  nodeId: string;
  /** Full spec, e.g. `scripted:demo`. */
  model: string;
  /** Number of input messages the model received. */
  messages: number;
  /** Names of the tools bound for this call. */
  tools: string[];
  source: ScriptedReplySource;
}

/**
 * Per-run state shared by every scripted model instance of one run: how far each node has
 * consumed its `nodes[nodeId]` replies, counters for generated tool-call ids, and the call log.
 */
export class ScriptCursor {
  readonly calls: ScriptedCall[] = [];
  private readonly replyIndex = new Map<string, number>();
  private readonly toolCallIndex = new Map<string, number>();

  /** Index of the next `nodes[nodeId]` reply; the last one repeats once reached. */
  takeReplyIndex(nodeId: string, available: number): number {
    const next = this.replyIndex.get(nodeId) ?? 0;
    this.replyIndex.set(nodeId, next + 1);
    return Math.min(next, available - 1);
  }

  /** Deterministic id for a tool call the script did not name: `call_<node>_<n>`, n from 1. */
  nextToolCallId(nodeId: string): string {
    const n = (this.toolCallIndex.get(nodeId) ?? 0) + 1;
    this.toolCallIndex.set(nodeId, n);
    return `call_${nodeId}_${n}`;
  }

  record(call: ScriptedCall): void {
    this.calls.push(call);
  }
}
