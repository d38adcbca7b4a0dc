import type { BaseStore } from '@langchain/langgraph';
import { randomUUID } from 'node:crypto';
import { FlowError, isFinishedStatus } from '@flowcraft/schema';
import type { Breakpoints, TraceEvent, WorkflowDocument } from '@flowcraft/schema';
import type { NodeTypeRegistry } from '@flowcraft/node-types';
import type { RunServices } from '../execution/services.js';
import { CompiledGraphs } from './compiled-graphs.js';
import type { ClaimWithFetch } from '../queue/run-queue.js';
import type { RunChange, RunCommand, RunExpectation, RunPorts, RunRecord } from './ports.js';
import { RunExecutor } from './run-executor.js';
import { consoleError } from './console-error.js';

export type { Breakpoints };

/** Recoveries after which a run that keeps killing its engine is failed instead of resumed again. */
export const MAX_RECOVERIES = 3;
/** Default lease of a claimed run; the executing worker renews it every third of it. */
export const LEASE_SECONDS = 30;

export interface RunServiceOptions {
  /** Environment for model providers (OPENAI_*, FLOWCRAFT_MODEL_OVERRIDE). */
  env?: Record<string, string | undefined>;
  /** Live delivery of every stored event (Socket.IO). Called after the event is stored. */
  publish?: (event: TraceEvent) => void;
  /** Emit model tokens as events (default true). */
  streamTokens?: boolean;
  /** Model tokens stored at most once per this many ms per run (default `TOKEN_STORE_INTERVAL_MS`; 0: as soon as possible). */
  tokenIntervalMs?: number;
  /**
   * Services for one run of `document` (models with credentials and routing, guarded fetch, MCP).
   * Default: `createRunServices` with the document's script and `env`.
   */
  services?: (document: WorkflowDocument) => RunServices | Promise<RunServices>;
  /** The compiled-graph cache to share (with the time-travel service); default a new one. */
  graphs?: CompiledGraphs;
  /** Long-term store passed to compiled graphs (ignored with `graphs`). */
  store?: BaseStore;
  /** This worker's id in `runs.owner` / `runs.worker`. Default a random id. */
  owner?: string;
  /** Seconds a claim holds without a heartbeat (durable mode). Default 30. */
  leaseSeconds?: number;
  /** Where unexpected errors go (a run failed by the guard, a lost final write). Default `console.error`. */
  logError?: (message: string, err: unknown) => void;
}

/**
 * The run lifecycle. Every change of a run is one compare-and-set transition on its row that names
 * the status (and revision) it expects: of two concurrent requests on one run exactly one wins,
 * the other gets `conflict` and writes nothing. The winner queues the run with a command; a claim
 * (`queued → running`, attempt + 1) hands it to an executor, which alone writes its events and
 * its final transition. Pause state, pending interrupts, breakpoints and the command live in
 * columns, so a restart (or another process) picks a run up where it stood.
 */
export class RunService {
  readonly graphs: CompiledGraphs;
  private readonly executor: RunExecutor;
  readonly owner: string;
  private readonly leaseSeconds: number;
  private readonly logError: (message: string, err: unknown) => void;

  constructor(
    private readonly ports: RunPorts,
    registry: NodeTypeRegistry,
    opts: RunServiceOptions = {},
  ) {
    this.graphs =
      opts.graphs ??
      new CompiledGraphs(registry, ports.checkpointer, opts.env, (id, v) => ports.getVersion(id, v), opts.store);
    this.owner = opts.owner ?? `engine-${randomUUID().slice(0, 8)}`;
    this.leaseSeconds = opts.leaseSeconds ?? LEASE_SECONDS;
    this.logError = opts.logError ?? consoleError;
    this.executor = new RunExecutor(ports, this.graphs, { ...opts, logError: this.logError });
  }

