import { createHash, randomUUID } from 'node:crypto';
import { FlowError, toErrorInfo } from '@flowcraft/schema';
import type { TraceEvent, WorkflowDocument } from '@flowcraft/schema';
import type { NodeTypeRegistry } from '@flowcraft/node-types';
import { compile } from '../compile/compile.js';
import type { Compiled } from '../compile/compile.js';
import { scopedServices } from '../compile/service-scope.js';
import { executeRun } from '../execution/execute.js';
import type { RunOutcome } from '../execution/execute.js';
import { createRunServices } from '../execution/services.js';
import type { RunServices } from '../execution/services.js';
import type { RunPorts, RunRecord } from './ports.js';
import { EventWriter } from './event-writer.js';

/** Workflow versions whose compiled graphs are kept. */
const COMPILED_CACHE_SIZE = 64;

type Mode =
  | { input: Record<string, unknown> }
  | { resume: unknown }
  | { resumeById: Record<string, unknown> }
  | { continue: true; checkpointId?: string };

/** Breakpoints of a debug run: canvas node ids to pause before / after. */
export interface Breakpoints {
  before: string[];
  after: string[];
}

/** How one execution pauses: the run's breakpoints, or `step` (pause before whatever runs next). */
type Pausing = Breakpoints | 'step' | undefined;

export interface RunServiceOptions {
  /** Environment for model providers (OPENAI_*, FLOWCRAFT_MODEL_OVERRIDE). */
  env?: Record<string, string | undefined>;
  /** Live delivery of every stored event (Socket.IO). Called after the event is stored. */
  publish?: (event: TraceEvent) => void;
  /** Emit model tokens as events (default true). */
  streamTokens?: boolean;
  /**
   * Services for one run of `document` (models with credentials and routing, guarded fetch, MCP).
   * Default: `createRunServices` with the document's script and `env`.
   */
  services?: (document: WorkflowDocument) => RunServices | Promise<RunServices>;
}

/**
 * Starts runs in the background, stores every trace event with its per-run seq before publishing
 * it, and handles cancel, resume and crash recovery. One active run per thread.
 */
