import { z } from 'zod';
import {
  CaseResult,
  Dataset,
  Experiment,
  ExperimentComparison,
  ExperimentDetail,
  TestCase,
  type TestCaseBodyInput,
} from '@flowcraft/schema';
import { request } from './http.js';

/** Datasets, test cases and experiments (`/v1/datasets`, `/v1/evaluations`). */
const DatasetList = z.object({ items: z.array(Dataset) });
const CaseList = z.object({ items: z.array(TestCase) });
const ExperimentList = z.object({ items: z.array(Experiment) });
const Nothing = z.undefined();

export const listDatasets = async (workflowId: string) =>
  (await request('/v1/datasets', DatasetList, { query: { workflowId } })).items;
export const createDataset = (workflowId: string, name: string) =>
  request('/v1/datasets', Dataset, { method: 'POST', body: { workflowId, name } });
export const deleteDataset = (id: string) => request(`/v1/datasets/${id}`, Nothing, { method: 'DELETE' });
export const listCases = async (datasetId: string, query: { tags?: string; q?: string } = {}) =>
  (await request(`/v1/datasets/${datasetId}/cases`, CaseList, { query })).items;
export const addCases = async (datasetId: string, cases: TestCaseBodyInput[]) =>
  (await request(`/v1/datasets/${datasetId}/cases`, CaseList, { method: 'POST', body: { cases } })).items;
export const deleteCase = (datasetId: string, caseId: string) =>
  request(`/v1/datasets/${datasetId}/cases/${caseId}`, Nothing, { method: 'DELETE' });
export const importCases = async (datasetId: string, jsonl: string) =>
  (await request(`/v1/datasets/${datasetId}/import`, CaseList, { method: 'POST', body: { jsonl } })).items;
export const exportUrl = (datasetId: string) => `v1/datasets/${datasetId}/export`;
export const saveRunAsCase = (
  datasetId: string,
  body: { runId: string; checkpointId?: string; name: string; tags?: string[] },
) => request(`/v1/datasets/${datasetId}/cases/from-run`, TestCase, { method: 'POST', body });

export const startExperiment = (body: {
  workflowId: string;
  datasetId: string;
  version?: number;
  concurrency: number;
}) => request('/v1/evaluations', Experiment, { method: 'POST', body });
export const listExperiments = async (datasetId: string) =>
  (await request('/v1/evaluations', ExperimentList, { query: { datasetId } })).items;
export const getExperiment = (id: string) => request(`/v1/evaluations/${id}`, ExperimentDetail);
export const rerunCase = (experimentId: string, caseId: string) =>
  request(`/v1/evaluations/${experimentId}/cases/${caseId}/rerun`, CaseResult, { method: 'POST' });
export const compareExperiments = (base: string, head: string) =>
  request('/v1/evaluations/compare', ExperimentComparison, { query: { base, head } });
