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
import { importBundledKnowledge } from '../knowledge/import-knowledge.js';
import { importExamples, loadTemplates } from './import-examples.js';
import { wireEngine } from './wire.js';

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
    });
    closeOnStop.push(() => wired.close());
    const { runs, deps, eventLog } = wired;
    const workflows = deps.workflows;
    const imported = opts.examplesDir === undefined ? [] : await importExamples(opts.examplesDir, workflows, registry);
    if (imported.length > 0) print(`Imported ${imported.length} example workflows: ${imported.join(', ')}`);
    // The examples' knowledge bases (examples/knowledge/*), with the example workflows at first start.
    if (imported.length > 0 && opts.examplesDir !== undefined) {
      const bases = await importBundledKnowledge(join(opts.examplesDir, 'knowledge'), wired.knowledge);
      if (bases.length > 0) print(`Imported example knowledge bases: ${bases.join(', ')}`);
    }
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
