import type { CheckpointTuple } from '@langchain/langgraph-checkpoint';
import { FlowError, isStorageUnavailable, loggableError } from '@flowcraft/schema';
import { classifyError } from '../compile/classify-error.js';
import type { TokenUsage, TraceEvent, TraceEventBody } from '@flowcraft/schema';
import type { Compiled } from '../compile/compile.js';
import { StorageLostError, executeRun } from '../execution/execute.js';
import type { ExecuteOptions, RunOutcome } from '../execution/execute.js';
import { createRunServices } from '../execution/services.js';
import type { RunServices } from '../execution/services.js';
import type { CompiledGraphs } from './compiled-graphs.js';
import { EventWriter } from './event-writer.js';
import type { RunChange, RunExpectation, RunPorts, RunRecord } from './ports.js';
import type { RunServiceOptions } from './run-service.js';

/** Abort reason of a graceful worker shutdown: the run goes back to the queue instead of ending. */
const HAND_OVER = new FlowError('cancelled', 'Worker shutting down: the run is handed to another worker');
/** Rolls back a final event whose transition did not apply (the attempt no longer owns the run). */
const NOT_OWNED = new Error('attempt no longer owns the run');
const NO_WRITE = async (): Promise<void> => undefined;
/** The key the final event is held under until its transaction (see `EventWriter.emit`). */
const FINAL_EVENT = 'flowcraft:final';
/** The key `run.started` is held under until the input checkpoint's commit stores it. */
const RUN_STARTED = 'flowcraft:run-started';

type Plan = Pick<
  ExecuteOptions,
  'input' | 'resume' | 'resumeById' | 'checkpointId' | 'interruptBefore' | 'interruptAfter' | 'latest'
>;

/**
 * Executes runs this process has claimed (`running`, owned by its attempt). Only the executor
 * writes a running run's events, and its final transition names its attempt, so an execution that
 * lost the run (cancelled, re-queued by recovery) cannot overwrite it. Nothing an execution does
 * escapes: an unexpected error fails that run with its cause and the process stays up.
 */
export class RunExecutor {
  private readonly active = new Map<
    string,
    { run: RunRecord; controller: AbortController; done: Promise<void>; since: number; finishing?: boolean }
  >();
  /**
   * Services of runs that may continue (paused, interrupted): a run keeps its models across its
   * executions in this process, so a scripted model goes on with its next reply after a step.
   */
  private readonly services = new Map<string, RunServices>();

  constructor(
    private readonly ports: RunPorts,
    private readonly graphs: CompiledGraphs,
    private readonly opts: RunServiceOptions & { logError: (message: string, err: unknown) => void },
  ) {}

  get size(): number {
    return this.active.size;
  }

  has(runId: string): boolean {
    return this.active.has(runId);
  }

  /** The record a run executing here was launched with. */
  record(runId: string): RunRecord | undefined {
    return this.active.get(runId)?.run;
  }

  /** The runs executing here, each with the attempt this process executes (the leases it renews). */
  executingAttempts(): { id: string; attempt: number }[] {
    return [...this.active.values()].map(({ run }) => ({ id: run.id, attempt: run.attempt }));
  }

  /** Execute a claimed run in the background. */
  launch(run: RunRecord): void {
    const controller = new AbortController();
    const done = this.execute(run, controller.signal)
      .catch((err: unknown) => this.guard(run, controller.signal, err))
      .finally(() => this.active.delete(run.id));
    this.active.set(run.id, { run, controller, done, since: performance.now() });
  }

  /**
   * Runs executing here that were launched before `before` (a `performance.now()` time) and have
   * not begun their final transition (after it, the run is no longer `running`: no lease to hold).
   */
  launchedBefore(before: number): string[] {
    return [...this.active.entries()].filter(([, a]) => a.since < before && !a.finishing).map(([id]) => id);
  }

  /** Abort a run executing here and wait until it has recorded its outcome. */
  async abort(runId: string, reason: FlowError): Promise<void> {
    const a = this.active.get(runId);
    if (!a) return;
    a.controller.abort(reason);
    await a.done;
  }

  async settled(runId: string): Promise<void> {
    await this.active.get(runId)?.done;
  }

  /** Waits for executions in flight; after `timeoutMs` aborts the rest (handing them back to the queue with `handOver`). */
  async drain(timeoutMs: number, handOver = false): Promise<void> {
    const all = [...this.active.values()];
    const timer = new Promise<void>((r) => setTimeout(r, timeoutMs).unref());
    await Promise.race([Promise.all(all.map((a) => a.done)), timer]);
    for (const a of this.active.values())
      a.controller.abort(handOver ? HAND_OVER : new FlowError('cancelled', 'Engine shutting down'));
    await Promise.all([...this.active.values()].map((a) => a.done));
  }

