import { join } from 'node:path';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { EngineConfig } from '../config/config.js';
import type { HttpDeps } from '../http/deps.js';
import { loadNodeTypeModules } from '../node-types/load-node-types.js';
import { RunService } from '../lifecycle/run-service.js';
import { startServer } from '../server/start-server.js';
import type { RunningServer } from '../server/start-server.js';
import { createStore, openDatabase } from '../store/index.js';
import type { OpenDatabase, Store } from '../store/index.js';
import { StoreHttpRunService } from '../lifecycle/run-queries.js';
import { importExamples, loadTemplates } from './import-examples.js';
import { StoreEventLog } from '../realtime/store-event-log.js';
import { StoreRunPorts } from '../lifecycle/store-run-ports.js';
import { StoreThreadService } from '../time-travel/thread-service.js';
import { StoreDebugService } from '../time-travel/debug-service.js';
import { StoreWorkflowStore } from '../workflows/workflow-store.js';
import { McpManager } from '../mcp/mcp-manager.js';
import { listModels } from '../models/list-models.js';
import { runServicesFactory } from '../execution/services.js';
import { otlpExporterFromEnv } from '../telemetry/otlp-exporter.js';
import { createToolFetch } from '../execution/tool-fetch.js';
import { TraceSpans, type SpanExporter } from '../telemetry/trace-spans.js';
import { createSecretStore } from '../secrets/create.js';

export interface StartEngineOptions {
  config: EngineConfig;
  /** An already open database (tests); default: open the configured one (Postgres URL or PGlite in `dataDir`). */
  database?: OpenDatabase;
  /** Folder whose workflow documents are imported when the database has no workflows; absent → none. */
  examplesDir?: string;
  /** Environment for model providers. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Start-up summary and notes. Default `console.log`. */
  print?: (text: string) => void;
  /** Base for relative node-type module paths. Default `process.cwd()`. */
  cwd?: string;
  /** Receives spans per run, node and model call; absent → OTLP/HTTP when `OTEL_EXPORTER_OTLP_*` configure it, else none. */
  spanExporter?: SpanExporter;
}

export interface Engine {
  server: RunningServer;
  store: Store;
  runs: RunService;
  /** Ids imported from the examples folder at this start. */
  imported: string[];
  /** Stop serving, drain runs, close the database. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Config → database → store → RunService → HTTP deps + event log → server. */
export async function startEngine(opts: StartEngineOptions): Promise<Engine> {
  const { config } = opts;
  const print = opts.print ?? console.log;
  const registry = createBuiltinRegistry();
  await loadNodeTypeModules(config.nodeTypeModules, registry, { cwd: opts.cwd ?? process.cwd() });

  const closeOnStop: (() => Promise<void>)[] = [];
  const database =
    opts.database ??
    (await openDatabase(
      config.databaseUrl !== undefined ? { url: config.databaseUrl } : { dataDir: join(config.dataDir, 'pglite') },
    ));
  try {
    const store = createStore(database.db);
    const eventLog = new StoreEventLog(store.runEvents);
    const ports = new StoreRunPorts(store);
    // Models, tools and MCP: one guarded tool fetch and one MCP manager per engine, credentials
    // (secret store, then env) read per run, the document's routing, prices and budget per run.
    const env = opts.env ?? process.env;
    const secrets = createSecretStore(env, store.secrets);
    const toolFetch = createToolFetch(config.toolNetwork);
    closeOnStop.push(() => toolFetch.close());
    const mcp = config.mcpServers.length > 0 ? new McpManager(config.mcpServers) : undefined;
    if (mcp) closeOnStop.push(() => mcp.close());
    const services = runServicesFactory({
      env,
      ...(secrets ? { secrets } : {}),
      fetch: toolFetch.fetch,
      ...(mcp ? { mcp } : {}),
      ledger: {
        runUsage: (threadId) => store.usage.runUsage(threadId),
        workflowCostToday: (workflowId, excludeRunId) =>
          store.usage.workflowCostSince(workflowId, excludeRunId === undefined ? {} : { excludeRunId }),
      },
    });
    const spanExporter = opts.spanExporter ?? otlpExporterFromEnv(env, { logger: { warn: print, info: print } });
    const spans = spanExporter
      ? new TraceSpans(spanExporter, (err) =>
          print(`Span export failed: ${err instanceof Error ? err.message : String(err)}`),
        )
      : undefined;
    if (spanExporter?.shutdown) {
      const exporter = spanExporter;
      closeOnStop.push(() => exporter.shutdown?.() ?? Promise.resolve());
    }
    const publish = (event: Parameters<typeof eventLog.publish>[0]) => {
      eventLog.publish(event);
      spans?.onEvent(event);
    };
    const runs = new RunService(ports, registry, { env, publish, services });
    const workflows = new StoreWorkflowStore(store.workflows);
    const httpRuns = new StoreHttpRunService(runs, store, ports);
    const threads = new StoreThreadService(store, ports, registry);
    const deps: HttpDeps = {
      registry,
      workflows,
      runs: httpRuns,
      threads,
      debug: new StoreDebugService(runs, httpRuns, threads, store),
      templates: async () => (opts.examplesDir === undefined ? [] : loadTemplates(opts.examplesDir)),
      models: () => listModels(env, secrets),
      ...(secrets ? { secrets } : {}),
      ...(mcp ? { mcp } : {}),
      usage: (filter) => store.usage.query(filter),
      health: async () => {
        await store.workflows.list({ limit: 1 });
        return { database: true };
      },
    };
    const imported = opts.examplesDir === undefined ? [] : await importExamples(opts.examplesDir, workflows, registry);
    if (imported.length > 0) print(`Imported ${imported.length} example workflows: ${imported.join(', ')}`);
    const recovered = await runs.recover();
    if (recovered.resumed.length + recovered.failed.length > 0) {
      print(`Recovered runs after a restart: ${recovered.resumed.length} resumed, ${recovered.failed.length} failed`);
    }
    const server = await startServer({ config, deps, eventLog, drain: () => runs.drain(), print });
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= server
        .stop()
        .finally(() => Promise.allSettled(closeOnStop.map((close) => close())))
        .finally(() => database.close());
      return stopping;
    };
    return { server, store, runs, imported, stop };
  } catch (err) {
    await Promise.allSettled(closeOnStop.map((close) => close()));
    await database.close();
    throw err;
  }
}
