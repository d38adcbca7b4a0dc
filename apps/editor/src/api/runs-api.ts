import { request } from './http.js';
import { Run, RunHandle, pageOf } from './schemas.js';

export interface StartRun {
  workflowId: string;
  version?: number;
  input: Record<string, unknown>;
  /** Continue this thread (with `checkpointId`: fork it from that checkpoint). */
  threadId?: string;
  checkpointId?: string;
  /** Breakpoints of a debug run (canvas node ids). */
  interruptBefore?: string[];
  interruptAfter?: string[];
}

export function startRun(body: StartRun) {
  return request('/v1/runs', RunHandle, { method: 'POST', body });
}

export function getRun(id: string) {
  return request(`/v1/runs/${encodeURIComponent(id)}`, Run);
}

export function listRuns(workflowId: string) {
  return request('/v1/runs', pageOf(Run), { query: { workflowId, limit: 20 } });
}

export function cancelRun(id: string) {
  return request(`/v1/runs/${encodeURIComponent(id)}/cancel`, Run, { method: 'POST', body: {} });
}

export function resumeRun(id: string, answer: { value: unknown } | { answers: Record<string, unknown> }) {
  return request(`/v1/runs/${encodeURIComponent(id)}/resume`, Run, { method: 'POST', body: answer });
}

export function listRunsPage(workflowId: string, limit = 50) {
  return request('/v1/runs', pageOf(Run), { query: { workflowId, limit } });
}
