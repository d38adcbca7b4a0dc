import { FlowError } from '@flowcraft/schema';
import type { NewWorkflow, NewWorkflowVersion, WorkflowStore } from '../deps.js';
import type { Page, PageQuery } from '../schemas/common.js';
import type {
  ListWorkflowsQuery,
  Workflow,
  WorkflowSummary,
  WorkflowVersion,
  WorkflowVersionSummary,
} from '../schemas/workflow.js';
import { steppingClock } from './clock.js';
import { paginate } from './paginate.js';

interface Entry {
  id: string;
  createdAt: string;
  versions: WorkflowVersion[];
}

/** `WorkflowStore` in memory, for route tests. */
export class MemoryWorkflowStore implements WorkflowStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => string = steppingClock()) {}

  async create(input: NewWorkflow): Promise<Workflow> {
    if (this.entries.has(input.id)) throw new FlowError('conflict', `A workflow with id "${input.id}" exists.`);
    const entry: Entry = { id: input.id, createdAt: this.now(), versions: [] };
    this.entries.set(input.id, entry);
    return this.append(entry, input);
  }

  async list(query: ListWorkflowsQuery): Promise<Page<WorkflowSummary>> {
    const needle = query.q?.toLowerCase();
    const all = [...this.entries.values()]
      .map((entry) => summaryOf(entry))
      .filter((w) => !needle || `${w.name}\n${w.description}`.toLowerCase().includes(needle))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.id.localeCompare(b.id));
    return paginate(all, query);
  }

  async get(id: string): Promise<Workflow | undefined> {
    const entry = this.entries.get(id);
    return entry ? detailOf(entry) : undefined;
  }

  async saveVersion(
    id: string,
    input: NewWorkflowVersion & { expectedVersion?: number },
  ): Promise<Workflow | undefined> {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    const latest = entry.versions.length;
    if (input.expectedVersion !== undefined && input.expectedVersion !== latest) {
      throw new FlowError(
        'conflict',
        `Workflow "${id}" is at version ${latest}, not ${input.expectedVersion}; reload it and save again.`,
      );
    }
    return this.append(entry, input);
  }

  async delete(id: string): Promise<boolean> {
    return this.entries.delete(id);
  }

  async listVersions(id: string, query: PageQuery): Promise<Page<WorkflowVersionSummary> | undefined> {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    return paginate(
      [...entry.versions].reverse().map(({ document: _d, problems: _p, ...summary }) => summary),
      query,
    );
  }

  async getVersion(id: string, version: number): Promise<WorkflowVersion | undefined> {
    return this.entries.get(id)?.versions[version - 1];
  }

  private append(entry: Entry, input: NewWorkflowVersion): Workflow {
    entry.versions.push({
      workflowId: entry.id,
      version: entry.versions.length + 1,
      name: input.name,
      valid: input.valid,
      message: input.message,
      createdAt: this.now(),
      document: structuredClone(input.document),
      problems: input.problems,
    });
    return detailOf(entry);
  }
}

function latestOf(entry: Entry): WorkflowVersion {
  const latest = entry.versions.at(-1);
  if (!latest) throw new Error(`workflow ${entry.id} has no version`);
  return latest;
}

function summaryOf(entry: Entry): WorkflowSummary {
  const latest = latestOf(entry);
  const description = latest.document['description'];
  return {
    id: entry.id,
    name: latest.name,
    description: typeof description === 'string' ? description : '',
    version: latest.version,
    valid: latest.valid,
    createdAt: entry.createdAt,
    updatedAt: latest.createdAt,
  };
}

function detailOf(entry: Entry): Workflow {
  const latest = latestOf(entry);
  return { ...summaryOf(entry), document: structuredClone(latest.document), problems: latest.problems };
}