  /**
   * Start a run in the background. With `checkpointId` the run continues the thread from that
   * checkpoint (replay / fork / rerun from a node: upstream results are reused). With `breakpoints`
   * it pauses before / after those nodes (`interrupted` with `paused`), to be stepped or continued.
   */
  async start(req: {
    /** The run's id, chosen by the caller (an experiment stores it before the run exists); default a new UUID. */
    runId?: string;
    workflowId: string;
    version?: number;
    input?: Record<string, unknown>;
    threadId?: string;
    checkpointId?: string;
    breakpoints?: Partial<Breakpoints>;
  }): Promise<{ runId: string; threadId: string }> {
    const v = await this.ports.getVersion(req.workflowId, req.version);
    const compiled = await this.graphs.get(req.workflowId, v.version, v.document);
    const breakpoints = req.breakpoints
      ? { before: req.breakpoints.before ?? [], after: req.breakpoints.after ?? [] }
      : undefined;
    if (breakpoints) {
      const unknown = [...breakpoints.before, ...breakpoints.after].filter((id) => !compiled.nodeMap.has(id));
      if (unknown.length > 0)
        throw new FlowError(
          'invalid_input',
          `Breakpoints name nodes that are not in the workflow: ${[...new Set(unknown)].join(', ')}`,
          { details: { unknown } },
        );
    }
    if (req.checkpointId !== undefined) {
      if (req.threadId === undefined)
        throw new FlowError('invalid_input', 'Continuing from a checkpoint needs the thread id');
      const tuple = await this.ports.checkpointer.getTuple({
        configurable: { thread_id: req.threadId, checkpoint_id: req.checkpointId },
      });
      if (tuple === undefined)
        throw new FlowError('not_found', `Checkpoint ${req.checkpointId} not found on thread ${req.threadId}`);
    }
    // A new thread is created with its first run (one transaction); a given one is reused or created.
    const newThread = req.threadId === undefined;
    const threadId = req.threadId ?? randomUUID();
    if (!newThread) await this.ports.createThread(req.workflowId, threadId);
    const command: RunCommand =
      req.checkpointId !== undefined
        ? { kind: 'fork', checkpointId: req.checkpointId }
        : newThread
          ? { kind: 'start', newThread: true }
          : { kind: 'start' };
    const run = await this.ports.createRun({
      id: req.runId ?? randomUUID(),
      threadId,
      workflowId: req.workflowId,
      workflowVersion: v.version,
      input: req.input ?? {},
      command,
      ...(breakpoints ? { breakpoints } : {}),
      ...(req.checkpointId !== undefined ? { forkedFrom: { checkpointId: req.checkpointId } } : {}),
      ...(newThread ? { newThread: true as const } : {}),
    });
    await this.queued(run);
    return { runId: run.id, threadId };
  }

  /** Run one superstep of a run paused at a breakpoint (or after a step), then pause again. */
  async step(runId: string): Promise<void> {
    await this.requeuePaused(runId, { kind: 'step' });
  }

  /** Continue a paused run to its next breakpoint (or the end). */
  async continue(runId: string): Promise<void> {
    await this.requeuePaused(runId, { kind: 'continue' });
  }

  /** Answer a run's pending interrupt(s): `value` for the only one, `byId` for several. */
  async resume(runId: string, answer: { value?: unknown; byId?: Record<string, unknown> }): Promise<void> {
    const run = await this.ports.getRun(runId);
    if (run.status !== 'interrupted')
      throw new FlowError('conflict', `Run ${runId} is ${run.status}, not waiting for input`);
    const pending = new Set(run.interrupts.map((i) => i.id));
    if (pending.size === 0)
      throw new FlowError(
        'conflict',
        `Run ${runId} is paused at a breakpoint, not waiting for input: step or continue it`,
      );
    if (answer.byId) {
      const stale = Object.keys(answer.byId).filter((id) => !pending.has(id));
      if (stale.length > 0)
        throw new FlowError(
          'conflict',
          `No pending interrupt with id ${stale.map((id) => `"${id}"`).join(', ')} on run ${runId}: it was answered already or never existed.`,
          { details: { pending: [...pending] } },
        );
    }
    const latest = await this.ports.checkpointer.getTuple({ configurable: { thread_id: run.threadId } });
    const at: unknown = latest?.config.configurable?.checkpoint_id;
    const where = typeof at === 'string' ? { at } : {};
    const command: RunCommand = answer.byId
      ? { kind: 'resumeById', answers: answer.byId, ...where }
      : { kind: 'resume', value: answer.value ?? null, ...where };
    await this.requeue(run, command);
  }

