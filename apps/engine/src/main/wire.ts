import type { NodeTypeRegistry } from '@flowcraft/node-types';
import type { TraceEvent } from '@flowcraft/schema';
import { loggableError } from '@flowcraft/schema';
import { consoleError } from '../lifecycle/console-error.js';
import { hostname } from 'node:os';
import { AccessService } from '../access/access-service.js';
import type { HttpDeps, Logger } from '../http/deps.js';
import { migrationsApplied } from '../store/index.js';
import { EngineMetrics, type QueueStats } from '../telemetry/metrics.js';
import { RunLog } from '../telemetry/run-log.js';
import { runServicesFactory } from '../execution/services.js';
import type { RunServices } from '../execution/services.js';
import { createToolFetch } from '../execution/tool-fetch.js';
import { StoreHttpRunService } from '../lifecycle/run-queries.js';
import { LEASE_SECONDS, RunService } from '../lifecycle/run-service.js';
import type { RunQueue } from '../queue/run-queue.js';
import type { ExperimentQueue } from '../queue/experiment-queue.js';
import { StoreRunPorts } from '../lifecycle/store-run-ports.js';
import { McpManager } from '../mcp/mcp-manager.js';
import type { McpServerConfig } from '../mcp/mcp-config.js';
import { listModels } from '../models/list-models.js';
import { providerDefs } from '../models/providers.js';
import { StoreEventLog } from '../realtime/store-event-log.js';
import { createSecretStore } from '../secrets/create.js';
import { DrizzleStore } from '../store/index.js';
import type { Store } from '../store/index.js';
import { KnowledgeService } from '../knowledge/knowledge-service.js';
import { createMemoryService } from '../memory/memory-service.js';
import { FactoryEmbeddings, createEmbeddingsFactory } from '../models/embeddings.js';
import { TraceSpans, type SpanExporter } from '../telemetry/trace-spans.js';
import { StoreDebugService } from '../time-travel/debug-service.js';
import { StoreThreadRecords } from '../time-travel/thread-records.js';
import { StoreThreadService } from '../time-travel/thread-service.js';
import { StoreWorkflowStore } from '../workflows/workflow-store.js';
import { StoreEvaluationService } from '../evaluations/evaluation-service.js';
import type { EvaluatorRegistry } from '@flowcraft/node-types/evaluators';
import type { NetworkPolicyInput } from '@flowcraft/node-types/tools';
import type { WorkflowDocument } from '@flowcraft/schema';

export interface WireOptions {
  store: Store;
  registry: NodeTypeRegistry;
  /** Environment for providers and `FLOWCRAFT_*` options. */
  env: Record<string, string | undefined>;
  /** Guarded tool fetch policy; absent → the global fetch (tests). */
  toolNetwork?: NetworkPolicyInput;
  mcpServers?: McpServerConfig[];
  spanExporter?: SpanExporter;
  /** Stream model tokens as events (default true). */
  streamTokens?: boolean;
  /** Replace the per-run services (tests record scripted-model calls). */
  services?: (document: WorkflowDocument) => RunServices | Promise<RunServices>;
  templates?: HttpDeps['templates'];
  print?: (text: string) => void;
  /** Unexpected errors of runs (the executor's guard). Default `console.error`. */
  logError?: (message: string, err: unknown) => void;
  /**
   * The durable run queue: queued runs get a job in the queueing transaction and are executed by
   * whichever worker takes it (`RunWorker`). Absent: queued runs execute in this process at once.
   */
  queue?: RunQueue;
  /** This process's worker id (runs.owner / runs.worker). */
  owner?: string;
  /** Lease of a claimed run in seconds (durable queue). */
  leaseSeconds?: number;
  /** Run log lines (JSON, with runId, threadId, workflowId, worker); absent → none. */
  logger?: Logger;
  /** Session lifetime (AUTH_MODE=users). Default 7 days. */
  sessionTtlMs?: number;
  /** Queued runs for `flowcraft_queue_depth` / `_wait_seconds` (wired by the run queue). */
  queueStats?: () => Promise<QueueStats>;
  /** Readiness of the run queue for `GET /v1/ready` (wired by the run queue); absent → not checked. */
  queueReady?: () => Promise<boolean>;
  /** Runs this process executes at once at most (`WORKER_CONCURRENCY`, for `flowcraft_worker_slots`); absent → no cap shown. */
  workerSlots?: number;
  /** Node.js process metrics in `/metrics` (default true; tests that build many engines turn them off). */
  processMetrics?: boolean;
  /** Custom evaluators for experiments (`defineEvaluator`). */
  evaluators?: EvaluatorRegistry;
  /** How often an experiment's driver looks at its case runs when no stop event reaches this process; default 250 ms. */
  evaluationPollMs?: number;
  /** The durable experiment queue (experiments driven by whichever worker takes their job); absent → in this process. */
  experimentQueue?: ExperimentQueue;
}