  /**
   * End a run without an execution (a cancel of a waiting run, a run past its attempts, the guard):
   * the final transition and its final event in one transaction where the ports can — a reader who
   * sees the final status also sees the final event. Returns the moved run, or undefined when the
   * stored run no longer matches `expect`. A seq taken by an append in between is read again.
   */
  async endRun(
    run: RunRecord,
    expect: RunExpectation,
    change: RunChange,
    body: TraceEventBody,
  ): Promise<RunRecord | undefined> {
    for (let tries = 1; ; tries++) {
      try {
        const moved = await this.finalTransition(run, expect, change, body, await this.writer(run.id));
        if (moved) this.services.delete(run.id);
        return moved;
      } catch (err) {
        if (!(err instanceof FlowError && err.code === 'conflict') || tries >= 3) throw err;
      }
    }
  }

  /** A writer continuing the run's stored events: from `lastSeq` when the caller just read it with the run, else read now. */
  private async writer(runId: string, lastSeq?: number): Promise<EventWriter> {
    return new EventWriter(
      runId,
      lastSeq ?? (await this.ports.lastSeq(runId)),
      (events) => this.ports.appendEvents(events),
      this.opts.publish,
      this.opts.tokenIntervalMs,
    );
  }

  private async execute(run: RunRecord, signal: AbortSignal): Promise<void> {
    // `run` is the claim's own row: its seq is current (only the claiming execution appends now).
    let writer = await this.writer(run.id, run.lastEventSeq);
    const t0 = performance.now();
    let outcome: RunOutcome;
    /** What the execution's model calls used, once known (counted also if the run is handed back). */
    let spent: TokenUsage | undefined;
    try {
      const v = await this.ports.getVersion(run.workflowId, run.workflowVersion);
      const compiled = await this.graphs.get(run.workflowId, v.version, v.document);
      const plan = await this.plan(run);
      // The first execution that gets to store anything announces the run (an earlier one may have died first).
      if (writer.lastSeq === 0 && (run.command?.kind === 'start' || run.command?.kind === 'fork')) {
        // Stored before any node runs: a node that kills its process cannot leave a run without it. A
        // start with input writes its input checkpoint before any node (and waits for it: durability
        // `sync`), so where the ports commit events with it, the event is held for that commit — one
        // statement for both, both or neither; otherwise stored now.
        const withInput = 'input' in plan && this.ports.appendEventsWith !== undefined;
        writer.emit(
          {
            type: 'run.started',
            threadId: run.threadId,
            workflowId: run.workflowId,
            input: run.input,
            ...(run.command.kind === 'fork' ? { fromCheckpointId: run.command.checkpointId } : {}),
            ...(run.breakpoints ? { breakpoints: run.breakpoints } : {}),
          },
          withInput ? RUN_STARTED : undefined,
        );
        if (!withInput) await writer.flush();
      }
      const services = this.services.get(run.id) ?? (await this.createServices(compiled));
      this.services.set(run.id, services);
      const ports = this.ports;
      const storeWith = ports.appendEventsWith
        ? (events: TraceEvent[], write: (target: unknown) => Promise<void>, storedSeq: number) =>
            ports.appendEventsWith?.(run.id, events, write, storedSeq) ?? Promise.resolve()
        : undefined;
      outcome = await executeRun({
        compiled,
        services,
        threadId: run.threadId,
        runId: run.id,
        signal,
        streamTokens: this.opts.streamTokens,
        onEvent: (body, task) => writer.emit(body, task),
        beforeCheckpoint: () => writer.flush(),
        // A task's events and its writes in one transaction, where the ports can.
        ...(storeWith
          ? {
              // A task's writes (with a task) join the step's checkpoint that follows them.
              commitWrites: (write: (tx: unknown) => Promise<void>, task?: string) =>
                writer.commit(storeWith, write, task, task !== undefined),
            }
          : {}),
        ...plan,
      });
      spent = outcome.tokens;
      await writer.flush();
      if (signal.aborted && signal.reason === HAND_OVER) {
        await this.handOver(run, outcome);
        return;
      }
    } catch (err) {
      if (isStorageUnavailable(err)) {
        await this.handBackAfterOutage(run, signal, err, err instanceof StorageLostError ? err.tokens : spent);
        return;
      }
      outcome = { status: 'failed', error: classifyError(err), tokens: { input: 0, output: 0 } };
      // If storing the trace failed, record the failure with a writer that starts from what is stored.
      if (
        !(await writer.flush().then(
          () => true,
          () => false,
        ))
      )
        writer = await this.writer(run.id);
    }
    try {
      await this.finish(run, outcome, writer, performance.now() - t0);
    } catch (err) {
      // The guard hands the run back; the usage goes with it (counted only if the final transition did not land).
      throw isStorageUnavailable(err) ? new StorageLostError(err, outcome.tokens) : err;
    }
  }

