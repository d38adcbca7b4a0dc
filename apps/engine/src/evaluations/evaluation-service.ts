import { randomUUID } from 'node:crypto';
import type { EvaluatorRegistry } from '@flowcraft/node-types/evaluators';
import {
  type CaseResult,
  type Dataset,
  type DatasetBody,
  type Experiment,
  type ExperimentComparison,
  type ExperimentDetail,
  FlowError,
  type StartExperimentBody,
  type TestCase,
  type TestCaseBody,
  compareExperiments,
} from '@flowcraft/schema';
import type { EvaluationService, RunService, ThreadService } from '../http/deps.js';
import type { ExperimentQueue } from '../queue/experiment-queue.js';
import type { CaseQuery } from '../store/index.js';
import { ExperimentDriver, type ExperimentDriverDeps } from './experiment-driver.js';

export interface EvaluationServiceDeps extends Omit<ExperimentDriverDeps, 'runs' | 'threads'> {
  /** Reads of runs (a case from a run) and the driver's resume / cancel. */
  runs: RunService;
  threads: ThreadService;
  /**
   * The durable experiment queue: an experiment's job goes out with its rows and whichever worker
   * takes it drives it (`ExperimentWorker`). Absent: experiments are driven in this process.
   */
  queue?: ExperimentQueue;
  evaluators?: EvaluatorRegistry;
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

/**
 * Datasets, test cases and experiments. An experiment lives in the database (its row and one
 * result per case); `ExperimentDriver` starts every case as a normal run with bounded concurrency,
 * judges it with the evaluators and stores the verdict — in whichever worker takes the experiment's
 * job, or in this process when there is no queue. The runs stay visible and debuggable like any other.
 */
export class StoreEvaluationService implements EvaluationService {
  private readonly inFlight = new Map<string, Promise<void>>();
  readonly driver: ExperimentDriver;

  constructor(private readonly deps: EvaluationServiceDeps) {
    this.driver = new ExperimentDriver(deps);
  }

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

  /** Creates the experiment (its rows and its job, in one transaction); returns at once. */
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
    const queue = this.deps.queue;
    const experiment = await this.deps.experiments.create(
      {
        name: body.name ?? `${dataset.name} · v${version}`,
        workflowId: body.workflowId,
        workflowVersion: version,
        datasetId: dataset.id,
        concurrency: body.concurrency,
        cases: cases.map((c) => ({ id: c.id, name: c.name })),
      },
      queue ? (tx, id) => queue.enqueue(tx, id) : undefined,
    );
    if (!queue) this.driveHere(experiment.id);
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

  /**
   * Runs one case of an experiment again: a new run (started here, through the normal run path),
   * the case re-opened with it and the experiment's job sent in one transaction; the driver that
   * takes the job judges the run and stores the new verdict.
   */
  async rerunCase(experimentId: string, caseId: string): Promise<CaseResult | undefined> {
    const experiment = await this.deps.experiments.get(experimentId);
    const previous = await this.deps.experiments.result(experimentId, caseId);
    if (!experiment || !previous) return undefined;
    if (previous.status === 'running' || previous.status === 'pending')
      throw new FlowError('conflict', `Case ${caseId} is still running in this experiment`);
    const c = await this.deps.datasets.getCase(experiment.datasetId, caseId);
    if (!c) throw new FlowError('not_found', `Case ${caseId} no longer exists in the dataset`);
    const ids = { runId: randomUUID(), threadId: c.from?.threadId ?? randomUUID() };
    await this.deps.startRun({
      ...ids,
      workflowId: experiment.workflowId,
      version: experiment.workflowVersion,
      input: c.from ? {} : c.input,
      ...(c.from ? { checkpointId: c.from.checkpointId } : {}),
    });
    const queue = this.deps.queue;
    await this.deps.experiments.reopenCase(
      experimentId,
      caseId,
      ids,
      queue ? (tx) => queue.enqueue(tx, experimentId) : undefined,
    );
    if (!queue) this.driveHere(experimentId);
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

  /** No queue: the experiment is driven in this process (a drive already going picks re-opened cases up). */
  private driveHere(experimentId: string): void {
    const key = `${experimentId}:${randomUUID()}`;
    const p = this.driver
      .drive(experimentId)
      .then(() => undefined)
      .catch((err: unknown) => this.deps.logError?.(`experiment ${experimentId} failed`, err))
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
  }
}
