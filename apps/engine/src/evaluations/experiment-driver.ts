import { randomUUID } from 'node:crypto';
import type { ModelFactory } from '@flowcraft/node-types';
import {
  type EvaluationSubject,
  type EvaluatorRegistry,
  caseAssertions,
  evaluateCase,
} from '@flowcraft/node-types/evaluators';
import {
  type Experiment,
  FlowError,
  type Run,
  type TestCase,
  type TraceEvent,
  type TraceEventBody,
  WorkflowDocument,
  toErrorInfo,
} from '@flowcraft/schema';
import type { RunService as HttpRunService, ThreadService, WorkflowStore } from '../http/deps.js';
import type { DatasetsRepo, ExperimentsRepo } from '../store/index.js';

/** A case run's identity, chosen before the run is created so a resumed driver finds (or makes) the same run. */
export interface CaseRunIds {
  runId: string;
  threadId: string;
}

export interface ExperimentDriverDeps {
  datasets: DatasetsRepo;
  experiments: ExperimentsRepo;
  workflows: WorkflowStore;
  /** Creates a case's run through the normal run path (queued, executed by a worker) with the given ids. */
  startRun(req: {
    runId: string;
    workflowId: string;
    version: number;
    input: Record<string, unknown>;
    threadId: string;
    checkpointId?: string;
  }): Promise<CaseRunIds>;
  runs: Pick<HttpRunService, 'get' | 'resume' | 'cancel'>;
  threads: Pick<ThreadService, 'getState'>;
  events: {
    listAfter(runId: string, afterSeq: number, limit: number): Promise<TraceEvent[]>;
    /** Live events of runs executed in this process (wake the driver at once); absent → polling only. */
    subscribe?: (runId: string, listener: (event: TraceEvent) => void) => () => void;
  };
  /** Models for LLM judges (the workflow's script and routing). */
  judgeModels: (document: WorkflowDocument) => Promise<ModelFactory>;
  evaluators?: EvaluatorRegistry;
  /** This driver's id (`experiments.driver`). */
  owner: string;
  /** Seconds a claim holds without a heartbeat. */
  leaseSeconds: number;
  /** Longest wait between two looks at the case runs when no stop event arrives; default 250 ms. */
  pollMs?: number;
  /** A case whose run has not stopped after this long is cancelled and fails; default 10 min. */
  caseTimeoutMs?: number;
  /** Progress notifications at most this often per experiment; default 200 ms. */
  progressEveryMs?: number;
  logError?: (message: string, err: unknown) => void;
}

/** How a drive ended: every case judged, handed back (stop, lost lease), or held by another driver. */
export type DriveOutcome = 'completed' | 'handed_over' | 'not_claimed';

const STOPPED = new Set(['completed', 'failed', 'cancelled', 'interrupted']);
const STOP_EVENTS = new Set(['run.completed', 'run.failed', 'run.cancelled', 'run.interrupted']);
/** Human pauses answered per case at most this many times in one drive (a loop of approvals ends the case). */
const MAX_RESUMES = 20;

/** What judging a case reads beyond the run row: its trace, the thread's final state, a judge model. */
function caseNeeds(c: TestCase): { events: boolean; state: boolean; judge: boolean } {
  const list = caseAssertions(c);
  const any = (test: (a: (typeof list)[number]) => boolean) => list.some(test);
  return {
    events: any((a) => ['node_ran', 'node_not_ran', 'branch_taken', 'limits', 'jsonata', 'custom'].includes(a.type)),
    state: any((a) => ('target' in a && a.target === 'state') || a.type === 'jsonata' || a.type === 'custom'),
    judge: any((a) => a.type === 'llm_judge'),
  };
}

interface InFlight {
  c: TestCase;
  runId: string;
  since: number;
  resumes: number;
  sawStop: boolean;
  unsubscribe: () => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Drives one experiment from its stored state: claims it (driver + lease), starts every pending
 * case as a normal run with at most `concurrency` in flight, re-attaches to case runs a previous
 * driver created (their ids are stored before the run is), skips cases already judged, judges each
 * stopped run and stores the verdict, and marks the experiment completed once no case is left.
 * Idempotent: any number of drives of the same experiment, one after another or racing, judge each
 * case once per attempt; the lease decides which one works.
 */
export class ExperimentDriver {
  constructor(private readonly deps: ExperimentDriverDeps) {}