  /**
   * Cancel a run. Queued or interrupted: cancelled at once (one transition, one event). Running:
   * the cancel is recorded on the row and the executing process aborts (the model call in flight
   * included), then records `cancelled` itself.
   */
  async cancel(runId: string): Promise<void> {
    for (let tries = 0; tries < 5; tries++) {
      const run = await this.ports.getRun(runId);
      if (isFinishedStatus(run.status))
        throw new FlowError('conflict', `Run ${runId} has already finished (${run.status}).`);
      if (run.status === 'running') {
        if (run.cancelRequested) throw new FlowError('conflict', `Run ${runId} is already being cancelled.`);
        const marked = await this.ports.transition(
          runId,
          { from: ['running'], revision: run.revision },
          { cancelRequested: true },
        );
        if (marked === undefined) continue;
        if (this.executor.has(runId))
          await this.executor.abort(runId, new FlowError('cancelled', 'Cancelled by request'));
        // Executed by another worker: it learns by NOTIFY at once, or by its next heartbeat.
        else await this.ports.queue?.cancelRequested(runId);
        return;
      }
      const cancelled = await this.executor.endRun(
        run,
        { from: [run.status], revision: run.revision },
        { status: 'cancelled', command: null, interrupts: [], paused: null, release: true },
        { type: 'run.cancelled', tokens: { input: 0, output: 0 } },
      );
      if (cancelled === undefined) continue;
      return;
    }
    throw new FlowError('conflict', `Run ${runId} kept changing while it was being cancelled; try again`);
  }

  /**
   * At start-up: runs a crash left `running` are re-queued (their command repeats from the last
   * checkpoint), queued ones are claimed; a run that has used up its attempts is failed with the cause.
   * With a durable queue only the runs this worker owned are certainly lost (others may be executed
   * by live workers; their leases decide) unless `exclusive` says no other process uses the
   * database (the embedded one); queued runs then get a fresh job each.
   */
  async recover(opts: { exclusive?: boolean } = {}): Promise<{ resumed: string[]; failed: string[] }> {
    const resumed: string[] = [];
    const failed: string[] = [];
    const durable = this.ports.queue !== undefined;
    const candidates =
      durable && !opts.exclusive && this.ports.leases
        ? await this.ports.leases.findOwnedBy(this.owner)
        : await this.ports.findUnfinished();
    for (const run of candidates) {
      try {
        const queued =
          run.status === 'running'
            ? await this.ports.transition(
                run.id,
                { from: ['running'], revision: run.revision },
                { status: 'queued', release: true, recovered: true },
              )
            : durable
              ? await this.ports.transition(run.id, { from: ['queued'], revision: run.revision }, { status: 'queued' })
              : run;
        if (queued === undefined) continue;
        if (durable) {
          resumed.push(run.id);
          continue;
        }
        if (await this.dispatch(queued)) resumed.push(run.id);
        else failed.push(run.id);
      } catch (err) {
        this.logError(`Could not recover run ${run.id}`, err);
        failed.push(run.id);
      }
    }
    if (durable && resumed.length > 0) this.ports.queue?.wake();
    return { resumed, failed };
  }

  /** Workflow and version of a run executing in this process (no database read), else undefined. */
  executingRun(runId: string): { workflowId: string; workflowVersion: number } | undefined {
    return this.executor.record(runId);
  }