  private createServices(compiled: Compiled): RunServices | Promise<RunServices> {
    // The script covers the workflows it calls too (their replies keyed by qualified node ids).
    const document =
      compiled.script === compiled.document.script
        ? compiled.document
        : { ...compiled.document, script: compiled.script };
    return this.opts.services
      ? this.opts.services(document)
      : createRunServices({ script: compiled.script, env: this.opts.env });
  }

  /**
   * What this execution does, from the run's command and its thread's latest checkpoint: a command
   * a crash interrupted is not repeated twice (a start whose run already checkpointed continues; an
   * answer is not sent again once the thread moved past the checkpoint it answered).
   */
  private async plan(run: RunRecord): Promise<Plan> {
    // A first attempt of a start that created its thread, with nothing stored yet: the thread has
    // no checkpoint (only this run writes to it), so there is nothing to read.
    const fresh =
      run.command?.kind === 'start' && run.command.newThread === true && run.attempt === 1 && run.lastEventSeq === 0;
    const latest = fresh
      ? undefined
      : await this.ports.checkpointer.getTuple({ configurable: { thread_id: run.threadId } });
    return { ...this.planFrom(run, latest), latest: { tuple: latest } };
  }

  private planFrom(run: RunRecord, latest: CheckpointTuple | undefined): Plan {
    const ownCheckpoint = latest?.metadata !== undefined && Reflect.get(latest.metadata, 'runId') === run.id;
    const latestId: unknown = latest?.config.configurable?.checkpoint_id;
    const breakpoints: Plan = run.breakpoints
      ? { interruptBefore: run.breakpoints.before, interruptAfter: run.breakpoints.after }
      : {};
    const command = run.command ?? { kind: 'continue' };
    switch (command.kind) {
      case 'start':
        return ownCheckpoint
          ? breakpoints
          : { ...breakpoints, input: run.input !== null && typeof run.input === 'object' ? { ...run.input } : {} };
      case 'fork':
        return ownCheckpoint ? breakpoints : { ...breakpoints, checkpointId: command.checkpointId };
      // An answer is sent while the thread still stands where it was asked (after a crash it may have moved on).
      case 'resume':
        return command.at === undefined || command.at === latestId
          ? { ...breakpoints, resume: command.value }
          : breakpoints;
      case 'resumeById':
        return command.at === undefined || command.at === latestId
          ? { ...breakpoints, resumeById: command.answers }
          : breakpoints;
      case 'step':
        return { interruptBefore: '*' };
      case 'continue':
        return breakpoints;
    }
  }

  /** A graceful shutdown stopped the execution: back to `queued` (its job in the same transaction), resumed elsewhere from its last checkpoint. */
  private async handOver(run: RunRecord, outcome: RunOutcome): Promise<void> {
    this.services.delete(run.id);
    await this.ports.addUsage(run.id, outcome.tokens);
    await this.requeue(run, false);
  }

  /** Back to `queued` (its job in the same transaction) if this attempt still owns the run; idle workers woken. */
  private async requeue(run: RunRecord, recovered: boolean): Promise<boolean> {
    const moved = await this.ports.transition(
      run.id,
      { from: ['running'], attempt: run.attempt },
      { status: 'queued', release: true, ...(recovered ? { recovered: true as const } : {}) },
    );
    if (moved) this.ports.queue?.wake();
    return moved !== undefined;
  }

  /**
   * The database could not be reached mid-execution (a restart, a failover, a dropped connection):
   * the run did nothing wrong and what it stored is consistent (each commit is all or nothing), so
   * it is not failed but handed back — re-queued with its job, counted as a lost execution — and
   * resumes from its last stored checkpoint on whichever worker takes it. Tried again with backoff
   * (0.5 s … 8 s) while the database is away; if it stays away, this process stops renewing the
   * run's lease once the execution ends, and the lease's expiry hands it back instead.
   */
  private async handBackAfterOutage(
    run: RunRecord,
    signal: AbortSignal,
    cause: unknown,
    spent: TokenUsage | undefined,
    /** Count `spent` only if this attempt still held the run (its final transition may have stored it). */
    onlyIfHeld = false,
  ): Promise<void> {
    this.services.delete(run.id);
    // Codes only: a failed statement's text holds its SQL and the run's data.
    const why = (err: unknown) => new Error(loggableError(err));
    this.opts.logError(
      `Run ${run.id}: the database could not be reached; the run is handed back to the queue`,
      why(cause),
    );
    for (let delayMs = 500; ; delayMs *= 2) {
      await new Promise<void>((resolve) => setTimeout(resolve, delayMs).unref());
      try {
        const moved = await this.requeue(run, true);
        // The interrupted attempt's model calls were paid for: the run's usage counts them.
        if (spent && spent.input + spent.output > 0 && (moved || !onlyIfHeld)) await this.ports.addUsage(run.id, spent);
        return;
      } catch (err) {
        if (!isStorageUnavailable(err) || delayMs >= 8_000 || signal.aborted) {
          this.opts.logError(`Run ${run.id}: not handed back yet; its lease's expiry will hand it back`, why(err));
          return;
        }
      }
    }
  }

