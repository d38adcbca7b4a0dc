import { z } from 'zod';
import type { WorkflowDocument } from '@flowcraft/schema';
import { ApiError, request } from './http.js';
import {
  NodeTypeList,
  TemplateList,
  ValidationReport,
  Workflow,
  WorkflowSummary,
  WorkflowVersion,
  WorkflowVersionSummary,
  pageOf,
} from './schemas.js';
import type { Template } from './schemas.js';

const enc = encodeURIComponent;

export function listWorkflows(q?: string, cursor?: string, limit = 100) {
  return request('/v1/workflows', pageOf(WorkflowSummary), { query: { q, limit, cursor } });
}

export function getWorkflow(id: string) {
  return request(`/v1/workflows/${enc(id)}`, Workflow);
}

export function createWorkflow(document: WorkflowDocument | Record<string, unknown>, message?: string) {
  return request('/v1/workflows', Workflow, { method: 'POST', body: message ? { document, message } : { document } });
}

export function saveWorkflow(id: string, document: WorkflowDocument, expectedVersion?: number, message?: string) {
  const body: Record<string, unknown> = { document };
  if (expectedVersion !== undefined) body.expectedVersion = expectedVersion;
  if (message) body.message = message;
  return request(`/v1/workflows/${enc(id)}`, Workflow, { method: 'PUT', body });
}

export function deleteWorkflow(id: string) {
  return request(`/v1/workflows/${enc(id)}`, z.undefined(), { method: 'DELETE' });
}

export function listVersions(id: string) {
  return request(`/v1/workflows/${enc(id)}/versions`, pageOf(WorkflowVersionSummary), { query: { limit: 100 } });
}

export function getVersion(id: string, version: number) {
  return request(`/v1/workflows/${enc(id)}/versions/${version}`, WorkflowVersion);
}

export function importWorkflow(document: unknown) {
  return request('/v1/workflows/import', Workflow, { method: 'POST', body: document, query: { onConflict: 'copy' } });
}

export function exportWorkflow(id: string) {
  return request(`/v1/workflows/${enc(id)}/export`, z.record(z.string(), z.unknown()));
}

export function validateDocument(document: WorkflowDocument, signal?: AbortSignal) {
  return request('/v1/workflows/validate', ValidationReport, {
    method: 'POST',
    body: document,
    ...(signal ? { signal } : {}),
  });
}

export async function listNodeTypes() {
  return (await request('/v1/node-types', NodeTypeList)).items;
}

/** Example workflows to start from; an engine without the templates endpoint has none. */
export async function listTemplates(): Promise<Template[]> {
  try {
    return (await request('/v1/templates', TemplateList)).items;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 405)) return [];
    if (err instanceof z.ZodError || err instanceof SyntaxError) return [];
    throw err;
  }
}