  /**
   * The queue's job handler: claim the run if it is still queued and execute it here, resolving when
   * this execution ends. A stale or duplicate job (the run moved on) does nothing.
   */
  async execute(runId: string, alreadyClaimed?: RunRecord): Promise<void> {
    // Usually the run is plainly ready: claimed by one statement (the queue's fetch, where it can
    // carry the claim: `claimWithFetch`). Otherwise read it and decide.
    const claimed = alreadyClaimed ?? (await this.ports.transition(runId, ...this.claim()));
    if (claimed !== undefined) {
      this.executor.launch(claimed);
      await this.executor.settled(runId);
      return;
    }
    let run: RunRecord;
    try {
      run = await this.ports.getRun(runId);
    } catch (err) {
      if (err instanceof FlowError && err.code === 'not_found') return;
      throw err;
    }
    if (run.status !== 'queued') return;
    if (await this.dispatch(run)) await this.executor.settled(runId);
  }

  /** What claiming a queued run for an execution here expects of it and changes. */
  private claim(): [RunExpectation, RunChange] {
    return [
      { from: ['queued'], claimableBelow: MAX_RECOVERIES },
      { status: 'running', claimBy: this.owner, leaseSeconds: this.leaseSeconds },
    ];
  }

  /**
   * The claim a queue runs inside its fetch (`RunQueue.work`'s `claim`), where the ports can build it:
   * the handler then gets the run claimed (`execute`'s `alreadyClaimed`) and spends no statement on it.
   */
  claimWithFetch(): ClaimWithFetch<RunRecord> | undefined {
    return this.ports.claimWithFetch?.(...this.claim());
  }

  /**
   * The heartbeat of this worker (durable mode): renews the leases of the runs it executes and aborts
   * those a cancel reached through another process. Returns how many runs it holds.
   */
  async heartbeat(): Promise<number> {
    const leases = this.ports.leases;
    if (!leases) return this.executor.size;
    const asked = performance.now();
    // Only runs executing here: a run this worker still owns but no longer executes (its execution
    // could not record its end) must not be kept alive — its lease runs out and it is handed back.
    const held = await leases.renew(this.owner, this.leaseSeconds, this.executor.executingAttempts());
    for (const run of held) {
      if (run.cancelRequested && this.executor.has(run.id))
        void this.executor.abort(run.id, new FlowError('cancelled', 'Cancelled by request'));
    }
    // A run executing here that this worker no longer owns in the attempt it executes (its lease ran
    // out while this process stalled and another worker — or a process started with the same worker
    // id — took it over): stop at once; its outcome would be dropped anyway.
    const owned = new Set(held.map((r) => r.id));
    for (const runId of this.executor.launchedBefore(asked)) {
      if (!owned.has(runId)) {
        this.logError(`Run ${runId}: lease lost to another worker; this execution stops`, undefined);
        void this.executor.abort(runId, new FlowError('cancelled', 'Lease lost to another worker'));
      }
    }
    return held.length;
  }

  /** A cancel notification from another process: abort the run if it executes here. */
  async cancelSignalled(runId: string): Promise<void> {
    if (!this.executor.has(runId)) return;
    const run = await this.ports.getRun(runId);
    if (run.status === 'running' && run.cancelRequested)
      await this.executor.abort(runId, new FlowError('cancelled', 'Cancelled by request'));
  }

  /**
   * Runs whose worker died (lease expired) are re-queued — their job goes out in the same
   * transaction — and resume from their last checkpoint on whichever worker takes them; after
   * `MAX_RECOVERIES` lost executions a run is failed with `worker_lost`. Returns the runs re-queued.
   */
  async reapExpiredLeases(): Promise<string[]> {
    const leases = this.ports.leases;
    if (!leases) return [];
    const requeued: string[] = [];
    for (const run of await leases.findExpired()) {
      if (this.executor.has(run.id)) continue;
      const queued = await this.ports.transition(
        run.id,
        { from: ['running'], revision: run.revision },
        { status: 'queued', release: true, recovered: true },
      );
      if (queued) requeued.push(run.id);
    }
    // A worker that died after taking a run's job but before claiming the run left it queued with a
    // job nobody executes: give it a new job (the same transaction as the row change), retire the old.
    for (const { run, jobId } of (await leases.findUnclaimed?.(this.leaseSeconds)) ?? []) {
      const queued = await this.ports.transition(
        run.id,
        { from: ['queued'], revision: run.revision },
        { status: 'queued' },
      );
      if (queued) requeued.push(run.id);
      await leases.retireJobs?.([jobId]);
    }
    if (requeued.length > 0) this.ports.queue?.wake();
    return requeued;
  }