  /** The execution's final transition (naming its attempt), then the run's final event. */
  private async finish(run: RunRecord, outcome: RunOutcome, writer: EventWriter, durationMs: number): Promise<void> {
    const active = this.active.get(run.id);
    if (active) active.finishing = true;
    if (outcome.status !== 'interrupted') this.services.delete(run.id);
    const own = { from: ['running' as const], attempt: run.attempt };
    const end = { command: null, release: true as const, usage: outcome.tokens };
    let body: TraceEventBody;
    let change: RunChange;
    switch (outcome.status) {
      case 'completed':
        change = { ...end, status: 'completed', output: outcome.output };
        body = { type: 'run.completed', output: outcome.output, durationMs, tokens: outcome.tokens };
        break;
      case 'interrupted':
        change = { ...end, status: 'interrupted', interrupts: outcome.interrupts, paused: outcome.paused ?? null };
        body = {
          type: 'run.interrupted',
          interrupts: outcome.interrupts,
          ...(outcome.paused ? { paused: outcome.paused } : {}),
        };
        break;
      case 'failed':
        change = { ...end, status: 'failed', error: outcome.error };
        body = { type: 'run.failed', error: outcome.error, tokens: outcome.tokens };
        break;
      case 'cancelled':
        change = { ...end, status: 'cancelled' };
        body = { type: 'run.cancelled', tokens: outcome.tokens };
        break;
    }
    const moved = await this.finalTransition(run, own, change, body, writer);
    if (moved === undefined) {
      // The tokens were spent all the same: the run's usage counts them.
      await this.ports.addUsage(run.id, outcome.tokens);
      this.opts.logError(
        `Run ${run.id}: attempt ${run.attempt} no longer owns the run; its outcome (${outcome.status}) is dropped`,
        undefined,
      );
    }
  }

  /**
   * The final transition and the final event: in one transaction where the ports can (a process
   * killed in between cannot leave a finished run without its final event), else one after the other.
   * Nothing is stored or published when the attempt no longer owns the run.
   */
  private async finalTransition(
    run: RunRecord,
    own: RunExpectation,
    change: RunChange,
    body: TraceEventBody,
    writer: EventWriter,
  ): Promise<RunRecord | undefined> {
    const together = this.ports.transitionWithEvents?.bind(this.ports);
    if (!together) {
      const moved = await this.ports.transition(run.id, own, change);
      if (moved === undefined) return undefined;
      writer.emit(body);
      await writer.flush();
      return moved;
    }
    let moved: RunRecord | undefined;
    // Held, not scheduled: only the transaction below may store it.
    writer.emit(body, FINAL_EVENT);
    try {
      await writer.commit(
        async (events) => {
          moved = await together(run.id, own, change, events);
          if (moved === undefined) throw NOT_OWNED;
        },
        NO_WRITE,
        FINAL_EVENT,
      );
    } catch (err) {
      if (err !== NOT_OWNED) throw err;
    }
    return moved;
  }

  /** The last line of defence: an error nothing else caught fails the run (if this attempt still owns it). */
  private async guard(run: RunRecord, signal: AbortSignal, err: unknown): Promise<void> {
    // Recording its end needs the database: one that could not be reached does not fail the run.
    // The final transition may have landed before its reply was lost (it stored the usage then): the
    // usage is counted only if the run is still this attempt's to hand back.
    if (isStorageUnavailable(err))
      return this.handBackAfterOutage(run, signal, err, err instanceof StorageLostError ? err.tokens : undefined, true);
    this.opts.logError(`Run ${run.id} failed unexpectedly`, err);
    try {
      const info = classifyError(err);
      await this.endRun(
        run,
        { from: ['running'], attempt: run.attempt },
        { status: 'failed', error: info, command: null, release: true },
        { type: 'run.failed', error: info, tokens: { input: 0, output: 0 } },
      );
    } catch (again) {
      this.opts.logError(`Run ${run.id}: could not record its failure`, again);
    }
  }
}