export interface Wired {
  deps: HttpDeps;
  /** Knowledge bases (the examples' bundled base is imported through it). */
  knowledge: KnowledgeService;
  runs: RunService;
  eventLog: StoreEventLog;
  metrics: EngineMetrics;
  access: AccessService;
  evaluations: StoreEvaluationService;
  /** Closes what the wiring opened (tool fetch, MCP connections, span exporter). */
  close(): Promise<void>;
}

/**
 * The one wiring of an engine over a store: run lifecycle (DB-backed ports, one compiled-graph
 * cache), time travel, workflows, event log, models, secrets, MCP, spans → the HTTP deps. Used by
 * `startEngine` and by integration tests, so both run the same objects.
 */
export function wireEngine(opts: WireOptions): Wired {
  const { store, registry, env } = opts;
  // The validator reports a model naming a provider this engine does not have.
  registry.modelProviders = providerDefs(env).map((d) => d.name);
  const print = opts.print ?? console.log;
  const closers: (() => Promise<void>)[] = [];
  const logger = opts.logger;
  const logError =
    opts.logError ??
    (logger
      ? (message: string, err: unknown) => logger.error(message, err === undefined ? {} : { error: loggableError(err) })
      : consoleError);
  const queue = opts.queue;
  const queueStats =
    opts.queueStats ??
    (queue
      ? async () => {
          const stats = await queue.stats();
          return { depth: stats.depth, oldestWaitSeconds: stats.oldestWaitSeconds };
        }
      : undefined);
  const queueReady =
    opts.queueReady ??
    (queue
      ? async () => {
          await queue.stats();
          return true;
        }
      : undefined);
  const eventLog = new StoreEventLog(store.runEvents, (err) => logError('Reading announced run events failed', err));
  const ports = new StoreRunPorts(store, opts.queue);
  // Models, tools and MCP: one guarded tool fetch and one MCP manager per engine, credentials
  // (secret store, then env) read per run, the document's routing, prices and budget per run.
  const secrets = createSecretStore(env, store.secrets);
  const toolFetch = opts.toolNetwork ? createToolFetch(opts.toolNetwork) : undefined;
  if (toolFetch) closers.push(() => toolFetch.close());
  const mcp = opts.mcpServers && opts.mcpServers.length > 0 ? new McpManager(opts.mcpServers) : undefined;
  if (mcp) closers.push(() => mcp.close());
  // Long-term memory (LangGraph store) and knowledge bases, on the same database; embedders through the
  // model providers (FLOWCRAFT_MEMORY_EMBEDDINGS, default the offline `scripted:embed`; `none` = no semantic search).
  const embeddings = createEmbeddingsFactory(env, secrets);
  const memorySpec = env.FLOWCRAFT_MEMORY_EMBEDDINGS?.trim() || 'scripted:embed';
  const memoryStore = new DrizzleStore(store.db, {
    ...(memorySpec === 'none' ? {} : { index: { embeddings: new FactoryEmbeddings(embeddings, memorySpec) } }),
    ttl: { sweepIntervalMinutes: 5 },
  });
  memoryStore.start();
  closers.push(async () => memoryStore.stop());
  const memory = {
    store: memoryStore,
    putWithTtl: (ns: string[], key: string, value: Record<string, unknown>, ttl: number) =>
      memoryStore.putWithTtl(ns, key, value, ttl),
  };
  const knowledge = new KnowledgeService(store.knowledge, embeddings);
  const custom = opts.services;
  const retriever = knowledge.retriever();
  const services: (document: WorkflowDocument) => Promise<RunServices> = custom
    ? async (document) => {
        const s = await custom(document);
        return {
          ...s,
          memory: s.memory ?? { ...memory, workflowNamespace: ['workflow', document.id] },
          knowledge: s.knowledge ?? retriever,
        };
      }
    : runServicesFactory({
        memory,
        knowledge: retriever,
        env,
        ...(secrets ? { secrets } : {}),
        ...(toolFetch ? { fetch: toolFetch.fetch } : {}),
        ...(mcp ? { mcp } : {}),
        ledger: {
          runUsage: (threadId) => store.usage.runUsage(threadId),
          workflowCostToday: (workflowId, excludeRunId) =>
            store.usage.workflowCostSince(workflowId, excludeRunId === undefined ? {} : { excludeRunId }),
        },
      });
  const exporter = opts.spanExporter;
  const spans = exporter
    ? new TraceSpans(exporter, (err) =>
        print(`Span export failed: ${err instanceof Error ? err.message : String(err)}`),
      )
    : undefined;
  if (exporter?.shutdown) closers.push(() => exporter.shutdown?.() ?? Promise.resolve());
  // Node types per run, for flowcraft_node_duration_seconds{type}: looked up once when the run starts.
  const nodeTypes = new Map<string, Map<string, string>>();
  // A run executing here is known without a read; its version comes from the ports' cache of
  // pinned versions (a run's statements are what limit throughput: two reads per run cost ~8 %).
  const loadNodeTypes = async (runId: string): Promise<void> => {
    try {
      const run = runs.executingRun(runId) ?? (await store.runs.get(runId));
      const { document } = await ports.getVersion(run.workflowId, run.workflowVersion);
      const types = new Map(document.nodes.map((node) => [node.id, node.type]));
      if (nodeTypes.has(runId)) nodeTypes.set(runId, types);
    } catch {
      // No types: the run's node metrics are labelled without them.
    }
  };
  /** Per run: metrics and log lines wait for its node types (loaded once), then follow in event order. */
  const observed = new Map<string, Promise<void>>();
  const metrics = new EngineMetrics({
    ...(queueStats ? { queueStats } : {}),
    nodeType: (runId, nodeId) => nodeTypes.get(runId)?.get(nodeId),
    // `runs` is built below; the gauge is read at scrape time.
    executing: () => runs.executing,
    ...(opts.workerSlots === undefined ? {} : { slots: opts.workerSlots }),
    ...(opts.processMetrics === undefined ? {} : { processMetrics: opts.processMetrics }),
  });
  const runLog = opts.logger
    ? new RunLog(opts.logger, opts.owner ?? `${hostname()}:${process.pid}`, spans !== undefined)
    : undefined;
  const publish = (event: TraceEvent) => {
    eventLog.publish(event);
    spans?.onEvent(event);
    const { runId } = event;
    let chain = observed.get(runId);
    if (chain === undefined) {
      nodeTypes.set(runId, new Map());
      chain = loadNodeTypes(runId);
    }
    const final = event.type === 'run.completed' || event.type === 'run.failed' || event.type === 'run.cancelled';
    const next = chain.then(() => {
      metrics.onEvent(event);
      runLog?.onEvent(event);
      if (final && observed.get(runId) === next) {
        observed.delete(runId);
        nodeTypes.delete(runId);
      }
    });
    observed.set(runId, next);
  };
  const runs = new RunService(ports, registry, {
    env,
    store: memoryStore,
    publish,
    services,
    ...(opts.streamTokens === undefined ? {} : { streamTokens: opts.streamTokens }),
    logError,
    ...(opts.owner ? { owner: opts.owner } : {}),
    ...(opts.leaseSeconds ? { leaseSeconds: opts.leaseSeconds } : {}),
  });
  const access = new AccessService(
    store.access,
    opts.sessionTtlMs === undefined ? {} : { sessionTtlMs: opts.sessionTtlMs },
  );
  // A live worker beats every third of the lease: one lease without a beat means it is gone.
  const liveWithin = opts.leaseSeconds ?? LEASE_SECONDS;
  const workflows = new StoreWorkflowStore(store.workflows);
  const httpRuns = new StoreHttpRunService(runs, store);
  const threads = new StoreThreadService(store, ports, runs.graphs);
  const evaluations = new StoreEvaluationService({
    datasets: store.datasets,
    experiments: store.experiments,
    workflows,
    runs: httpRuns,
    threads,
    startRun: (req) => runs.start(req),
    owner: runs.owner,
    leaseSeconds: opts.leaseSeconds ?? LEASE_SECONDS,
    ...(opts.experimentQueue ? { queue: opts.experimentQueue } : {}),
    events: {
      listAfter: (runId, afterSeq, limit) => eventLog.listAfter(runId, afterSeq, limit),
      subscribe: (runId, listener) => eventLog.subscribe(runId, listener),
    },
    judgeModels: async (document) => (await services(document)).models,
    ...(opts.evaluators ? { evaluators: opts.evaluators } : {}),
    ...(opts.evaluationPollMs ? { pollMs: opts.evaluationPollMs } : {}),
    logError: opts.logError ?? consoleError,
  });
  const deps: HttpDeps = {
    registry,
    workflows,
    runs: httpRuns,
    threads,
    debug: new StoreDebugService(runs, httpRuns, threads, store),
    templates: opts.templates ?? (async () => []),
    models: () => listModels(env, secrets),
    ...(secrets ? { secrets } : {}),
    ...(mcp ? { mcp } : {}),
    usage: (filter) => store.usage.query(filter),
    ...(queue
      ? {
          queue: async () => {
            const [stats, figures, live] = await Promise.all([
              queue.stats(),
              store.runs.queueFigures(),
              store.workers.live(liveWithin),
            ]);
            return {
              depth: stats.depth,
              oldestWaitSeconds: stats.oldestWaitSeconds,
              running: figures.running,
              workers: live.map((w) => ({
                id: w.id,
                role: w.role,
                concurrency: w.concurrency,
                active: w.active,
                ...(w.host !== null ? { host: w.host } : {}),
                ...(w.pid !== null ? { pid: w.pid } : {}),
                startedAt: w.startedAt.toISOString(),
                heartbeatAt: w.heartbeatAt.toISOString(),
              })),
            };
          },
        }
      : {}),
    eventLog,
    threadRecords: new StoreThreadRecords(store),
    memory: createMemoryService(memoryStore),
    knowledge,
    evaluations,
    health: async () => {
      await store.workflows.list({ limit: 1 });
      return { database: true };
    },
    ready: async () => {
      const checks: Record<string, boolean> = {};
      checks['database'] = await store.workflows.list({ limit: 1 }).then(
        () => true,
        () => false,
      );
      checks['migrations'] = checks['database'] ? await migrationsApplied(store.db).catch(() => false) : false;
      if (queueReady) checks['queue'] = await queueReady().catch(() => false);
      return checks;
    },
    access,
    metrics,
  };
  return {
    deps,
    knowledge,
    runs,
    eventLog,
    metrics,
    access,
    evaluations,
    close: async () => {
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
}
