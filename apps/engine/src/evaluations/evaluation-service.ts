import type { ModelFactory } from '@flowcraft/node-types';
import {
  type EvaluationSubject,
  type EvaluatorRegistry,
  caseAssertions,
  evaluateCase,
} from '@flowcraft/node-types/evaluators';
import {
  type CaseResult,
  type Dataset,
  type DatasetBody,
  type Experiment,
  type ExperimentComparison,
  type ExperimentDetail,
  FlowError,
  type Run,
  type StartExperimentBody,
  type TestCase,
  type TestCaseBody,
  type TraceEvent,
  type TraceEventBody,
  WorkflowDocument,
  compareExperiments,
  toErrorInfo,
} from '@flowcraft/schema';
import type { EvaluationService, RunService, ThreadService, WorkflowStore } from '../http/deps.js';
import type { CaseQuery, DatasetsRepo, ExperimentsRepo } from '../store/index.js';
import { forEachLimit } from './pool.js';
import { waitForRun } from './wait-for-run.js';

export interface EvaluationServiceDeps {
  datasets: DatasetsRepo;
  experiments: ExperimentsRepo;
  workflows: WorkflowStore;
  /** Runs are started through the run service (so they are queued, visible and accounted like any run). */
  runs: RunService;
  threads: ThreadService;
  events: {
    listAfter(runId: string, afterSeq: number, limit: number): Promise<TraceEvent[]>;
    subscribe?: (runId: string, listener: (event: TraceEvent) => void) => () => void;
  };
  /** Models for LLM judges (the workflow's script and routing). */
  judgeModels: (document: WorkflowDocument) => Promise<ModelFactory>;
  evaluators?: EvaluatorRegistry;
  /** Polling interval when no stop event arrives (runs in another process); default 1 s. */
  pollMs?: number;
  /** A case whose run has not stopped after this long is cancelled and fails; default 10 min. */
  caseTimeoutMs?: number;
  logError?: (message: string, err: unknown) => void;
}

/** What "Save as test case" sends: a run, optionally one of its thread's checkpoints, and what to check. */
export interface CaseFromRun {
  runId: string;
  checkpointId?: string;
  name: string;
  tags?: string[];
  /** Store the run's output as the expected output (default true when the run completed). */
  expectOutput?: boolean;
  assertions?: TestCaseBody['assertions'];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/**
 * Datasets, test cases and experiments. An experiment starts every case as a normal run through
 * the run service with bounded concurrency, waits for it, judges it with the evaluators and
 * stores the verdict; the runs stay visible and debuggable like any other.
 */
export class StoreEvaluationService implements EvaluationService {
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly deps: EvaluationServiceDeps) {}

  // ---- datasets and cases ----

  createDataset(body: DatasetBody): Promise<Dataset> {
    return this.deps.datasets.create(body);
  }
  listDatasets(workflowId?: string): Promise<Dataset[]> {
    return this.deps.datasets.list(workflowId);
  }
  getDataset(id: string): Promise<Dataset | undefined> {
    return this.deps.datasets.get(id);
  }
  updateDataset(id: string, patch: { name?: string; description?: string }): Promise<Dataset | undefined> {
    return this.deps.datasets.update(id, patch);
  }
  deleteDataset(id: string): Promise<boolean> {
    return this.deps.datasets.delete(id);
  }
  async listCases(datasetId: string, query: CaseQuery = {}): Promise<TestCase[] | undefined> {
    if (!(await this.deps.datasets.get(datasetId))) return undefined;
    return this.deps.datasets.listCases(datasetId, query);
  }
  addCases(datasetId: string, bodies: TestCaseBody[]): Promise<TestCase[] | undefined> {
    return this.deps.datasets.addCases(datasetId, bodies);
  }
  getCase(datasetId: string, caseId: string): Promise<TestCase | undefined> {
    return this.deps.datasets.getCase(datasetId, caseId);
  }
  updateCase(datasetId: string, caseId: string, body: TestCaseBody): Promise<TestCase | undefined> {
    return this.deps.datasets.updateCase(datasetId, caseId, body);
  }
  async deleteCase(datasetId: string, caseId: string): Promise<boolean> {
    return (await this.deps.datasets.deleteCases(datasetId, [caseId])) > 0;
  }

