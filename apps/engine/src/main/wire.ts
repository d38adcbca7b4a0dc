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
import { DrizzleStore } from '../store/index.js';
import type { Store } from '../store/index.js';
import { KnowledgeService } from '../knowledge/knowledge-service.js';
import { createMemoryService } from '../memory/memory-service.js';
import { FactoryEmbeddings, createEmbeddingsFactory } from '../models/embeddings.js';
import { TraceSpans, type SpanExporter } from '../telemetry/trace-spans.js';
import { StoreDebugService } from '../time-travel/debug-service.js';
import { StoreThreadService } from '../time-travel/thread-service.js';
import { StoreWorkflowStore } from '../workflows/workflow-store.js';
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
}

export interface Wired {
  deps: HttpDeps;
  /** Knowledge bases (the examples' bundled base is imported through it). */
  knowledge: KnowledgeService;
  runs: RunService;
  eventLog: StoreEventLog;
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
  const publish = (event: TraceEvent) => {
    eventLog.publish(event);
    spans?.onEvent(event);
  };
  const runs = new RunService(ports, registry, {
    env,
    store: memoryStore,
    publish,
    services,
    ...(opts.streamTokens === undefined ? {} : { streamTokens: opts.streamTokens }),
    ...(opts.logError ? { logError: opts.logError } : {}),
  });
  const workflows = new StoreWorkflowStore(store.workflows);
  const httpRuns = new StoreHttpRunService(runs, store);
  const threads = new StoreThreadService(store, ports, runs.graphs);
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
    memory: createMemoryService(memoryStore),
    knowledge,
    health: async () => {
      await store.workflows.list({ limit: 1 });
      return { database: true };
    },
  };
  return {
    deps,
    knowledge,
    runs,
    eventLog,
    close: async () => {
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
}
