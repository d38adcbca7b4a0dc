import type { NodeCatalog, NodeTypeDescription, Problem, QueueStatus } from '@flowcraft/schema';
import type { EventLog } from '../realtime/event-log.js';
import type { AuthMode, ExperimentProgress } from '@flowcraft/schema';
import type { AccessService } from '../access/access-service.js';
import type { RateLimits } from './auth/access-control.js';
import type { HttpMetrics } from './auth/observe.js';
import type {
  AddDocumentBody,
  AddDocumentResult,
  CreateKnowledgeBaseBody,
  KnowledgeBase,
  KnowledgeDocument,
  KnowledgeQueryBody,
  KnowledgeQueryResult,
  MemoryItem,
} from '@flowcraft/schema';
import type { JsonLimits } from './guard/json-limits.js';
import type { Page, PageQuery } from './schemas/common.js';
import type { ListRunsQuery, ResumeRunBody, Run, RunHandle, StartRunBody } from './schemas/run.js';
import type { McpServerStatus, McpToolList } from './schemas/mcp.js';
import type { ModelProvider } from './schemas/models.js';
import type { SecretInfo } from './schemas/secrets.js';
import type { Template } from './schemas/template.js';
import type { UsageDimension, UsageRow } from './schemas/usage.js';
import type {
  RerunBody,
  RunComparison,
  RunEventsPage,
  RunEventsQuery,
  StateDiff,
  UpdateStateBody,
} from './schemas/debug.js';
import type { HistoryQuery, ThreadState } from './schemas/thread.js';
import type {
  Assertion,
  CaseResult,
  Dataset,
  DatasetBody,
  Experiment,
  ExperimentComparison,
  ExperimentDetail,
  StartExperimentBody,
  TestCase,
  TestCaseBody,
} from '@flowcraft/schema';
import type {
  DraftDocument,
  ListWorkflowsQuery,
  Workflow,
  WorkflowSummary,
  WorkflowVersion,
  WorkflowVersionSummary,
} from './schemas/workflow.js';

/**
 * What the HTTP routes need. Implemented by the store's repositories and the runs service; the
 * in-memory fakes in `testing/` implement it for tests.
 *
 * Conventions: a lookup of something that does not exist returns `undefined` (or `false`), and the
 * route answers 404; a refused change throws `FlowError` with a stable code (`conflict`,
 * `invalid_document`, `invalid_input`, `invalid_request`), which the error mapper turns into a
 * problem response. Anything else thrown is a 500 and is logged.
 */
export interface HttpDeps {
  registry: NodeTypeSource;
  workflows: WorkflowStore;
  runs: RunService;
  threads: ThreadService;
  /** Id for a new workflow whose document brings no usable id. Default: a random UUID. */
  newWorkflowId?: () => string;
  /** Readiness checks for `GET /v1/health` (e.g. `{ database: true }`); a false or a throw → 503. */
  health?: () => Promise<Record<string, boolean>>;
  /** Debugger operations (stepping, events, compare, edit-and-fork, rerun); absent → those routes answer 404. */
  debug?: DebugService;
  /** Example workflows offered as templates; absent → an empty list. */
  templates?: () => Promise<Template[]>;
  /** Receives unexpected errors (500s). Default: `console.error`. */
  logger?: Logger;
  /** Model providers the engine can call (`GET /v1/models`); absent → an empty list. */
  models?: () => Promise<ModelProvider[]>;
  /** Stored secrets, encrypted at rest; absent (no FLOWCRAFT_SECRET_KEY) → `/v1/secrets` answers 422. */
  secrets?: SecretService;
  /** The engine's MCP servers; absent → none. */
  mcp?: McpService;
  /** The durable run queue (`GET /v1/queue`): depth, oldest wait, live workers; absent → 404. */
  queue?: () => Promise<QueueStatus>;
  /** Users, sessions, API keys and the audit log; absent → no audit log, no users (AUTH_MODE=users needs it). */
  access?: AccessService;
  /** Readiness checks for `GET /v1/ready` (database, migrations, queue); absent → `health`. */
  ready?: () => Promise<Record<string, boolean>>;
  /** Prometheus metrics of this process (`GET /metrics`); absent → 404. */
  metrics?: MetricsSource;
  /** Token and cost accounting; absent → no rows. */
  usage?: (query: UsageFilter) => Promise<UsageRow[]>;
  /**
   * The runs' stored trace events, replayed after a seq and then live (the LangGraph Agent Server
   * API's SSE streams and the MCP server read runs through it); absent → those adapters are off.
   */
  eventLog?: EventLog;
  /** Thread records (create, look up, search, metadata) for the Agent Server API; absent → it is off. */
  threadRecords?: ThreadRecords;
  /** Long-term memory (inspect and erase); absent → `/v1/memory` answers 404. */
  memory?: MemoryService;
  /** Knowledge bases; absent → `/v1/knowledge` answers 404. */
  knowledge?: KnowledgeService;
  /** Datasets, test cases and experiments; absent → those routes answer 404. */
  evaluations?: EvaluationService;
}

