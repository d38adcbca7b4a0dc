import { z } from '@hono/zod-openapi';
import {
  Assertion as WireAssertion,
  CaseResult as WireCaseResult,
  Dataset as WireDataset,
  DatasetBody as WireDatasetBody,
  Experiment as WireExperiment,
  ExperimentComparison as WireExperimentComparison,
  ExperimentDetail as WireExperimentDetail,
  StartExperimentBody as WireStartExperimentBody,
  TestCase as WireTestCase,
  TestCaseBody as WireTestCaseBody,
} from '@flowcraft/schema';
import { Id, named } from './common.js';

export const DatasetBody = named(WireDatasetBody, 'DatasetBody');
export const Dataset = named(WireDataset, 'Dataset');
export const DatasetList = z.object({ items: z.array(Dataset) }).openapi('DatasetList');
export const UpdateDatasetBody = z
  .object({ name: z.string().trim().min(1).max(200).optional(), description: z.string().max(2000).optional() })
  .strict()
  .openapi('UpdateDatasetBody');

export const Assertion = named(WireAssertion, 'Assertion');
export const TestCaseBody = named(WireTestCaseBody, 'TestCaseBody');
export const TestCase = named(WireTestCase, 'TestCase');
export const TestCaseList = z.object({ items: z.array(TestCase) }).openapi('TestCaseList');
export const AddCasesBody = z
  .object({ cases: z.array(TestCaseBody).min(1).max(1000) })
  .strict()
  .openapi('AddCasesBody');
export const ImportCasesBody = z
  .object({ jsonl: z.string().min(1).openapi({ description: 'One test case JSON object per line.' }) })
  .strict()
  .openapi('ImportCasesBody');
export const CaseFromRunBody = z
  .object({
    runId: Id,
    checkpointId: z.string().min(1).max(200).optional().openapi({
      description: "Continue from this checkpoint of the run's thread (a debugger checkpoint or an edited fork).",
    }),
    name: z.string().min(1).max(200),
    tags: z
      .array(
        z
          .string()
          .min(1)
          .max(64)
          .regex(/^[^\s,]+$/),
      )
      .max(32)
      .optional(),
    expectOutput: z
      .boolean()
      .optional()
      .openapi({ description: "Store the run's output as the expected output (default: when the run completed)." }),
    assertions: z.array(Assertion).max(50).optional(),
  })
  .strict()
  .openapi('CaseFromRunBody');

const tagList = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : value,
  z.array(z.string().min(1).max(64)).max(32),
);

export const DatasetParams = z.object({ datasetId: Id.openapi({ param: { name: 'datasetId', in: 'path' } }) });
export const CaseParams = DatasetParams.extend({ caseId: Id.openapi({ param: { name: 'caseId', in: 'path' } }) });
export const ListDatasetsQuery = z.object({ workflowId: Id.optional() });
export const ListCasesQuery = z.object({
  tags: tagList.optional().openapi({ description: 'Comma-separated: cases carrying all of them.', type: 'string' }),
  q: z.string().max(200).optional().openapi({ description: 'Case-insensitive search in case names.' }),
});

export const StartExperimentBody = named(WireStartExperimentBody, 'StartExperimentBody');
export const Experiment = named(WireExperiment, 'Experiment');
export const ExperimentDetail = named(WireExperimentDetail, 'ExperimentDetail');
export const ExperimentList = z.object({ items: z.array(Experiment) }).openapi('ExperimentList');
export const CaseResult = named(WireCaseResult, 'CaseResult');
export const ExperimentComparison = named(WireExperimentComparison, 'ExperimentComparison');
export const ExperimentParams = z.object({
  experimentId: Id.openapi({ param: { name: 'experimentId', in: 'path' } }),
});
export const ExperimentCaseParams = ExperimentParams.extend({
  caseId: Id.openapi({ param: { name: 'caseId', in: 'path' } }),
});
export const ListExperimentsQuery = z.object({ datasetId: Id.optional(), workflowId: Id.optional() });
export const CompareQuery = z.object({
  base: Id.openapi({ description: 'The earlier experiment (e.g. the current version).' }),
  head: Id.openapi({ description: 'The experiment to judge against it (e.g. the new version).' }),
});
