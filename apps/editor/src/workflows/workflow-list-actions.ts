import { WorkflowDocument } from '@flowcraft/schema';
import {
  createWorkflow,
  deleteWorkflow,
  exportWorkflow,
  getWorkflow,
  importWorkflow,
  saveWorkflow,
} from '../api/workflows-api.js';
import type { Template, WorkflowSummary } from '../api/schemas.js';
import { newWorkflow } from '../model/new-workflow.js';
import { downloadJson, fileNameFor, readWorkflowFile } from '../model/workflow-file.js';
import { copyName } from '../model/copy-name.js';
import { listWorkflows } from '../api/workflows-api.js';

/** Workflow-list operations over the API; each returns the id to open, if any. */

export async function createEmpty(name: string): Promise<string> {
  return (await createWorkflow(newWorkflow(name))).id;
}

export async function renameWorkflow(id: string, name: string): Promise<void> {
  const wf = await getWorkflow(id);
  const parsed = WorkflowDocument.safeParse(wf.document);
  if (!parsed.success) throw new Error('This draft cannot be renamed here; open it and fix it first.');
  await saveWorkflow(id, { ...parsed.data, name }, wf.version, `renamed to ${name}`);
}

/** Names of stored workflows that start like `name` (to number copies). */
async function namesLike(name: string): Promise<string[]> {
  return (await listWorkflows(name.replace(/ \(copy(?: \d+)?\)$/, ''))).items.map((w) => w.name);
}

export async function duplicateWorkflow(summary: WorkflowSummary): Promise<string> {
  const wf = await getWorkflow(summary.id);
  const name = copyName(summary.name, await namesLike(summary.name));
  return (await createWorkflow({ ...wf.document, name }, `copy of ${summary.id} v${wf.version}`)).id;
}

export async function removeWorkflow(id: string): Promise<void> {
  await deleteWorkflow(id);
}

export async function exportToFile(summary: WorkflowSummary): Promise<void> {
  downloadJson(fileNameFor(summary.name), await exportWorkflow(summary.id));
}

export async function importFile(file: File): Promise<string> {
  return (await importWorkflow(await readWorkflowFile(file))).id;
}

export async function createFromTemplate(template: Template): Promise<string> {
  const name = copyName(template.name, await namesLike(template.name));
  return (await createWorkflow({ ...template.document, name }, `from template ${template.id}`)).id;
}