/** A thread as a record: its id, the workflow it was bound to (if any) and its metadata. */
export interface ThreadRecord {
  id: string;
  workflowId: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
}

/** Threads as records, independent of their checkpoints. */
export interface ThreadRecords {
  /** Throws `FlowError('conflict')` when the id is taken. */
  create(input: { id?: string; metadata?: Record<string, unknown> }): Promise<ThreadRecord>;
  get(id: string): Promise<ThreadRecord | undefined>;
  /** Newest first; `metadata` matches by containment. */
  search(query: {
    metadata?: Record<string, unknown>;
    ids?: string[];
    limit: number;
    offset: number;
  }): Promise<ThreadRecord[]>;
  /** Merges `metadata` into the thread's; `undefined` when the thread does not exist. */
  mergeMetadata(id: string, metadata: Record<string, unknown>): Promise<ThreadRecord | undefined>;
}

export interface MetricsSource extends HttpMetrics {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/** Long-term memory as the API sees it: namespaces are label lists. */
export interface MemoryService {
  listNamespaces(opts: { prefix?: string[]; maxDepth?: number; limit: number }): Promise<string[][]>;
  /** Items in the namespace and below, newest first (or by similarity to `query`). */
  list(namespace: string[], opts: { limit: number; offset: number; query?: string }): Promise<MemoryItem[]>;
  get(namespace: string[], key: string): Promise<MemoryItem | undefined>;
  /** `false` when there was no such item. */
  delete(namespace: string[], key: string): Promise<boolean>;
  /** Deletes everything in the namespace and below (a user's right to erasure); returns how many. */
  erase(prefix: string[]): Promise<number>;
}

/** Knowledge bases: documents in, chunks with citations out. Errors: `not_found`, `conflict`, `invalid_input`, `model_error`. */
export interface KnowledgeService {
  list(): Promise<KnowledgeBase[]>;
  create(body: CreateKnowledgeBaseBody): Promise<KnowledgeBase>;
  get(id: string): Promise<{ base: KnowledgeBase; documents: KnowledgeDocument[] } | undefined>;
  delete(id: string): Promise<boolean>;
  addDocument(kbId: string, body: AddDocumentBody): Promise<AddDocumentResult>;
  getDocument(
    kbId: string,
    docId: string,
  ): Promise<
    | {
        document: KnowledgeDocument;
        chunks: {
          idx: number;
          content: string;
          startOffset: number;
          endOffset: number;
          lineFrom: number;
          lineTo: number;
        }[];
      }
    | undefined
  >;
  deleteDocument(kbId: string, docId: string): Promise<boolean>;
  query(kbId: string, body: KnowledgeQueryBody): Promise<KnowledgeQueryResult>;
  reindex(kbId: string): Promise<{ documents: number; chunks: number }>;
}

/**
 * Evaluations: datasets of test cases per workflow, and experiments that run every case as a
 * normal run (through `RunService.start`) and judge it. Missing things → `undefined` / `false`.
 */
export type ExperimentListener = (progress: ExperimentProgress) => void;

/** What the Socket.IO server needs to stream an experiment's progress (`watchExperiment`). */
export interface ExperimentWatch {
  /** Sends the current state at once, then every change; returns the unwatch. `undefined` when there is no such experiment. */
  watch(experimentId: string, listener: ExperimentListener): Promise<(() => void) | undefined>;
}

export interface EvaluationService {
  createDataset(body: DatasetBody): Promise<Dataset>;
  listDatasets(workflowId?: string): Promise<Dataset[]>;
  getDataset(id: string): Promise<Dataset | undefined>;
  updateDataset(id: string, patch: { name?: string; description?: string }): Promise<Dataset | undefined>;
  deleteDataset(id: string): Promise<boolean>;
  listCases(datasetId: string, query: { tags?: string[]; search?: string }): Promise<TestCase[] | undefined>;
  addCases(datasetId: string, bodies: TestCaseBody[]): Promise<TestCase[] | undefined>;
  getCase(datasetId: string, caseId: string): Promise<TestCase | undefined>;
  updateCase(datasetId: string, caseId: string, body: TestCaseBody): Promise<TestCase | undefined>;
  deleteCase(datasetId: string, caseId: string): Promise<boolean>;
  /** "Save as test case" from a run, or from a checkpoint of its thread (an edited fork). */
  caseFromRun(
    datasetId: string,
    req: {
      runId: string;
      checkpointId?: string;
      name: string;
      tags?: string[];
      expectOutput?: boolean;
      assertions?: Assertion[];
    },
  ): Promise<TestCase | undefined>;
  /** Creates the experiment and starts its runs in the background. */
  start(body: StartExperimentBody): Promise<Experiment>;
  listExperiments(filter: { datasetId?: string; workflowId?: string }): Promise<Experiment[]>;
  getExperiment(id: string): Promise<ExperimentDetail | undefined>;
  rerunCase(experimentId: string, caseId: string): Promise<CaseResult | undefined>;
  compare(baseId: string, headId: string): Promise<ExperimentComparison | undefined>;
}

/** Named secrets; values go in and never come out of the API. */
export interface SecretService {
  set(name: string, value: string): Promise<void>;
  list(): Promise<SecretInfo[]>;
  delete(name: string): Promise<boolean>;
}

export interface McpService {
  status(): McpServerStatus[];
  listTools(opts?: { servers?: string[]; signal?: AbortSignal }): Promise<McpToolList>;
}

export interface UsageFilter {
  workflowId?: string;
  runId?: string;
  nodeId?: string;
  from?: Date;
  to?: Date;
  groupBy?: UsageDimension[];
}

/** The node-type registry as routes see it (`NodeTypeRegistry` fits). */
export interface NodeTypeSource extends NodeCatalog {
  describeAll(): NodeTypeDescription[];
}

/** One saved version of a workflow; the route has already validated the document. */
export interface NewWorkflowVersion {
  name: string;
  description: string;
  /** The parsed document when valid, else the document as sent (a draft). */
  document: DraftDocument;
  valid: boolean;
  problems: Problem[];
  message: string | null;
}

export interface NewWorkflow extends NewWorkflowVersion {
  id: string;
}

/** Workflows and their immutable versions (every save is a new version). */
export interface WorkflowStore {
  /** Creates the workflow with version 1. Throws `FlowError('conflict')` when the id is taken. */
  create(input: NewWorkflow): Promise<Workflow>;
  /** Newest first (by `updatedAt`). Throws `FlowError('invalid_request')` for a cursor it did not issue. */
  list(query: ListWorkflowsQuery): Promise<Page<WorkflowSummary>>;
  get(id: string): Promise<Workflow | undefined>;
  /**
   * Appends a version. `undefined` when the workflow does not exist; throws `FlowError('conflict')`
   * when `expectedVersion` is given and is not the latest version.
   */
  saveVersion(id: string, input: NewWorkflowVersion & { expectedVersion?: number }): Promise<Workflow | undefined>;
  /** `false` when the workflow does not exist. */
  delete(id: string): Promise<boolean>;
  /** Newest first; `undefined` when the workflow does not exist. */
  listVersions(id: string, query: PageQuery): Promise<Page<WorkflowVersionSummary> | undefined>;
  getVersion(id: string, version: number): Promise<WorkflowVersion | undefined>;
}

/** Starts and controls runs; runs execute in the background. */
export interface RunService {
  /**
   * Accepts a run and returns at once. Throws `FlowError` with `not_found` (workflow, version,
   * thread or checkpoint), `invalid_document` (prefer `InvalidDocumentError`, whose problems reach
   * the client), `invalid_input` (input refused by the start node) or `conflict` (the thread
   * already has an active run).
   */
  start(input: StartRunBody): Promise<RunHandle>;
  get(runId: string): Promise<Run | undefined>;
  /** Newest first. Throws `FlowError('invalid_request')` for a cursor it did not issue. */
  list(query: ListRunsQuery): Promise<Page<Run>>;
  /**
   * Requests cancellation (the abort reaches the call in flight) and returns the run as it is now.
   * `undefined` when the run does not exist; throws `FlowError('conflict')` when it has finished.
   */
  cancel(runId: string, reason: string | undefined): Promise<Run | undefined>;
  /**
   * Continues an interrupted run with an answer. `undefined` when the run does not exist; throws
   * `FlowError('conflict')` when it is not interrupted, `FlowError('invalid_request')` when
   * `answers` names interrupts that are not pending.
   */
  resume(runId: string, input: ResumeRunBody): Promise<Run | undefined>;
}

/**
 * The debugger: stepping paused runs, stored events, run comparison, state edits and reruns.
 * `undefined` when the run / thread / checkpoint does not exist; refusals throw `FlowError`
 * (`conflict` when a run is not paused, `invalid_input` for a state edit that does not fit).
 */
export interface DebugService {
  step(runId: string): Promise<Run | undefined>;
  continue(runId: string): Promise<Run | undefined>;
  events(runId: string, query: RunEventsQuery): Promise<RunEventsPage | undefined>;
  compare(runId: string, otherRunId: string): Promise<RunComparison | undefined>;
  updateState(threadId: string, body: UpdateStateBody): Promise<ThreadState | undefined>;
  diff(threadId: string, checkpointId: string): Promise<StateDiff | undefined>;
  rerun(threadId: string, body: RerunBody): Promise<RunHandle | undefined>;
}

/** Threads' checkpointed state. `undefined` when the thread (or checkpoint) does not exist. */
export interface ThreadService {
  /** State at the latest checkpoint; `undefined` also when the thread has no checkpoint yet. */
  getState(threadId: string): Promise<ThreadState | undefined>;
  /** Checkpoints newest first. */
  history(threadId: string, query: HistoryQuery): Promise<Page<ThreadState> | undefined>;
  /** `ns`: a sub-workflow's checkpoint namespace (its nested checkpoints); absent for the thread's own. */
  getStateAt(threadId: string, checkpointId: string, ns?: string): Promise<ThreadState | undefined>;
}

export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

/** Transport settings (from the engine configuration). */
export interface HttpOptions {
  /** When set, every route except health, OpenAPI and docs needs `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** Origins allowed by CORS; empty or absent → no CORS headers (same origin only). */
  corsOrigins?: readonly string[];
  /** Largest request body accepted; default 1 MB. */
  bodyLimitBytes?: number;
  /** Depth and string-length limits on request values (422 beyond them); default depth 128, strings 256 Ki. */
  jsonLimits?: JsonLimits;
  /**
   * Without `apiKey`: host names answered besides loopback ones (others get 421), and whose pages
   * may write (a foreign `Origin` on a write gets 403). Ignored with an API key.
   */
  allowedHosts?: readonly string[];
  /** `none` (loopback, no credentials), `apikey` (API_KEY) or `users`; default `apikey` with an API key, else `none`. */
  authMode?: AuthMode;
  /** Trust `X-Forwarded-For` / `-Proto` / `X-Request-Id` from a TLS-terminating proxy (client address, Secure cookies). */
  trustProxy?: boolean;
  /** Session lifetime in seconds (cookie Max-Age); default 7 days. */
  sessionTtlSeconds?: number;
  /** Shared rate limits (writes, run starts, logins); absent → none. */
  rateLimits?: RateLimits;
  /** When set, `GET /metrics` needs `Authorization: Bearer <metricsToken>` (instead of the metrics:read permission). */
  metricsToken?: string;
  /** Security headers (CSP, nosniff, Referrer-Policy, frame-ancestors); default true. */
  securityHeaders?: boolean;
  /** Folder of the built editor (`apps/editor/dist`), served outside `/v1`; absent → API only. */
  editorDir?: string;
}
