import type { Database } from '../db.js';
import { createRunsRepo } from './runs-repo.js';
import { createThreadsRepo } from './threads-repo.js';
import { createWorkflowsRepo } from './workflows-repo.js';

/** Test helper: a workflow, a thread and a queued run on it (rows only), for repository tests. */
export async function createTestRun(db: Database): Promise<{ workflowId: string; threadId: string; runId: string }> {
  const { workflow } = await createWorkflowsRepo(db).create({ name: 'test run', document: {}, valid: true });
  const thread = await createThreadsRepo(db).create({ workflowId: workflow.id });
  const run = await createRunsRepo(db).create({ threadId: thread.id, workflowId: workflow.id, workflowVersion: 1 });
  return { workflowId: workflow.id, threadId: thread.id, runId: run.id };
}