  /**
   * Graceful shutdown: wait for runs in flight (they checkpoint every step). Those still going after
   * `timeoutMs` are aborted; with a durable queue they are handed back (re-queued, resumed by another
   * worker from their last checkpoint), else recorded as cancelled.
   */
  async drain(timeoutMs = 10_000): Promise<void> {
    await this.executor.drain(timeoutMs, this.ports.queue !== undefined);
  }

  /**
   * Wait until the run's current execution has ended (tests, benchmarks, shutdown). In this process:
   * its execution. With a durable queue the run may still wait for a worker or execute in another
   * process: then the stored status is watched until it is no longer `queued` or `running`.
   */
  async settled(runId: string): Promise<void> {
    await this.executor.settled(runId);
    if (!this.ports.queue) return;
    for (;;) {
      if (this.executor.has(runId)) await this.executor.settled(runId);
      const run = await this.ports.getRun(runId);
      if (run.status !== 'queued' && run.status !== 'running') return;
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
  }

  /** Runs executing in this process. */
  get executing(): number {
    return this.executor.size;
  }

  private async requeuePaused(runId: string, command: RunCommand): Promise<void> {
    const run = await this.ports.getRun(runId);
    if (run.status !== 'interrupted') throw new FlowError('conflict', `Run ${runId} is ${run.status}, not paused`);
    if (run.interrupts.length > 0)
      throw new FlowError(
        'conflict',
        `Run ${runId} is waiting for an answer to ${run.interrupts.length} interrupt(s); resume it with the answer`,
      );
    await this.requeue(run, command);
  }

  /** `interrupted → queued` with a command, against the revision read; the loser of a race gets 409. */
  private async requeue(run: RunRecord, command: RunCommand): Promise<void> {
    const queued = await this.ports.transition(
      run.id,
      { from: ['interrupted'], revision: run.revision },
      { status: 'queued', command, interrupts: [], paused: null },
    );
    if (queued === undefined)
      throw new FlowError('conflict', `Run ${run.id} changed while this request was handled; reload it and try again`);
    await this.queued(queued);
  }

  /** A run was queued: with a durable queue its job is committed, so wake a worker; else execute it here. */
  private async queued(run: RunRecord): Promise<void> {
    if (this.ports.queue) this.ports.queue.wake();
    else await this.dispatch(run);
  }

  /**
   * Claim a queued run (`queued → running`, attempt + 1) and execute it here. A run cancelled while
   * its process died is cancelled; a run past its attempts is failed. Returns false unless it runs.
   */
  private async dispatch(run: RunRecord): Promise<boolean> {
    if (run.cancelRequested) {
      await this.executor.endRun(
        run,
        { from: ['queued'], revision: run.revision },
        { status: 'cancelled', command: null, release: true },
        { type: 'run.cancelled', tokens: { input: 0, output: 0 } },
      );
      return false;
    }
    if (run.recoveries >= MAX_RECOVERIES) {
      const error = {
        code: 'worker_lost' as const,
        message: `The run's execution was lost ${run.recoveries} times (its worker stopped — crash, kill or restart — or lost its database); it is not resumed again.`,
      };
      await this.executor.endRun(
        run,
        { from: ['queued'], revision: run.revision },
        { status: 'failed', command: null, release: true, error },
        { type: 'run.failed', error, tokens: { input: 0, output: 0 } },
      );
      return false;
    }
    const claimed = await this.ports.transition(
      run.id,
      { from: ['queued'], revision: run.revision },
      { status: 'running', claimBy: this.owner, leaseSeconds: this.leaseSeconds },
    );
    if (claimed === undefined) return false;
    this.executor.launch(claimed);
    return true;
  }
}
