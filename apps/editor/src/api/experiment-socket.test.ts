import { describe, expect, it } from 'vitest';
import type { CaseResult, Experiment } from '@flowcraft/schema';
import { applyProgress } from './experiment-socket.js';

const result = (caseId: string, status: CaseResult['status']): CaseResult => ({
  experimentId: 'e',
  caseId,
  caseName: caseId,
  status,
  runId: null,
  threadId: null,
  runStatus: null,
  score: null,
  reason: null,
  results: [],
  costUsd: null,
  tokens: null,
  durationMs: null,
  attempts: 0,
  error: null,
  updatedAt: '2026-01-01T00:00:00.000Z',
});
const experiment = (passed: number, status: Experiment['status']): Experiment => ({
  id: 'e',
  name: 'e',
  workflowId: 'w',
  workflowVersion: 1,
  datasetId: 'd',
  concurrency: 2,
  status,
  total: 2,
  passed,
  failed: 0,
  pending: 2 - passed,
  costUsd: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  finishedAt: null,
});

describe('applyProgress', () => {
  it('replaces changed results by case, keeps their order and the others, takes the new counts', () => {
    const detail = { ...experiment(0, 'running'), results: [result('a', 'running'), result('b', 'pending')] };
    const next = applyProgress(detail, { experiment: experiment(1, 'running'), results: [result('b', 'passed')] });
    expect(next.results.map((r) => [r.caseId, r.status])).toEqual([
      ['a', 'running'],
      ['b', 'passed'],
    ]);
    expect(next).toMatchObject({ passed: 1, pending: 1, status: 'running' });
    const done = applyProgress(next, { experiment: experiment(2, 'completed'), results: [result('a', 'passed')] });
    expect(done.results.map((r) => r.status)).toEqual(['passed', 'passed']);
    expect(done.status).toBe('completed');
  });
});
