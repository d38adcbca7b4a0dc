import { loggableError } from '@flowcraft/schema';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { EngineConfig } from '../config/config.js';
import { loadNodeTypeModules } from '../node-types/load-node-types.js';
import type { RunService } from '../lifecycle/run-service.js';
import { RunWorker } from '../lifecycle/run-worker.js';
import { PgBossRunQueue, QUEUE_POOL_SIZE } from '../queue/pg-boss-queue.js';
import { PgBossExperimentQueue } from '../queue/pg-boss-experiment-queue.js';
import { ExperimentWorker } from '../evaluations/experiment-worker.js';
import { ExperimentFeed } from '../evaluations/experiment-feed.js';
import type { RunQueue } from '../queue/run-queue.js';
import { startHealthServer } from '../server/health-server.js';
import { startServer } from '../server/start-server.js';
import type { RunningServer } from '../server/start-server.js';
import {
  connectionRoom,
  connectionShortfall,
  connectionsNeeded,
  createStore,
  DEFAULT_POOL_SIZE,
  openDatabase,
  poolSizeIn,
} from '../store/index.js';
import type { OpenDatabase, Store } from '../store/index.js';
import { otlpExporterFromEnv } from '../telemetry/otlp-exporter.js';
import type { SpanExporter } from '../telemetry/trace-spans.js';
import { importBundledKnowledge } from '../knowledge/import-knowledge.js';
import { importExamples, loadTemplates } from './import-examples.js';
import { wireEngine } from './wire.js';
import { SharedRateLimits } from '../access/rate-limits.js';
import type { HttpDeps, Logger } from '../http/deps.js';
import { isLoopback } from '../config/config.js';
import { createLogger } from '../server/logger.js';

/** Experiments one worker drives at once (each keeps its own `concurrency` case runs in flight). */
const EXPERIMENTS_PER_WORKER = 4;

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
}

