import { z } from 'zod';
import { ErrorInfo } from '../errors.js';
import { ResourceId, Timestamp } from '../wire/common.js';
import { EvaluatorResult } from './evaluator-result.js';

/** `POST /v1/evaluations`: run every case of a dataset against one workflow version. */
export const StartExperimentBody = z
  .object({
    workflowId: ResourceId,
    /** Default: the latest version. */
    version: z.number().int().min(1).max(2_147_483_647).optional(),
    datasetId: ResourceId,
    /** Cases running at once. */
    concurrency: z.number().int().min(1).max(200).default(4),
    /** Only cases carrying every one of these tags. */
    tags: z.array(z.string().min(1).max(64)).max(32).optional(),
    name: z.string().max(200).optional(),
  })
  .strict();
export type StartExperimentBody = z.infer<typeof StartExperimentBody>;

export const ExperimentStatus = z.enum(['running', 'completed', 'cancelled', 'failed']);
export type ExperimentStatus = z.infer<typeof ExperimentStatus>;

export const Experiment = z.object({
  id: ResourceId,
  name: z.string(),
  workflowId: ResourceId,
  workflowVersion: z.number().int().min(1),
  datasetId: ResourceId,
  concurrency: z.number().int().min(1),
  status: ExperimentStatus,
  total: z.number().int().min(0),
  passed: z.number().int().min(0),
  failed: z.number().int().min(0),
  /** Cases not finished yet. */
  pending: z.number().int().min(0),
  costUsd: z.number().min(0),
  createdAt: Timestamp,
  finishedAt: Timestamp.nullable(),
});
export type Experiment = z.infer<typeof Experiment>;

/** `pending` / `running` before the case's run ends; `passed` / `failed` after (`failed` also when the run failed). */
export const CaseResultStatus = z.enum(['pending', 'running', 'passed', 'failed']);
export type CaseResultStatus = z.infer<typeof CaseResultStatus>;

/** One case of one experiment: its run (a normal run, open it in the debugger) and the verdict. */
export const CaseResult = z.object({
  experimentId: ResourceId,
  caseId: ResourceId,
  caseName: z.string(),
  status: CaseResultStatus,
  runId: ResourceId.nullable(),
  threadId: ResourceId.nullable(),
  /** The run's final status (`completed`, `failed`, …), null before it ends. */
  runStatus: z.string().nullable(),
  score: z.number().min(0).max(1).nullable(),
  reason: z.string().nullable(),
  results: z.array(EvaluatorResult),
  costUsd: z.number().min(0).nullable(),
  tokens: z.number().int().min(0).nullable(),
  durationMs: z.number().min(0).nullable(),
  /** How many times this case was run in the experiment (re-runs count). */
  attempts: z.number().int().min(0),
  error: ErrorInfo.nullable(),
  updatedAt: Timestamp,
});
export type CaseResult = z.infer<typeof CaseResult>;

export const ExperimentDetail = Experiment.extend({ results: z.array(CaseResult) });
export type ExperimentDetail = z.infer<typeof ExperimentDetail>;

/** How a case changed from the base experiment to the head one. Regressions first in a comparison. */
export const CaseChange = z.enum(['regression', 'fixed', 'still_failing', 'still_passing', 'added', 'removed']);
export type CaseChange = z.infer<typeof CaseChange>;

const Side = z
  .object({
    status: CaseResultStatus,
    score: z.number().nullable(),
    reason: z.string().nullable(),
    runId: ResourceId.nullable(),
    costUsd: z.number().nullable(),
    durationMs: z.number().nullable(),
  })
  .nullable();

export const ComparisonRow = z.object({
  caseId: ResourceId,
  caseName: z.string(),
  change: CaseChange,
  base: Side,
  head: Side,
});
export type ComparisonRow = z.infer<typeof ComparisonRow>;

export const ExperimentComparison = z.object({
  base: Experiment,
  head: Experiment,
  counts: z.record(CaseChange, z.number().int().min(0)),
  rows: z.array(ComparisonRow),
});
export type ExperimentComparison = z.infer<typeof ExperimentComparison>;

/**
 * Socket.IO `experiment.progress` (after `watchExperiment {experimentId}`): the experiment's counts and
 * status, and case results — all of them in the first message, afterwards those that changed (replace by `caseId`).
 */
export const ExperimentProgress = z.object({ experiment: Experiment, results: z.array(CaseResult) });
export type ExperimentProgress = z.infer<typeof ExperimentProgress>;
