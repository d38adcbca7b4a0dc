import { DrizzleSaver } from './checkpointer/drizzle-saver.js';
import type { Database } from './db.js';
import { createAccessRepo } from './repos/access-repo.js';
import { createRunEventsRepo } from './repos/run-events-repo.js';
import type { RunEventsRepo } from './repos/run-events-repo.js';
import { createRunsRepo } from './repos/runs-repo.js';
import { createWorkersRepo } from './repos/workers-repo.js';
import { createSecretsRepo } from './repos/secrets-repo.js';
import { createUsageRepo } from './repos/usage-repo.js';
import { createThreadsRepo } from './repos/threads-repo.js';
import { createWorkflowsRepo } from './repos/workflows-repo.js';
import { createKnowledgeRepo } from './repos/knowledge-repo.js';
import { createDatasetsRepo } from './repos/datasets-repo.js';
import { createExperimentsRepo } from './repos/experiments-repo.js';
import { createRunCommit } from './run-commit.js';
import { createTransitionWithEvents } from './repos/transition-with-events.js';
import { groupedAppends } from './repos/grouped-appends.js';

export { openDatabase, openLibraryPool, poolSizeIn, DEFAULT_POOL_SIZE, MIGRATIONS_FOLDER } from './db.js';
export { connectionRoom, connectionShortfall, connectionsNeeded } from './connection-budget.js';
export type { Database, DatabaseKind, OpenDatabase, OpenDatabaseOptions } from './db.js';
export { createServerDatabase } from './server-database.js';
export type { NativeSql, SqlRow } from './native-sql.js';
export { DEFAULT_LEASE_SECONDS } from './repos/runs-repo.js';
export type { ServerDatabase } from './server-database.js';
export { DrizzleSaver } from './checkpointer/drizzle-saver.js';
export { DrizzleStore } from './memory/drizzle-store.js';
export type { DrizzleStoreOptions, MemoryIndexConfig, MemoryTtlConfig } from './memory/drizzle-store.js';
export type {
  KnowledgeRepo,
  KnowledgeBaseRow,
  KnowledgeDocumentRow,
  KnowledgeSearchMode,
  ScoredChunk,
} from './repos/knowledge-repo.js';
export { ACTIVE_RUN_STATUSES } from './schema/index.js';
export type { RunCommand } from './schema/index.js';
export type { RunStatus } from './schema/index.js';
export * as tables from './schema/index.js';
export type {
  Workflow,
  WorkflowVersion,
  WorkflowVersionSummary,
  SaveWorkflow,
  ListWorkflows,
  WorkflowsRepo,
} from './repos/workflows-repo.js';
export type { Thread, CreateThread, ThreadsRepo } from './repos/threads-repo.js';
export type { Run, CreateRun, ListRuns, RunChange, RunExpectation, RunsRepo } from './repos/runs-repo.js';
export type { RunEvent, NewRunEvent, RunEventsRepo } from './repos/run-events-repo.js';
export { RUN_EVENTS_CHANNEL } from './repos/run-events-repo.js';
export type { WorkerBeat, WorkerHolder, WorkerRow, WorkersRepo } from './repos/workers-repo.js';
export type { Page } from './repos/page.js';
export type { AccessRepo, ApiKeyRow, AuditQuery, AuditRow, NewAuditRow, UserRow } from './repos/access-repo.js';
export type { DatasetsRepo, CaseQuery } from './repos/datasets-repo.js';
export type { ExperimentsRepo, NewExperiment, CaseOutcome } from './repos/experiments-repo.js';
export { EXPERIMENT_PROGRESS_CHANNEL } from './repos/experiments-repo.js';
export { USAGE_DIMENSIONS, startOfUtcDay } from './repos/usage-repo.js';
export type { UsageDimension, UsageFilter, UsageRepo, UsageRow } from './repos/usage-repo.js';

export interface StoreOptions {
  /** Several processes share the database: announce stored run events by NOTIFY. */
  notifyEvents?: boolean;
  /**
   * Group commit across runs (events and checkpoints of many runs in shared statements): for a
   * database server with a connection pool. Off for the embedded database, which runs one statement
   * at a time on the main thread (a bigger statement only delays everything else).
   */
  groupCommit?: boolean;
  /**
   * A new run, its thread and its job go to the database as one statement (the queue builds the
   * job's part: `RunQueue.jobStatement`). Off for the embedded database (a transaction there).
   */
  pipeline?: boolean;
  /** With `groupCommit`: where the grouped statements run (`OpenDatabase.groupDb`); default `db`. */
  groupDb?: Database | undefined;
}

/** Every repository plus the checkpointer, over one database (PGlite or Postgres). */
export function createStore(db: Database, options: StoreOptions = {}) {
  const runEvents = createRunEventsRepo(db, { notify: options.notifyEvents ?? false });
  return {
    db,
    pipeline: options.pipeline ?? false,
    workflows: createWorkflowsRepo(db),
    threads: createThreadsRepo(db),
    runs: createRunsRepo(db),
    runEvents,
    workers: createWorkersRepo(db),
    secrets: createSecretsRepo(db),
    usage: createUsageRepo(db),
    access: createAccessRepo(db),
    datasets: createDatasetsRepo(db),
    experiments: createExperimentsRepo(db),
    checkpointer: new DrizzleSaver(db),
    /**
     * A lifecycle transition and the trace events it ends with (the final event) in one statement:
     * both or neither; undefined when the run no longer matches the expectation.
     */
    transitionWithEvents: createTransitionWithEvents(db, { notify: options.notifyEvents ?? false }),
    /**
     * Stores a run's trace events and one checkpointer write (`write` calls the target it gets) in
     * one statement: both or neither.
     */
    commitEventsWithWrite: createRunCommit(db, {
      notify: options.notifyEvents ?? false,
      groupCommit: options.groupCommit ?? false,
      groupDb: options.groupDb,
    }),
    /**
     * `runEvents.appendMany`, with `groupCommit` across runs: batches of many runs that arrive
     * together are stored by one statement (each run's outcome its own).
     */
    appendEventsGrouped: (runId: string, events: Parameters<RunEventsRepo['appendMany']>[1]) =>
      options.groupCommit
        ? groupedAppends(options.groupDb ?? db, options.notifyEvents ?? false).append(runId, events)
        : runEvents.appendMany(runId, events),
    knowledge: createKnowledgeRepo(db),
  };
}

export type Store = ReturnType<typeof createStore>;
export { migrationsApplied } from './migration-status.js';
