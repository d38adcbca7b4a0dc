import type { BaseCheckpointSaver } from '@langchain/langgraph';
import type { ErrorInfo, TokenUsage, TraceEvent, WorkflowDocument } from '@flowcraft/schema';

export type RunStatus = 'queued' | 'running' | 'interrupted' | 'completed' | 'failed' | 'cancelled';

export interface RunRecord {
  id: string;
  threadId: string;
  workflowId: string;
  workflowVersion: number;
  status: RunStatus;
  input: unknown;
  output?: unknown;
  error?: ErrorInfo;
  tokens?: TokenUsage;
  /** The checkpoint a run continued its thread from (replay, fork, rerun from a node). */
  forkedFrom?: { runId?: string; checkpointId?: string };
  /** Pending interrupts while `interrupted`. */
  interrupts?: { id: string; nodeId?: string; value: unknown }[];
  /** Where the run is paused while `interrupted` with no pending interrupts (a breakpoint or a step). */
  paused?: { next: string[]; checkpointId: string } | null;
}

/**
 * What the run service needs from storage. The drizzle repositories implement it for PGlite and
 * Postgres; `memory-ports.ts` implements it for tests.
 */
export interface RunPorts {
  /** The document a run pins (workflow id + version). */
  getVersion(
    workflowId: string,
    version?: number,
  ): Promise<{ version: number; document: WorkflowDocument; valid: boolean }>;
  createThread(workflowId: string, threadId?: string): Promise<string>;
  /** Creates a queued run; refuses (FlowError conflict) when the thread already has an active run. */
  createRun(run: Omit<RunRecord, 'status'>): Promise<RunRecord>;
  getRun(runId: string): Promise<RunRecord>;
  updateRun(runId: string, patch: Partial<Omit<RunRecord, 'id' | 'threadId'>>): Promise<void>;
  /** Runs left `queued` or `running` (after a crash). */
  findUnfinished(): Promise<RunRecord[]>;
  /** Store a batch of one run's events atomically; their seqs (assigned by the caller) must be the run's next ones, in order. */
  appendEvents(events: TraceEvent[]): Promise<void>;
  lastSeq(runId: string): Promise<number>;
  /** Breakpoints a debug run was started with (from its stored `run.started` event), after a restart. */
  breakpointsOf?(runId: string): Promise<{ before: string[]; after: string[] } | undefined>;
  checkpointer: BaseCheckpointSaver;
}
