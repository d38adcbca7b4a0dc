import { join } from 'node:path';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { EngineConfig } from '../config/config.js';
import type { HttpDeps } from '../http/deps.js';
import { loadNodeTypeModules } from '../node-types/load-node-types.js';
import { RunService } from '../runs/run-service.js';
import { startServer } from '../server/start-server.js';
import type { RunningServer } from '../server/start-server.js';
import { createStore, openDatabase } from '../store/index.js';
import type { OpenDatabase, Store } from '../store/index.js';
import { StoreHttpRunService } from './http-run-service.js';
import { importExamples, loadTemplates } from './import-examples.js';
import { StoreEventLog } from './store-event-log.js';
import { StoreRunPorts } from './store-run-ports.js';
import { StoreThreadService } from './store-thread-service.js';
import { StoreDebugService } from './store-debug-service.js';
import { StoreWorkflowStore } from './store-workflow-store.js';

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

  const database = opts.database ?? (await openDatabase(config.databaseUrl !== undefined ? { url: config.databaseUrl } : { dataDir: join(config.dataDir, 'pglite') }));
  try {
    const store = createStore(database.db);
    const eventLog = new StoreEventLog(store.runEvents);
    const ports = new StoreRunPorts(store);
    const runs = new RunService(ports, registry, { env: opts.env ?? process.env, publish: (event) => eventLog.publish(event) });
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
      stopping ??= server.stop().finally(() => database.close());
      return stopping;
    };
    return { server, store, runs, imported, stop };
  } catch (err) {
    await database.close();
    throw err;
  }
}
