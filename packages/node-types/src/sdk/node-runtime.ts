import type { Channel, WorkflowSettings } from '@flowcraft/schema';
import type { NodeServices } from './services.js';

/** The workflow state a node sees: channel name → value. */
export type FlowState = Record<string, unknown>;

/** What a node returns from one execution. */
export interface NodeResult {
  /** Channel writes (merged by the channels' reducers). */
  update?: FlowState;
  /** For `choice` nodes: the output ports taken. */
  ports?: string[];
  /** For `map` nodes: one task per item, sent down `port` with this input state. */
  sends?: { port: string; state: FlowState }[];
  /** Run this node again in the next superstep (agent iterations, reflection rounds). */
  self?: boolean;
}

export interface NodeRunContext {
  /** Aborted when the run is cancelled or the node times out. */
  signal: AbortSignal;
  /** Pause the run and return the value it is resumed with (LangGraph `interrupt`). */
  interrupt: (payload: unknown) => unknown;
  /** Report progress into the trace (shown as custom events). */
  emit: (event: Record<string, unknown>) => void;
}

export interface NodeRuntime {
  run(state: FlowState, ctx: NodeRunContext): Promise<NodeResult>;
  /** Private channels this node needs (names are prefixed by the compiler with `__p_<nodeId>_`). */
  privateChannels?: Record<string, Channel>;
}

export interface BuildArgs<C> {
  config: C;
  node: { id: string; label: string };
  services: NodeServices;
  settings: WorkflowSettings;
  /** Declared state channels of the workflow. */
  channels: Record<string, Channel>;
  /** Name of a private channel of this node, as seen in `state`. */
  privateChannel: (name: string) => string;
  /** For a node that calls another workflow (`subworkflow`): the resolved child, compiled by the engine. */
  subworkflow?: SubworkflowBinding;
}

/**
 * When a child saves checkpoints: after every step (a crash inside it resumes at its last step), or
 * only when it ends or pauses for a person (cheaper; a crash inside re-runs the child from its start).
 */
export type SubworkflowCheckpoints = 'every-step' | 'on-exit';

/**
 * A child workflow compiled as a nested LangGraph graph. `invoke` runs it inside the current node's
 * task (its checkpoints nest under this node's `checkpoint_ns`; an interrupt inside pauses the parent
 * run, and resuming the parent resumes the child where it stopped) and returns the child's final state.
 */
export interface SubworkflowBinding {
  workflowId: string;
  /** The version compiled (a `latest` reference resolved). */
  version: number;
  invoke(input: FlowState, options?: { checkpoints?: SubworkflowCheckpoints }): Promise<FlowState>;
}