export class RunService {
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void> }>();
  /** Compiled graphs by workflow version (documents of a version never change); most recently used last. */
  private readonly compiledCache = new Map<string, Compiled>();
  private fallbackServices?: ReturnType<typeof scopedServices>;
  /**
   * Services of runs that may continue (paused, interrupted): a run keeps its models across its
   * executions, so a scripted model goes on with its next reply after a step or a resume.
   */
  private readonly runServices = new Map<string, RunServices>();
  /** Breakpoints of debug runs, re-applied by `continue` and `resume`. */
  private readonly breakpoints = new Map<string, Breakpoints>();

  constructor(
    private readonly ports: RunPorts,
    private readonly registry: NodeTypeRegistry,
    private readonly opts: RunServiceOptions = {},
  ) {}

  /**
   * Start a run in the background. With `checkpointId` the run continues the thread from that
   * checkpoint (replay / fork / rerun from a node: upstream results are reused). With `breakpoints`
   * it pauses before / after those nodes (`interrupted` with `paused`), to be stepped or continued.
   */
  async start(req: {
    workflowId: string;
    version?: number;
    input?: Record<string, unknown>;
    threadId?: string;
    checkpointId?: string;
    breakpoints?: Partial<Breakpoints>;
  }): Promise<{ runId: string; threadId: string }> {
    const v = await this.ports.getVersion(req.workflowId, req.version);
    const compiled = this.compiled(req.workflowId, v.version, v.document);
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
    const threadId = await this.ports.createThread(req.workflowId, req.threadId);
    const run = await this.ports.createRun({
      id: randomUUID(),
      threadId,
      workflowId: req.workflowId,
      workflowVersion: v.version,
      input: req.input ?? {},
      ...(req.checkpointId !== undefined ? { forkedFrom: { checkpointId: req.checkpointId } } : {}),
    });
    if (breakpoints) this.breakpoints.set(run.id, breakpoints);
    this.launch(
      run,
      compiled.document,
      req.checkpointId !== undefined ? { continue: true, checkpointId: req.checkpointId } : { input: req.input ?? {} },
      true,
      breakpoints,
    );
    return { runId: run.id, threadId };
  }

  /** Run one superstep of a run paused at a breakpoint (or after a step), then pause again. */
  async step(runId: string): Promise<void> {
    const run = await this.pausedRun(runId);
    const v = await this.ports.getVersion(run.workflowId, run.workflowVersion);
    this.launch(run, v.document, { continue: true }, false, 'step');
  }

  /** Continue a paused run to its next breakpoint (or the end). */
  async continue(runId: string): Promise<void> {
    const run = await this.pausedRun(runId);
    const v = await this.ports.getVersion(run.workflowId, run.workflowVersion);
    this.launch(run, v.document, { continue: true }, false, await this.breakpointsOf(runId));
  }

  /** A debug run's breakpoints: kept in memory, read back from its stored trace after a restart. */
  private async breakpointsOf(runId: string): Promise<Breakpoints | undefined> {
    const known = this.breakpoints.get(runId);
    if (known) return known;
    const stored = await this.ports.breakpointsOf?.(runId);
    if (stored) this.breakpoints.set(runId, stored);
    return stored;
  }

  private async pausedRun(runId: string): Promise<RunRecord> {
    const run = await this.ports.getRun(runId);
    if (run.status !== 'interrupted' || this.active.has(runId))
      throw new FlowError('conflict', `Run ${runId} is ${run.status}, not paused`);
    if ((run.interrupts ?? []).length > 0)
      throw new FlowError(
        'conflict',
        `Run ${runId} is waiting for an answer to ${run.interrupts?.length} interrupt(s); resume it with the answer`,
      );
    return run;
  }

  async resume(runId: string, answer: { value?: unknown; byId?: Record<string, unknown> }): Promise<void> {
    const run = await this.ports.getRun(runId);
    if (run.status !== 'interrupted' || this.active.has(runId))
      throw new FlowError('conflict', `Run ${runId} is ${run.status}, not waiting for input`);
    const pending = new Set((run.interrupts ?? []).map((i) => i.id));
    if (answer.byId) {
      const stale = Object.keys(answer.byId).filter((id) => !pending.has(id));
      if (stale.length > 0)
        throw new FlowError('conflict', `Interrupt(s) ${stale.join(', ')} are not pending on run ${runId}`, {
          details: { pending: [...pending] },
        });
    }
    if (pending.size === 0)
      throw new FlowError(
        'conflict',
        `Run ${runId} is paused at a breakpoint, not waiting for input: step or continue it`,
      );
    const v = await this.ports.getVersion(run.workflowId, run.workflowVersion);
    this.launch(
      run,
      v.document,
      answer.byId ? { resumeById: answer.byId } : { resume: answer.value ?? null },
      false,
      await this.breakpointsOf(runId),
    );
  }

  async cancel(runId: string): Promise<void> {
    const a = this.active.get(runId);
    if (a) {
      a.controller.abort(new FlowError('cancelled', 'Cancelled by request'));
      await a.done;
      return;
    }
    const run = await this.ports.getRun(runId);
    if (run.status !== 'queued' && run.status !== 'interrupted')
      throw new FlowError('conflict', `Run ${runId} is ${run.status} and cannot be cancelled`);
    await this.finish(run, { status: 'cancelled', tokens: { input: 0, output: 0 } }, await this.eventWriter(run.id));
  }

  /** At start-up: continue runs a crash left unfinished from their last checkpoint, or fail them with the cause. */
  async recover(): Promise<{ resumed: string[]; failed: string[] }> {
    const resumed: string[] = [];
    const failed: string[] = [];
    for (const run of await this.ports.findUnfinished()) {
      try {
        const v = await this.ports.getVersion(run.workflowId, run.workflowVersion);
        const tuple = await this.ports.checkpointer.getTuple({ configurable: { thread_id: run.threadId } });
        this.launch(
          run,
          v.document,
          tuple ? { continue: true } : { input: isRecord(run.input) ? run.input : {} },
          !tuple,
        );
        resumed.push(run.id);
      } catch (err) {
        const info = toErrorInfo(err);
        await this.finish(
          run,
          {
            status: 'failed',
            error: { ...info, message: `Could not resume after an engine restart: ${info.message}` },
            tokens: { input: 0, output: 0 },
          },
          await this.eventWriter(run.id),
        );
        failed.push(run.id);
      }
    }
    return { resumed, failed };
  }

  /** Graceful shutdown: wait for runs in flight (they checkpoint every step); abort those still going after `timeoutMs`. */
  async drain(timeoutMs = 10_000): Promise<void> {
    const all = [...this.active.values()];
    const timer = new Promise<void>((r) => setTimeout(r, timeoutMs).unref());
    await Promise.race([Promise.all(all.map((a) => a.done)), timer]);
    for (const a of this.active.values()) a.controller.abort(new FlowError('cancelled', 'Engine shutting down'));
  }

  /** Wait for a run's current execution (tests, shutdown). */
  async settled(runId: string): Promise<void> {
    await this.active.get(runId)?.done;
  }

  /** The compiled graph of a workflow version, compiled (and validated) once; throws InvalidDocumentError. */
  private compiled(workflowId: string, version: number, document: unknown): Compiled {
    // The content hash guards against a deleted workflow re-created under the same id and version.
    const key = `${workflowId}\u0000${version}\u0000${createHash('sha1').update(JSON.stringify(document)).digest('base64')}`;
    const hit = this.compiledCache.get(key);
    if (hit) {
      this.compiledCache.delete(key);
      this.compiledCache.set(key, hit);
      return hit;
    }
    this.fallbackServices ??= scopedServices(createRunServices({ env: this.opts.env }));
    const compiled = compile(document, this.registry, this.fallbackServices, { checkpointer: this.ports.checkpointer });
    this.compiledCache.set(key, compiled);
    if (this.compiledCache.size > COMPILED_CACHE_SIZE) {
      const oldest = this.compiledCache.keys().next().value;
      if (oldest !== undefined) this.compiledCache.delete(oldest);
    }
    return compiled;
  }

  private launch(run: RunRecord, document: WorkflowDocument, mode: Mode, fresh: boolean, pausing?: Pausing): void {
    const controller = new AbortController();
    const done = this.execute(run, document, mode, fresh, controller.signal, pausing).finally(() =>
      this.active.delete(run.id),
    );
    this.active.set(run.id, { controller, done });
  }

  private async eventWriter(runId: string): Promise<EventWriter> {
    return new EventWriter(
      runId,
      await this.ports.lastSeq(runId),
      (events) => this.ports.appendEvents(events),
      this.opts.publish,
    );
  }

  private async execute(
    run: RunRecord,
    document: WorkflowDocument,
    mode: Mode,
    fresh: boolean,
    signal: AbortSignal,
    pausing?: Pausing,
  ): Promise<void> {
    let writer = await this.eventWriter(run.id);
    const t0 = performance.now();
    let outcome: RunOutcome;
    try {
      await this.ports.updateRun(run.id, { status: 'running', interrupts: [], paused: null });
      if (fresh) {
        writer.emit({
          type: 'run.started',
          threadId: run.threadId,
          workflowId: run.workflowId,
          input: run.input,
          ...('checkpointId' in mode && mode.checkpointId !== undefined ? { fromCheckpointId: mode.checkpointId } : {}),
          ...(pausing && pausing !== 'step' ? { breakpoints: pausing } : {}),
        });
      }
      const compiled = this.compiled(run.workflowId, run.workflowVersion, document);
      const services =
        this.runServices.get(run.id) ??
        (this.opts.services
          ? await this.opts.services(compiled.document)
          : createRunServices({ script: compiled.document.script, env: this.opts.env }));
      this.runServices.set(run.id, services);
      outcome = await executeRun({
        compiled,
        services,
        threadId: run.threadId,
        runId: run.id,
        signal,
        streamTokens: this.opts.streamTokens,
        onEvent: (body) => writer.emit(body),
        beforeCheckpoint: () => writer.flush(),
        ...(pausing === 'step'
          ? { interruptBefore: '*' as const }
          : pausing
            ? { interruptBefore: pausing.before, interruptAfter: pausing.after }
            : {}),
        ...('checkpointId' in mode && mode.checkpointId !== undefined ? { checkpointId: mode.checkpointId } : {}),
        ...('input' in mode
          ? { input: mode.input }
          : 'resume' in mode
            ? { resume: mode.resume }
            : 'resumeById' in mode
              ? { resumeById: mode.resumeById }
              : {}),
      });
      await writer.flush();
    } catch (err) {
      outcome = { status: 'failed', error: toErrorInfo(err), tokens: { input: 0, output: 0 } };
      // If storing the trace failed, record the failure with a writer that starts from what is stored.
      if (
        !(await writer.flush().then(
          () => true,
          () => false,
        ))
      )
        writer = await this.eventWriter(run.id);
    }
    await this.finish(run, outcome, writer, performance.now() - t0);
  }

  /** Record the outcome on the run, then store and publish its final event. */
  private async finish(run: RunRecord, outcome: RunOutcome, writer: EventWriter, durationMs = 0): Promise<void> {
    if (outcome.status !== 'interrupted') this.runServices.delete(run.id);
    switch (outcome.status) {
      case 'completed':
        this.breakpoints.delete(run.id);
        await this.ports.updateRun(run.id, { status: 'completed', output: outcome.output, tokens: outcome.tokens });
        writer.emit({ type: 'run.completed', output: outcome.output, durationMs, tokens: outcome.tokens });
        break;
      case 'interrupted':
        await this.ports.updateRun(run.id, {
          status: 'interrupted',
          interrupts: outcome.interrupts,
          paused: outcome.paused ?? null,
          tokens: outcome.tokens,
        });
        writer.emit({
          type: 'run.interrupted',
          interrupts: outcome.interrupts,
          ...(outcome.paused ? { paused: outcome.paused } : {}),
        });
        break;
      case 'failed':
        this.breakpoints.delete(run.id);
        await this.ports.updateRun(run.id, { status: 'failed', error: outcome.error, tokens: outcome.tokens });
        writer.emit({ type: 'run.failed', error: outcome.error, tokens: outcome.tokens });
        break;
      case 'cancelled':
        this.breakpoints.delete(run.id);
        await this.ports.updateRun(run.id, { status: 'cancelled', tokens: outcome.tokens });
        writer.emit({ type: 'run.cancelled', tokens: outcome.tokens });
        break;
    }
    await writer.flush();
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