  async drive(experimentId: string, signal?: AbortSignal): Promise<DriveOutcome> {
    const { experiments, owner, leaseSeconds } = this.deps;
    if (!(await experiments.claim(experimentId, owner, leaseSeconds))) return 'not_claimed';
    const experiment = await experiments.get(experimentId);
    if (!experiment) return 'not_claimed';
    const stored = await this.deps.workflows.getVersion(experiment.workflowId, experiment.workflowVersion);
    const parsed = stored ? WorkflowDocument.safeParse(stored.document) : undefined;
    const document = parsed?.success ? parsed.data : undefined;
    const progress = this.progress(experimentId);
    const run = new Drive(this.deps, experiment, document, progress.changed, signal);
    try {
      return await run.go();
    } finally {
      await progress.flush();
    }
  }

  /** Coalesced progress notifications (NOTIFY) of one experiment. */
  private progress(experimentId: string): { changed: () => void; flush: () => Promise<void> } {
    const every = this.deps.progressEveryMs ?? 200;
    let timer: NodeJS.Timeout | undefined;
    const send = () =>
      this.deps.experiments
        .notifyProgress(experimentId)
        .catch((err: unknown) => this.deps.logError?.(`experiment ${experimentId}: progress notification failed`, err));
    return {
      changed: () => {
        if (timer) return;
        timer = setTimeout(() => {
          timer = undefined;
          void send();
        }, every);
      },
      flush: async () => {
        if (timer) clearTimeout(timer);
        timer = undefined;
        await send();
      },
    };
  }
}

/** One drive of one experiment (the state of the loop). */
class Drive {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly judging = new Set<Promise<void>>();
  private pending: TestCase[] = [];
  /**
   * Threads with a case run in flight or being judged: a case continuing a stored checkpoint waits
   * until its thread is free (one run per thread; judging reads the thread's final state).
   */
  private readonly busyThreads = new Map<string, number>();
  private wake: () => void = () => {};
  private readonly pollMs: number;

  constructor(
    private readonly deps: ExperimentDriverDeps,
    private readonly experiment: Experiment,
    private readonly document: WorkflowDocument | undefined,
    private readonly changed: () => void,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.pollMs = deps.pollMs ?? 250;
  }

  async go(): Promise<DriveOutcome> {
    const { experiments } = this.deps;
    const id = this.experiment.id;
    const onAbort = () => this.wake();
    this.signal?.addEventListener('abort', onAbort);
    try {
      await this.load();
      for (;;) {
        if (this.signal?.aborted) return await this.handOver();
        await this.fill();
        if (this.inFlight.size === 0 && this.pending.length === 0) {
          await Promise.all([...this.judging]);
          if (await experiments.complete(id)) {
            this.changed();
            return 'completed';
          }
          // A case was re-opened meanwhile (a re-run): pick it up.
          await this.load();
          if (this.inFlight.size === 0 && this.pending.length === 0) await sleep(this.pollMs);
          continue;
        }
        await this.waitForStops();
        await this.look();
      }
    } finally {
      this.signal?.removeEventListener('abort', onAbort);
      for (const f of this.inFlight.values()) f.unsubscribe();
    }
  }

  /** Reads the stored results: pending cases to start, running ones to re-attach to (or to create their run). */
  private async load(): Promise<void> {
    const { experiments, datasets } = this.deps;
    const results = await experiments.results(this.experiment.id);
    const open = results.filter(
      (r) => (r.status === 'pending' || r.status === 'running') && !this.inFlight.has(r.runId ?? ''),
    );
    if (open.length === 0) return;
    const cases = new Map((await datasets.listCases(this.experiment.datasetId)).map((c) => [c.id, c]));
    const running = open.filter((r) => r.status === 'running' && r.runId && r.threadId);
    const exists = await experiments.runStatuses(running.map((r) => r.runId as string));
    const queued = new Set(this.pending.map((c) => c.id));
    for (const r of open) {
      const c = cases.get(r.caseId);
      if (!c) {
        await this.fail(
          r.caseId,
          new FlowError('not_found', 'the case no longer exists in the dataset'),
          'could not start the run',
        );
        continue;
      }
      if (r.status === 'pending' || !r.runId || !r.threadId) {
        if (!queued.has(c.id)) this.pending.push(c);
        continue;
      }
      const ids = { runId: r.runId, threadId: r.threadId };
      // The previous driver stored the ids and died before creating the run: create it now.
      if (!exists.has(r.runId) && !(await this.create(c, ids))) continue;
      this.attach(c, r.runId);
    }
  }

