import { join } from 'node:path';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { EngineConfig } from '../config/config.js';
import { loadNodeTypeModules } from '../node-types/load-node-types.js';
import type { RunService } from '../lifecycle/run-service.js';
import { startServer } from '../server/start-server.js';
import type { RunningServer } from '../server/start-server.js';
import { createStore, openDatabase } from '../store/index.js';
import type { OpenDatabase, Store } from '../store/index.js';
import { otlpExporterFromEnv } from '../telemetry/otlp-exporter.js';
import type { SpanExporter } from '../telemetry/trace-spans.js';
import { importExamples, loadTemplates } from './import-examples.js';
import { wireEngine } from './wire.js';
import { SharedRateLimits } from '../access/rate-limits.js';
import type { Logger } from '../http/deps.js';
import { createLogger } from '../server/logger.js';
import type { QueueStats } from '../telemetry/metrics.js';

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
  /** JSON log lines (requests, runs, errors). Default: pino at `config.logLevel` on stdout/stderr. */
  logger?: Logger;
  /** Queued runs for the queue metrics, and the queue's readiness (wired by the run queue). */
  queueStats?: () => Promise<QueueStats>;
  queueReady?: () => Promise<boolean>;
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
  const logger = opts.logger ?? createLogger(config.logLevel);
  const database =
    opts.database ??
    (await openDatabase(
      config.databaseUrl !== undefined ? { url: config.databaseUrl } : { dataDir: join(config.dataDir, 'pglite') },
    ));
  try {
    const store = createStore(database.db);
    const env = opts.env ?? process.env;
    const wired = wireEngine({
      store,
      registry,
      env,
      toolNetwork: config.toolNetwork,
      mcpServers: config.mcpServers,
      spanExporter: opts.spanExporter ?? otlpExporterFromEnv(env, { logger: { warn: print, info: print } }),
      templates: async () => (opts.examplesDir === undefined ? [] : loadTemplates(opts.examplesDir)),
      print,
      logger,
      sessionTtlMs: config.sessionTtlSeconds * 1000,
      ...(opts.queueStats ? { queueStats: opts.queueStats } : {}),
      ...(opts.queueReady ? { queueReady: opts.queueReady } : {}),
    });
    closeOnStop.push(() => wired.close());
    const { runs, eventLog } = wired;
    const deps = { ...wired.deps, logger };
    if (config.authMode === 'users') {
      if (config.initialAdmin) {
        const created = await wired.access.ensureAdmin(config.initialAdmin.email, config.initialAdmin.password);
        if (created === 'created')
          print(`Created the first admin ${config.initialAdmin.email} (FLOWCRAFT_ADMIN_EMAIL).`);
      } else if (await wired.access.setupRequired()) {
        print('No user exists yet: open the editor to create the first admin (one-time setup page).');
      }
    }
    const rateLimits = config.rateLimits ? new SharedRateLimits(database.db, config.rateLimits) : undefined;
    const workflows = deps.workflows;
    const imported = opts.examplesDir === undefined ? [] : await importExamples(opts.examplesDir, workflows, registry);
    if (imported.length > 0) print(`Imported ${imported.length} example workflows: ${imported.join(', ')}`);
    const recovered = await runs.recover();
    if (recovered.resumed.length + recovered.failed.length > 0) {
      print(`Recovered runs after a restart: ${recovered.resumed.length} resumed, ${recovered.failed.length} failed`);
    }
    const server = await startServer({
      config,
      deps,
      eventLog,
      drain: () => runs.drain(),
      print,
      ...(rateLimits ? { rateLimits } : {}),
    });
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