  /**
   * A test case from a run: its input (a finished run), or its thread at a checkpoint (a debugger
   * checkpoint, an edited fork — the case then continues from exactly that state). A run that was
   * itself a fork is saved as continuing from the checkpoint it forked. `undefined` when the
   * dataset or run does not exist.
   */
  async caseFromRun(datasetId: string, req: CaseFromRun): Promise<TestCase | undefined> {
    const dataset = await this.deps.datasets.get(datasetId);
    const run = await this.deps.runs.get(req.runId);
    if (!dataset || !run) return undefined;
    if (run.workflowId !== dataset.workflowId)
      throw new FlowError(
        'invalid_request',
        `Run ${run.id} belongs to workflow ${run.workflowId}, not ${dataset.workflowId}`,
      );
    let from: TestCaseBody['from'];
    let kind: TestCaseBody['source']['kind'] = 'run';
    if (req.checkpointId) {
      const state = await this.deps.threads.getStateAt(run.threadId, req.checkpointId);
      if (!state)
        throw new FlowError('not_found', `Checkpoint ${req.checkpointId} not found on thread ${run.threadId}`);
      from = { threadId: run.threadId, checkpointId: req.checkpointId };
      kind = state.source === 'update' ? 'fork' : 'checkpoint';
    } else if (run.forkedFrom) {
      from = { threadId: run.forkedFrom.threadId, checkpointId: run.forkedFrom.checkpointId };
      kind = 'fork';
    }
    const expectOutput = req.expectOutput ?? (run.status === 'completed' && !req.checkpointId);
    const body: TestCaseBody = {
      name: req.name,
      tags: req.tags ?? [],
      input: from ? {} : run.input,
      ...(from ? { from } : {}),
      ...(expectOutput && run.output ? { expected: run.output } : {}),
      assertions: req.assertions ?? [],
      source: {
        kind,
        runId: run.id,
        threadId: run.threadId,
        ...(req.checkpointId ? { checkpointId: req.checkpointId } : {}),
      },
    };
    const [created] = (await this.deps.datasets.addCases(datasetId, [body])) ?? [];
    return created;
  }

  // ---- experiments ----

  /** Creates the experiment and starts its cases in the background; returns at once. */
  async start(body: StartExperimentBody): Promise<Experiment> {
    const dataset = await this.deps.datasets.get(body.datasetId);
    if (!dataset) throw new FlowError('not_found', `Dataset ${body.datasetId} not found`);
    if (dataset.workflowId !== body.workflowId)
      throw new FlowError('invalid_request', `Dataset ${dataset.id} belongs to workflow ${dataset.workflowId}`);
    const workflow = await this.deps.workflows.get(body.workflowId);
    if (!workflow) throw new FlowError('not_found', `Workflow ${body.workflowId} not found`);
    const version = body.version ?? workflow.version;
    const stored = await this.deps.workflows.getVersion(body.workflowId, version);
    if (!stored) throw new FlowError('not_found', `Workflow ${body.workflowId} has no version ${version}`);
    if (!stored.valid) throw new FlowError('invalid_document', `Version ${version} of the workflow is not valid`);
    const cases = await this.deps.datasets.listCases(dataset.id, body.tags ? { tags: body.tags } : {});
    if (cases.length === 0) throw new FlowError('invalid_request', 'The dataset has no cases (with these tags)');
    const experiment = await this.deps.experiments.create({
      name: body.name ?? `${dataset.name} · v${version}`,
      workflowId: body.workflowId,
      workflowVersion: version,
      datasetId: dataset.id,
      concurrency: body.concurrency,
      cases: cases.map((c) => ({ id: c.id, name: c.name })),
    });
    this.track(experiment.id, async () => {
      const document = WorkflowDocument.safeParse(stored.document);
      // A lane is held while its case's run is in flight; judging happens outside the limit, so
      // `concurrency` runs stay in flight as with the same runs started through POST /v1/runs.
      const judging: Promise<void>[] = [];
      await forEachLimit(cases, body.concurrency, async (c) => {
        const stopped = await this.runCase(experiment, c);
        if (stopped) judging.push(this.judge(experiment, c, stopped, document.success ? document.data : undefined));
      });
      await Promise.all(judging);
    });
    return experiment;
  }

