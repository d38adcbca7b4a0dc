import type { NodeTypeRegistry } from '@flowcraft/node-types';
import type { TraceEvent } from '@flowcraft/schema';
import type { HttpDeps } from '../http/deps.js';
import { runServicesFactory } from '../execution/services.js';
import type { RunServices } from '../execution/services.js';
import { createToolFetch } from '../execution/tool-fetch.js';
import { StoreHttpRunService } from '../lifecycle/run-queries.js';
import { RunService } from '../lifecycle/run-service.js';
import { StoreRunPorts } from '../lifecycle/store-run-ports.js';
import { McpManager } from '../mcp/mcp-manager.js';
import type { McpServerConfig } from '../mcp/mcp-config.js';
import { listModels } from '../models/list-models.js';
import { providerDefs } from '../models/providers.js';
import { StoreEventLog } from '../realtime/store-event-log.js';
import { createSecretStore } from '../secrets/create.js';
import type { Store } from '../store/index.js';
import { TraceSpans, type SpanExporter } from '../telemetry/trace-spans.js';
import { StoreDebugService } from '../time-travel/debug-service.js';
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
  /** Custom evaluators for experiments (`defineEvaluator`). */
  evaluators?: EvaluatorRegistry;
  /** How often an experiment polls a case's run when no stop event reaches this process; default 1 s. */
  evaluationPollMs?: number;
}

export interface Wired {
  deps: HttpDeps;
  runs: RunService;
  eventLog: StoreEventLog;
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
  const eventLog = new StoreEventLog(store.runEvents);
  const ports = new StoreRunPorts(store);
  // Models, tools and MCP: one guarded tool fetch and one MCP manager per engine, credentials
  // (secret store, then env) read per run, the document's routing, prices and budget per run.
  const secrets = createSecretStore(env, store.secrets);
  const toolFetch = opts.toolNetwork ? createToolFetch(opts.toolNetwork) : undefined;
  if (toolFetch) closers.push(() => toolFetch.close());
  const mcp = opts.mcpServers && opts.mcpServers.length > 0 ? new McpManager(opts.mcpServers) : undefined;
  if (mcp) closers.push(() => mcp.close());
  const services =
    opts.services ??
    runServicesFactory({
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
  const publish = (event: TraceEvent) => {
    eventLog.publish(event);
    spans?.onEvent(event);
  };
  const runs = new RunService(ports, registry, {
    env,
    publish,
    services,
    ...(opts.streamTokens === undefined ? {} : { streamTokens: opts.streamTokens }),
    ...(opts.logError ? { logError: opts.logError } : {}),
  });
  const workflows = new StoreWorkflowStore(store.workflows);
  const httpRuns = new StoreHttpRunService(runs, store);
  const threads = new StoreThreadService(store, ports, runs.graphs);
  const evaluations = new StoreEvaluationService({
    datasets: store.datasets,
    experiments: store.experiments,
    workflows,
    runs: httpRuns,
    threads,
    events: {
      listAfter: (runId, afterSeq, limit) => eventLog.listAfter(runId, afterSeq, limit),
      subscribe: (runId, listener) => eventLog.subscribe(runId, listener),
    },
    judgeModels: async (document) => (await services(document)).models,
    ...(opts.evaluators ? { evaluators: opts.evaluators } : {}),
    ...(opts.evaluationPollMs ? { pollMs: opts.evaluationPollMs } : {}),
    logError: opts.logError ?? ((message, err) => console.error(message, err)),
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
    evaluations,
    health: async () => {
      await store.workflows.list({ limit: 1 });
      return { database: true };
    },
  };
  return {
    deps,
    runs,
    eventLog,
    evaluations,
    close: async () => {
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
}
