import { FlowError, isRecord } from '@flowcraft/schema';
import type { NewWorkflow, NewWorkflowVersion, WorkflowStore } from '../http/deps.js';
import type { Page, Workflow, WorkflowSummary, WorkflowVersion, WorkflowVersionSummary } from '@flowcraft/schema';
import type { PageQuery } from '../http/schemas/common.js';
import type { DraftDocument, ListWorkflowsQuery } from '../http/schemas/workflow.js';
import type { Workflow as WorkflowRow, WorkflowVersion as VersionRow, WorkflowsRepo } from '../store/index.js';
import { paginate } from './paginate.js';

/**
 * `WorkflowStore` over the workflows repository. The store keeps no per-version name or message:
 * a version's name is its document's `name`, and `message` is always null.
 */
export class StoreWorkflowStore implements WorkflowStore {
  constructor(private readonly repo: WorkflowsRepo) {}

  async create(input: NewWorkflow): Promise<Workflow> {
    const { workflow, version } = await this.repo.create({
      id: input.id,
      name: input.name,
      description: input.description,
      document: input.document,
      valid: input.valid,
      problems: input.problems,
    });
    return detailOf(workflow, version);
  }

  async list(query: ListWorkflowsQuery): Promise<Page<WorkflowSummary>> {
    const page = await this.repo.list({ search: query.q, limit: query.limit, cursor: query.cursor });
    const items = await Promise.all(
      page.items.map(async (w) => summaryOf(w, await this.repo.getVersion(w.id, w.currentVersion))),
    );
    return { items, nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<Workflow | undefined> {
    const workflow = await this.repo.find(id);
    if (workflow === undefined) return undefined;
    return detailOf(workflow, await this.repo.getVersion(id, workflow.currentVersion));
  }

  async saveVersion(
    id: string,
    input: NewWorkflowVersion & { expectedVersion?: number },
  ): Promise<Workflow | undefined> {
    if ((await this.repo.find(id)) === undefined) return undefined;
    const { workflow, version } = await this.repo.update(id, {
      name: input.name,
      description: input.description,
      document: input.document,
      valid: input.valid,
      problems: input.problems,
      expectedVersion: input.expectedVersion,
    });
    return detailOf(workflow, version);
  }

  async delete(id: string): Promise<boolean> {
    if ((await this.repo.find(id)) === undefined) return false;
    await this.repo.remove(id);
    return true;
  }

  async listVersions(id: string, query: PageQuery): Promise<Page<WorkflowVersionSummary> | undefined> {
    const workflow = await this.repo.find(id);
    if (workflow === undefined) return undefined;
    const page = paginate(await this.repo.listVersions(id), query);
    const items = await Promise.all(
      page.items.map(async (v) => {
        const {
          document: _d,
          problems: _p,
          ...summary
        } = versionOf(await this.repo.getVersion(id, v.version), workflow.name);
        return summary;
      }),
    );
    return { items, nextCursor: page.nextCursor };
  }

  async getVersion(id: string, version: number): Promise<WorkflowVersion | undefined> {
    const workflow = await this.repo.find(id);
    try {
      return versionOf(await this.repo.getVersion(id, version), workflow?.name ?? id);
    } catch (err) {
      if (err instanceof FlowError && err.code === 'not_found') return undefined;
      throw err;
    }
  }
}

function documentOf(row: VersionRow): DraftDocument {
  return isRecord(row.document) ? row.document : {};
}

function summaryOf(w: WorkflowRow, latest: VersionRow): WorkflowSummary {
  return {
    id: w.id,
    name: w.name,
    description: w.description,
    version: w.currentVersion,
    valid: latest.valid,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}

function detailOf(w: WorkflowRow, latest: VersionRow): Workflow {
  return { ...summaryOf(w, latest), document: documentOf(latest), problems: latest.problems };
}

function versionOf(row: VersionRow, fallbackName: string): WorkflowVersion {
  const document = documentOf(row);
  const name = typeof document['name'] === 'string' && document['name'].trim() !== '' ? document['name'] : fallbackName;
  return {
    workflowId: row.workflowId,
    version: row.version,
    name,
    valid: row.valid,
    message: null,
    createdAt: row.createdAt.toISOString(),
    document,
    problems: row.problems,
  };
}