  listExperiments(filter: { datasetId?: string; workflowId?: string }): Promise<Experiment[]> {
    return this.deps.experiments.list(filter);
  }

  async getExperiment(id: string): Promise<ExperimentDetail | undefined> {
    const experiment = await this.deps.experiments.get(id);
    if (!experiment) return undefined;
    return { ...experiment, results: await this.deps.experiments.results(id) };
  }

  /** Runs one case of an experiment again (a new run); the stored verdict is replaced when it ends. */
  async rerunCase(experimentId: string, caseId: string): Promise<CaseResult | undefined> {
    const experiment = await this.deps.experiments.get(experimentId);
    const previous = await this.deps.experiments.result(experimentId, caseId);
    if (!experiment || !previous) return undefined;
    if (previous.status === 'running' || previous.status === 'pending')
      throw new FlowError('conflict', `Case ${caseId} is still running in this experiment`);
    const c = await this.deps.datasets.getCase(experiment.datasetId, caseId);
    if (!c) throw new FlowError('not_found', `Case ${caseId} no longer exists in the dataset`);
    const stored = await this.deps.workflows.getVersion(experiment.workflowId, experiment.workflowVersion);
    const document = stored ? WorkflowDocument.safeParse(stored.document) : undefined;
    await this.deps.experiments.setStatus(experimentId, 'running');
    // Marked running before returning, so a second re-run request is refused.
    const handle = await this.startCaseRun(experiment, c);
    this.track(`${experimentId}:${caseId}`, () =>
      this.finishCase(experiment, c, handle, document?.success ? document.data : undefined),
    );
    return this.deps.experiments.result(experimentId, caseId);
  }

  async compare(baseId: string, headId: string): Promise<ExperimentComparison | undefined> {
    const [base, head] = await Promise.all([this.deps.experiments.get(baseId), this.deps.experiments.get(headId)]);
    if (!base || !head) return undefined;
    const [b, h] = await Promise.all([this.deps.experiments.results(baseId), this.deps.experiments.results(headId)]);
    return compareExperiments(base, b, head, h);
  }

  /** Resolves when nothing started by this service is still running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  // ---- internals ----

  private track(key: string, work: () => Promise<void>): void {
    const experimentId = key.split(':')[0] ?? key;
    const p = (async () => {
      try {
        await work();
      } catch (err) {
        this.deps.logError?.(`experiment ${experimentId} failed`, err);
      } finally {
        this.inFlight.delete(key);
        const others = [...this.inFlight.keys()].some((k) => k === experimentId || k.startsWith(`${experimentId}:`));
        if (!others) await this.deps.experiments.setStatus(experimentId, 'completed').catch(() => {});
      }
    })();
    this.inFlight.set(key, p);
  }

  /** Starts the case's run and waits for it to stop; `undefined` when it failed (the case is then stored as failed). */
  private async runCase(experiment: Experiment, c: TestCase): Promise<Run | undefined> {
    let handle: { runId: string; threadId: string } | undefined;
    try {
      handle = await this.startCaseRun(experiment, c);
    } catch (err) {
      await this.fail(experiment.id, c.id, err, 'could not start the run');
      return undefined;
    }
    try {
      return await this.settle(handle.runId, c);
    } catch (err) {
      await this.fail(experiment.id, c.id, err, 'could not evaluate the run');
      return undefined;
    }
  }