export interface Engine {
  /** The API server (roles `all` and `api`); a worker's health server has only `url` and `port`. */
  server: Pick<RunningServer, 'url' | 'port' | 'stop'> & Partial<RunningServer>;
  store: Store;
  runs: RunService;
  queue: RunQueue;
  /** This process's worker (roles `all` and `worker`). */
  worker: RunWorker | undefined;
  /** Ids imported from the examples folder at this start. */
  imported: string[];
  /** Stop serving, hand back or finish runs, close the queue and the database. Safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Config → database → store → durable run queue → RunService → HTTP deps + event log → server, by
 * role: `api` serves HTTP, Socket.IO and the editor and never executes runs; `worker` executes runs
 * from the queue and serves `/v1/health` only; `all` does both. Every role uses the same queue
 * (pg-boss, on PGlite too) and the same run-execution code.
 */
export async function startEngine(opts: StartEngineOptions): Promise<Engine> {
  const { config } = opts;
  const print = opts.print ?? console.log;
  /** The workers' error lines: the message, and the error's loggable form when there is one. */
  const printError = (message: string, err: unknown) =>
    print(err === undefined ? message : `${message}: ${loggableError(err)}`);
  const registry = createBuiltinRegistry();
  await loadNodeTypeModules(config.nodeTypeModules, registry, { cwd: opts.cwd ?? process.cwd() });

  const closeOnStop: (() => Promise<void>)[] = [];
  const logger = opts.logger ?? createLogger(config.logLevel);
  const database =
    opts.database ??
    (await openDatabase(
      config.databaseUrl !== undefined ? { url: config.databaseUrl } : { dataDir: join(config.dataDir, 'pglite') },
    ));
  const shared = database.kind === 'postgres';
  const role = config.role;
  const executes = role !== 'api';
  const serves = role !== 'worker';
  try {
    const store = createStore(database.db, {
      notifyEvents: shared,
      groupCommit: shared,
      pipeline: shared,
      groupDb: database.groupDb,
    });
    const env = opts.env ?? process.env;
    // A server whose connection limit this process would pass: said now, not as failed runs later.
    const url = database.native.url;
    if (url !== undefined) {
      const shortfall = connectionShortfall(
        connectionsNeeded(poolSizeIn(url) ?? DEFAULT_POOL_SIZE, QUEUE_POOL_SIZE),
        await connectionRoom(database.native),
        1,
      );
      if (shortfall !== undefined) print(shortfall);
    }
    const queue = await PgBossRunQueue.open(database.native, {
      pollingIntervalSeconds: config.worker.pollSeconds,
      onError: (err) => print(`Run queue: ${loggableError(err)}`),
    });
    closeOnStop.push(() => queue.close());
    const experimentQueue = await PgBossExperimentQueue.open(queue);
    const owner = config.worker.id ?? `${hostname()}:${config.port === 0 ? `pid${process.pid}` : config.port}`;
    const wired = wireEngine({
      store,
      registry,
      env,
      toolNetwork: config.toolNetwork,
      mcpServers: config.mcpServers,
      spanExporter: opts.spanExporter ?? otlpExporterFromEnv(env, { logger: { warn: print, info: print } }),
      templates: async () => (opts.examplesDir === undefined ? [] : loadTemplates(opts.examplesDir)),
      print,
      queue,
      experimentQueue,
      owner,
      leaseSeconds: config.worker.leaseSeconds,
      ...(executes ? { workerSlots: config.worker.concurrency } : {}),
      logger,
      sessionTtlMs: config.sessionTtlSeconds * 1000,
    });
    closeOnStop.unshift(() => wired.close());
    const { runs, eventLog } = wired;
    const deps = { ...wired.deps, logger };
    if (config.authMode === 'users' && serves) {
      if (config.initialAdmin) {
        const created = await wired.access.ensureAdmin(config.initialAdmin.email, config.initialAdmin.password);
        if (created === 'created')
          print(`Created the first admin ${config.initialAdmin.email} (FLOWCRAFT_ADMIN_EMAIL).`);
      } else if (await wired.access.setupRequired()) {
        print('No user exists yet: open the editor to create the first admin (one-time setup page).');
      }
    }
    const rateLimits = config.rateLimits ? new SharedRateLimits(database.db, config.rateLimits) : undefined;
    // Events of runs other processes execute reach this process's sockets by NOTIFY.
    if (serves && shared) {
      await eventLog.followOtherProcesses(database.native);
      closeOnStop.unshift(() => eventLog.close());
    }
    // Experiment progress for watchers: drivers (any worker) NOTIFY, this process reads and forwards.
    const experimentFeed = serves
      ? new ExperimentFeed(store.experiments, (message, err) => print(`${message}: ${loggableError(err)}`))
      : undefined;
    if (experimentFeed) {
      await experimentFeed.start(database.native);
      closeOnStop.unshift(() => experimentFeed.close());
    }
    const imported =
      opts.examplesDir === undefined || !serves ? [] : await importExamples(opts.examplesDir, deps.workflows, registry);
    if (imported.length > 0) print(`Imported ${imported.length} example workflows: ${imported.join(', ')}`);
    // The examples' knowledge bases (examples/knowledge/*), with the example workflows at first start.
    if (imported.length > 0 && opts.examplesDir !== undefined) {
      const bases = await importBundledKnowledge(join(opts.examplesDir, 'knowledge'), wired.knowledge);
      if (bases.length > 0) print(`Imported example knowledge bases: ${bases.join(', ')}`);
    }

    let worker: RunWorker | undefined;
    let experimentWorker: ExperimentWorker | undefined;
    if (executes) {
      worker = new RunWorker({
        runs,
        queue,
        native: database.native,
        workers: store.workers,
        role,
        concurrency: config.worker.concurrency,
        leaseSeconds: config.worker.leaseSeconds,
        exclusive: !shared,
        onWait: print,
        onError: printError,
      });
      // The worker id first: the runs it owns are recovered only by the process that holds it.
      await worker.claim();
      const recovered = await runs.recover({ exclusive: !shared });
      if (recovered.resumed.length + recovered.failed.length > 0) {
        print(`Recovered runs after a restart: ${recovered.resumed.length} resumed, ${recovered.failed.length} failed`);
      }
      await worker.start();
      // Experiments are driven by workers too: their state is in the database, their job in the queue.
      experimentWorker = new ExperimentWorker({
        driver: wired.evaluations.driver,
        experiments: store.experiments,
        queue: experimentQueue,
        owner,
        leaseSeconds: config.worker.leaseSeconds,
        concurrency: EXPERIMENTS_PER_WORKER,
        onError: printError,
      });
      await experimentWorker.start();
    }
    const drain = async () => {
      await experimentWorker?.stop();
      await worker?.stop();
    };
    const server = serves
      ? await startServer({
          config,
          deps,
          eventLog,
          drain,
          print,
          ...(experimentFeed ? { experiments: experimentFeed } : {}),
          ...(rateLimits ? { rateLimits } : {}),
        })
      : await startWorkerHealth(config, deps, worker, print);
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= server
        .stop()
        .then(() => (serves ? undefined : drain()))
        .finally(async () => {
          for (const close of closeOnStop) await close().catch(() => undefined);
        })
        .finally(() => database.close());
      return stopping;
    };
    return { server, store, runs, queue, worker, imported, stop };
  } catch (err) {
    for (const close of closeOnStop) await close().catch(() => undefined);
    await database.close();
    throw err;
  }
}

async function startWorkerHealth(
  config: EngineConfig,
  deps: Pick<HttpDeps, 'health' | 'metrics'>,
  worker: RunWorker | undefined,
  print: (text: string) => void,
) {
  const { health, metrics } = deps;
  const server = await startHealthServer({
    port: config.port,
    host: config.host,
    checks: async () => ({ ...(health ? await health() : {}), worker: worker?.healthy === true }),
    ...(metrics
      ? {
          metrics: {
            contentType: metrics.contentType,
            render: () => metrics.metrics(),
            ...(config.metricsToken ? { token: config.metricsToken } : {}),
            open: isLoopback(config.host),
          },
        }
      : {}),
  });
  print(
    `Flowcraft worker ${worker?.id ?? ''} ready: ${config.worker.concurrency} runs at once; health at ${server.url}/v1/health`,
  );
  return server;
}