  /** Starts pending cases until `concurrency` runs are in flight (the new ones at once, not one after another). */
  private async fill(): Promise<void> {
    const batch: TestCase[] = [];
    const threads = new Set<string>();
    while (this.inFlight.size + batch.length < this.experiment.concurrency && !this.signal?.aborted) {
      const next = this.pending.findIndex(
        (p) => !p.from || (!this.busyThreads.has(p.from.threadId) && !threads.has(p.from.threadId)),
      );
      if (next < 0) break;
      const [c] = this.pending.splice(next, 1) as [TestCase];
      if (c.from) threads.add(c.from.threadId);
      batch.push(c);
    }
    await Promise.all(batch.map((c) => this.startCase(c)));
  }

  private async startCase(c: TestCase): Promise<void> {
    const ids = { runId: randomUUID(), threadId: c.from?.threadId ?? randomUUID() };
    try {
      // The ids are stored first: a driver that dies before the run exists leaves the next one
      // enough to create exactly this run (and not a second one).
      await this.deps.experiments.caseStarted(this.experiment.id, c.id, ids);
    } catch (err) {
      await this.fail(c.id, err, 'could not start the run');
      return;
    }
    this.changed();
    if (await this.create(c, ids)) this.attach(c, ids.runId);
  }

  /** Creates the case's run (retrying while its source thread is busy with another run); `false` when it failed. */
  private async create(c: TestCase, ids: CaseRunIds): Promise<boolean> {
    const req = {
      runId: ids.runId,
      threadId: ids.threadId,
      workflowId: this.experiment.workflowId,
      version: this.experiment.workflowVersion,
      input: c.from ? {} : c.input,
      ...(c.from ? { checkpointId: c.from.checkpointId } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      try {
        await this.deps.startRun(req);
        return true;
      } catch (err) {
        // Two experiments continuing the same checkpoint: one run per thread at a time.
        if (err instanceof FlowError && err.code === 'conflict' && c.from && attempt < 60 && !this.signal?.aborted) {
          await sleep(500);
          continue;
        }
        await this.fail(c.id, err, 'could not start the run');
        return false;
      }
    }
  }

  private attach(c: TestCase, runId: string): void {
    const entry: InFlight = { c, runId, since: Date.now(), resumes: 0, sawStop: false, unsubscribe: () => {} };
    entry.unsubscribe =
      this.deps.events.subscribe?.(runId, (e) => {
        if (!STOP_EVENTS.has(e.type)) return;
        entry.sawStop = true;
        this.wake();
      }) ?? (() => {});
    this.inFlight.set(runId, entry);
    if (c.from) this.busyThreads.set(c.from.threadId, (this.busyThreads.get(c.from.threadId) ?? 0) + 1);
  }

  private freeThread(c: TestCase): void {
    if (!c.from) return;
    const n = (this.busyThreads.get(c.from.threadId) ?? 1) - 1;
    if (n > 0) this.busyThreads.set(c.from.threadId, n);
    else this.busyThreads.delete(c.from.threadId);
  }

  /** Until a run in flight publishes its stop event here, the poll interval passes, or the drive is stopped. */
  private async waitForStops(): Promise<void> {
    const soon = [...this.inFlight.values()].some((f) => f.sawStop);
    await new Promise<void>((resolve) => {
      // The stop event can be published just before the run row's final transition: look again soon.
      const timer = setTimeout(resolve, soon ? 10 : this.pollMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = () => {};
        resolve();
      };
    });
  }

  /** One query for every run in flight; stopped ones are resumed (a case's `resume`) or judged. */
  private async look(): Promise<void> {
    const statuses = await this.deps.experiments.runStatuses([...this.inFlight.keys()]);
    const now = Date.now();
    const stopped: InFlight[] = [];
    for (const [runId, f] of [...this.inFlight]) {
      const status = statuses.get(runId);
      if (status === undefined) {
        this.drop(f);
        await this.fail(f.c.id, new Error(`run ${runId} disappeared`), 'could not evaluate the run');
      } else if (STOPPED.has(status)) {
        stopped.push(f);
      } else if (now - f.since > (this.deps.caseTimeoutMs ?? 600_000)) {
        this.drop(f);
        await this.deps.runs.cancel(runId, 'evaluation case timed out').catch(() => undefined);
        await this.fail(f.c.id, new Error(`run ${runId} did not finish in time`), 'could not evaluate the run');
      }
    }
    await Promise.all(stopped.map((f) => this.stopped(f)));
  }

  /** A stopped case run: answer its human pause with the case's `resume`, or judge it (off the lanes). */
  private async stopped(f: InFlight): Promise<void> {
    f.sawStop = false;
    const run = await this.deps.runs.get(f.runId);
    if (!run) return;
    if (
      run.status === 'interrupted' &&
      run.interrupts.length > 0 &&
      f.c.resume !== undefined &&
      f.resumes < MAX_RESUMES
    ) {
      f.resumes++;
      const answers = Object.fromEntries(run.interrupts.map((x) => [x.id, f.c.resume]));
      try {
        await this.deps.runs.resume(f.runId, { answers });
      } catch (err) {
        this.drop(f);
        await this.fail(f.c.id, err, 'could not resume the run');
      }
      return;
    }
    f.unsubscribe();
    this.inFlight.delete(f.runId);
    const p = this.judge(f.c, run).finally(() => {
      this.judging.delete(p);
      this.freeThread(f.c);
      this.wake();
    });
    this.judging.add(p);
  }

  private drop(f: InFlight): void {
    f.unsubscribe();
    this.inFlight.delete(f.runId);
    this.freeThread(f.c);
  }

  /** Stopping: stop starting cases, store the verdicts being judged, free the experiment with a new job. */
  private async handOver(): Promise<DriveOutcome> {
    await Promise.all([...this.judging]);
    return 'handed_over';
  }

  /** Judges a stopped run with the case's assertions and stores the verdict. */
  private async judge(c: TestCase, run: Run): Promise<void> {
    try {
      const needs = caseNeeds(c);
      const subject = await this.subject(run, needs);
      const models = this.document && needs.judge ? await this.deps.judgeModels(this.document) : undefined;
      const verdict = await evaluateCase(c, subject, models ? { models } : {}, this.deps.evaluators);
      await this.deps.experiments.caseFinished(this.experiment.id, c.id, {
        status: verdict.pass ? 'passed' : 'failed',
        runStatus: run.status,
        score: verdict.score,
        reason: verdict.reason,
        results: verdict.results,
        costUsd: run.tokens.costUsd ?? 0,
        tokens: run.tokens.input + run.tokens.output,
        durationMs: subject.durationMs,
        error: run.error,
      });
      this.changed();
    } catch (err) {
      await this.fail(c.id, err, 'could not evaluate the run');
    }
  }

  private async subject(run: Run, needs: { events: boolean; state: boolean }): Promise<EvaluationSubject> {
    const events: TraceEventBody[] = [];
    for (let after = 0; needs.events; ) {
      const page = await this.deps.events.listAfter(run.id, after, 1000);
      for (const e of page) if (e.type !== 'model.token') events.push(e);
      if (page.length < 1000) break;
      after = page[page.length - 1]?.seq ?? after;
    }
    const state = needs.state ? await this.deps.threads.getState(run.threadId) : undefined;
    const started = run.startedAt ? Date.parse(run.startedAt) : Date.parse(run.createdAt);
    const finished = run.finishedAt ? Date.parse(run.finishedAt) : started;
    const status = run.status === 'queued' || run.status === 'running' ? 'interrupted' : run.status;
    return {
      status,
      output: run.output,
      state: state?.values ?? {},
      events,
      durationMs: Math.max(0, finished - started),
      tokens: run.tokens,
      error: run.error,
      ...(this.document ? { edges: this.document.edges } : {}),
    };
  }

  private async fail(caseId: string, err: unknown, what: string): Promise<void> {
    await failCase(this.deps, this.experiment.id, caseId, err, what);
    this.changed();
  }
}

/** Stores a case as failed with the reason (a run that could not start or be judged). */
export async function failCase(
  deps: Pick<ExperimentDriverDeps, 'experiments' | 'logError'>,
  experimentId: string,
  caseId: string,
  err: unknown,
  what: string,
): Promise<void> {
  const error = toErrorInfo(err);
  await deps.experiments
    .caseFinished(experimentId, caseId, {
      status: 'failed',
      runStatus: null,
      score: 0,
      reason: `${what}: ${error.message}`,
      results: [],
      costUsd: null,
      tokens: null,
      durationMs: null,
      error,
    })
    .catch((e: unknown) => deps.logError?.(`experiment ${experimentId}: storing case ${caseId} failed`, e));
}