  /** Starts the case's run (retrying while its source thread is busy with another run) and marks it running. */
  private async startCaseRun(experiment: Experiment, c: TestCase): Promise<{ runId: string; threadId: string }> {
    const body = {
      workflowId: experiment.workflowId,
      version: experiment.workflowVersion,
      input: c.from ? {} : c.input,
      ...(c.from ? { threadId: c.from.threadId, checkpointId: c.from.checkpointId } : {}),
      metadata: { experimentId: experiment.id, caseId: c.id },
    };
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await this.deps.runs.start(body);
        await this.deps.experiments.caseStarted(experiment.id, c.id, handle);
        return handle;
      } catch (err) {
        // Two experiments continuing the same checkpoint: one run per thread at a time.
        if (!(err instanceof FlowError && err.code === 'conflict' && c.from && attempt < 60)) throw err;
        await sleep(500);
      }
    }
  }

  private async finishCase(
    experiment: Experiment,
    c: TestCase,
    handle: { runId: string; threadId: string },
    document: WorkflowDocument | undefined,
  ): Promise<void> {
    let run: Run;
    try {
      run = await this.settle(handle.runId, c);
    } catch (err) {
      await this.fail(experiment.id, c.id, err, 'could not evaluate the run');
      return;
    }
    await this.judge(experiment, c, run, document);
  }

  /** Judges a stopped run with the case's assertions and stores the verdict. */
  private async judge(
    experiment: Experiment,
    c: TestCase,
    run: Run,
    document: WorkflowDocument | undefined,
  ): Promise<void> {
    try {
      const needs = caseNeeds(c);
      const subject = await this.subject(run, document, needs);
      const models = document && needs.judge ? await this.deps.judgeModels(document) : undefined;
      const verdict = await evaluateCase(c, subject, models ? { models } : {}, this.deps.evaluators);
      await this.deps.experiments.caseFinished(experiment.id, c.id, {
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
    } catch (err) {
      await this.fail(experiment.id, c.id, err, 'could not evaluate the run');
    }
  }

  /** Waits for the run to stop; answers its human pauses with the case's `resume` value. */
  private async settle(runId: string, c: TestCase): Promise<Run> {
    const opts = { pollMs: this.deps.pollMs ?? 1000, timeoutMs: this.deps.caseTimeoutMs ?? 600_000 };
    const watch = {
      get: (id: string) => this.deps.runs.get(id),
      ...(this.deps.events.subscribe ? { subscribe: this.deps.events.subscribe } : {}),
    };
    let run: Run;
    try {
      run = await waitForRun(watch, runId, opts);
      for (
        let i = 0;
        i < 20 && run.status === 'interrupted' && run.interrupts.length > 0 && c.resume !== undefined;
        i++
      ) {
        const answers = Object.fromEntries(run.interrupts.map((x) => [x.id, c.resume]));
        await this.deps.runs.resume(runId, { answers });
        run = await waitForRun(watch, runId, opts);
      }
    } catch (err) {
      await this.deps.runs.cancel(runId, 'evaluation case timed out').catch(() => undefined);
      throw err;
    }
    return run;
  }

  private async subject(
    run: Run,
    document: WorkflowDocument | undefined,
    needs: { events: boolean; state: boolean },
  ): Promise<EvaluationSubject> {
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
      ...(document ? { edges: document.edges } : {}),
    };
  }

  private async fail(experimentId: string, caseId: string, err: unknown, what: string): Promise<void> {
    const error = toErrorInfo(err);
    await this.deps.experiments
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
      .catch((e: unknown) => this.deps.logError?.(`experiment ${experimentId}: storing case ${caseId} failed`, e));
  }
}
