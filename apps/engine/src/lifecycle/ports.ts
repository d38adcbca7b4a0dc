import type { BaseCheckpointSaver } from '@langchain/langgraph';
import type {
  Breakpoints,
  ErrorInfo,
  PausedAt,
  PendingInterrupt,
  RunStatus,
  TokenUsage,
  TraceEvent,
  WorkflowDocument,
} from '@flowcraft/schema';
import type { ClaimWithFetch } from '../queue/run-queue.js';
import type { RunChange, RunCommand, RunExpectation } from '../store/index.js';

export type { RunCommand, RunStatus };

/** A run as the lifecycle sees it: the `runs` row, every field a column. */
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
  interrupts: PendingInterrupt[];
  /** Where the run is paused while `interrupted` with no pending interrupts (a breakpoint or a step). */
  paused: PausedAt | null;
  /** Breakpoints of a debug run. */
  breakpoints: Breakpoints | null;
  /** What the next execution does (set when the run was queued). */
  command: RunCommand | null;
  /** Incremented by every transition (compare-and-set token). */
  revision: number;
  /** Executions claimed so far; the running one's number. */
  attempt: number;
  /** Times a crash left the run running and recovery re-queued it. */
  recoveries: number;
  /** Set when a cancel was asked while `running`. */
  cancelRequested: boolean;
  /** The worker that executed the latest attempt. */
  worker?: string;
  /** The run's last stored event seq as of this record (absent where the ports do not keep it on the run). */
  lastEventSeq?: number;
}

/** Leases of running runs (durable mode): a worker's heartbeat renews them; an expired one means a dead worker. */
export interface RunLeases {
  /**
   * Renews the leases of the runs `owner` executes (each in the attempt it executes) that it still
   * owns in that attempt; returns them with their cancel flag.
   */
  renew(
    owner: string,
    leaseSeconds: number,
    executing: { id: string; attempt: number }[],
  ): Promise<{ id: string; cancelRequested: boolean }[]>;
  /** Running runs whose lease ran out (their worker died), oldest first. */
  findExpired(limit?: number): Promise<RunRecord[]>;
  /** Running runs owned by `owner` (a worker restarted under the same id: they are certainly lost). */
  findOwnedBy(owner: string): Promise<RunRecord[]>;
  /**
   * Queued runs whose job a worker took more than `olderThanSeconds` ago without claiming the run
   * (it died in between): the run would wait forever for a job nobody executes.
   */
  findUnclaimed?(olderThanSeconds: number): Promise<{ run: RunRecord; jobId: string }[]>;
  /** The jobs of unclaimed runs, once those runs have new jobs. */
  retireJobs?(jobIds: string[]): Promise<void>;
}

/** The durable queue as the lifecycle sees it: jobs are added by the ports' transactions; this wakes workers. */
export interface QueueSignal {
  /** After a run was queued (its job committed): wake idle workers. */
  wake(): void;
  /** A cancel was recorded on a running run: tell the process executing it (NOTIFY). */
  cancelRequested(runId: string): Promise<void>;
}

/** A run row as created: always `queued`, with the command its first execution carries out. */
export interface NewRun {
  id: string;
  threadId: string;
  workflowId: string;
  workflowVersion: number;
  input: unknown;
  command: RunCommand;
  breakpoints?: Breakpoints;
  forkedFrom?: { runId?: string; checkpointId?: string };
  /** `threadId` is new: the thread is created with the run (one transaction instead of two). */
  newThread?: true;
}

/** What a transition expects of the stored run, and the fields it sets: the store's compare-and-set shapes. */
export type { RunChange, RunExpectation };

/**
 * What the run lifecycle needs from storage. The drizzle repositories implement it for PGlite and
 * Postgres (`store-run-ports.ts`); `memory-ports.ts` for tests. Both pass `ports.conformance.ts`.
 */
export interface RunPorts {
  /** The document a run pins (workflow id + version) and a hash of it (the compiled-graph cache key). */
  getVersion(workflowId: string, version?: number): Promise<{ version: number; document: WorkflowDocument }>;
  createThread(workflowId: string, threadId?: string): Promise<string>;
  /** Creates a queued run; refuses (FlowError conflict) when the thread already has an active run. */
  createRun(run: NewRun): Promise<RunRecord>;
  getRun(runId: string): Promise<RunRecord>;
  /**
   * The one way a run changes: an atomic compare-and-set. Returns the updated run, or undefined
   * when the stored run no longer matches `expect` (someone else moved it first).
   * Throws FlowError `conflict` when the change would give the thread a second active run.
   */
  transition(runId: string, expect: RunExpectation, change: RunChange): Promise<RunRecord | undefined>;
  /**
   * `transition` of the runs a queue's fetch takes, run inside the fetch's own statement (the
   * `claim` of `RunQueue.work`). Present where the runs and the queue share a database.
   */
  claimWithFetch?(expect: RunExpectation, change: RunChange): ClaimWithFetch<RunRecord>;
  /** Adds one execution's usage to the run's totals (atomic increment). */
  addUsage(runId: string, tokens: TokenUsage): Promise<void>;
  /** Runs left `queued` or `running` (after a crash), oldest first. */
  findUnfinished(): Promise<RunRecord[]>;
  /** Store a batch of one run's events atomically; their seqs (assigned by the caller) must be the run's next ones, in order. */
  appendEvents(events: TraceEvent[]): Promise<void>;
  /**
   * `appendEvents` (of run `runId`; `events` may be empty) and `write(target)` — the saver's task
   * writes or checkpoint: `target` is what the ports' checkpointer writes to — stored atomically
   * together (the store: one statement). Present where events and checkpoints share a database.
   * `storedSeq`: the run's last stored seq (with no events, the write may be kept to it).
   */
  appendEventsWith?(
    runId: string,
    events: TraceEvent[],
    write: (target: unknown) => Promise<void>,
    storedSeq?: number,
  ): Promise<void>;
  /**
   * A final transition (never into `queued`) and, in the same transaction, the run's final events;
   * nothing is stored when the run does not match `expect`. Present where runs and events share a database.
   */
  transitionWithEvents?(
    runId: string,
    expect: RunExpectation,
    change: RunChange,
    events: TraceEvent[],
  ): Promise<RunRecord | undefined>;
  lastSeq(runId: string): Promise<number>;
  checkpointer: BaseCheckpointSaver;
  /**
   * Present when runs travel through a durable queue: every transition into `queued` (and every
   * created run) adds the run's job in the same transaction, and a worker process — this one or
   * another — executes it. Absent: the run service executes queued runs in this process at once.
   */
  queue?: QueueSignal;
  /** Present with a durable queue: leases of running runs. */
  leases?: RunLeases;
}
