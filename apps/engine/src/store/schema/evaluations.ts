import { sql } from 'drizzle-orm';
import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { ErrorInfo, EvaluatorResult, TestCaseBody } from '@flowcraft/schema';
import { workflows } from './workflows.js';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/** The unique index on a dataset's name within its workflow (trimmed, case-insensitive; `0008_dataset_names`). */
export const DATASET_NAME_INDEX = 'datasets_workflow_name_key';

/** A named set of test cases for one workflow; no two of a workflow share a name (trimmed, any case). */
export const datasets = pgTable(
  'datasets',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('datasets_workflow_idx').on(t.workflowId, t.createdAt),
    uniqueIndex(DATASET_NAME_INDEX).on(t.workflowId, sql`lower(btrim(${t.name}))`),
  ],
);

/** One test case; `body` is the whole `TestCaseBody` (name and tags also in columns for search). */
export const testCases = pgTable(
  'test_cases',
  {
    id: text('id').primaryKey(),
    datasetId: text('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tags: text('tags').array().notNull().default([]),
    body: jsonb('body').$type<TestCaseBody>().notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('test_cases_dataset_idx').on(t.datasetId, t.createdAt, t.id),
    index('test_cases_tags_idx').using('gin', t.tags),
  ],
);

/** One run of a dataset's cases against one workflow version. Counts come from its results. */
export const experiments = pgTable(
  'experiments',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    workflowVersion: integer('workflow_version').notNull(),
    datasetId: text('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    concurrency: integer('concurrency').notNull(),
    status: text('status').$type<'running' | 'completed' | 'cancelled' | 'failed'>().notNull().default('running'),
    createdAt: at('created_at').notNull().defaultNow(),
    finishedAt: at('finished_at'),
    /** The worker driving the experiment (starting its case runs, judging them) and until when it holds it. */
    driver: text('driver'),
    leaseUntil: at('lease_until'),
  },
  (t) => [
    index('experiments_dataset_idx').on(t.datasetId, t.createdAt),
    index('experiments_workflow_idx').on(t.workflowId, t.createdAt),
  ],
);

/** One case of one experiment: its run and verdict. Kept when the case is later deleted. */
export const experimentResults = pgTable(
  'experiment_results',
  {
    experimentId: text('experiment_id')
      .notNull()
      .references(() => experiments.id, { onDelete: 'cascade' }),
    caseId: text('case_id').notNull(),
    position: integer('position').notNull(),
    caseName: text('case_name').notNull(),
    status: text('status').$type<'pending' | 'running' | 'passed' | 'failed'>().notNull().default('pending'),
    runId: text('run_id'),
    threadId: text('thread_id'),
    runStatus: text('run_status'),
    score: doublePrecision('score'),
    reason: text('reason'),
    results: jsonb('results').$type<EvaluatorResult[]>().notNull().default([]),
    costUsd: doublePrecision('cost_usd'),
    tokens: integer('tokens'),
    durationMs: doublePrecision('duration_ms'),
    attempts: integer('attempts').notNull().default(0),
    error: jsonb('error').$type<ErrorInfo>(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.experimentId, t.caseId] }), index('experiment_results_run_idx').on(t.runId)],
);
