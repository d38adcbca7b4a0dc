import { randomUUID } from 'node:crypto';
import { and, desc, eq, ilike, isNull, or, sql } from 'drizzle-orm';
import { FlowError } from '@flowcraft/schema';
import type { Problem } from '@flowcraft/schema';
import type { Database } from '../db.js';
import { workflowVersions, workflows } from '../schema/index.js';
import { decodeCursor, pageSize, toPage } from './page.js';
import type { Page } from './page.js';
import { UNIQUE_VIOLATION, pgError } from './pg-error.js';

export type Workflow = typeof workflows.$inferSelect;
export type WorkflowVersion = typeof workflowVersions.$inferSelect;
export type WorkflowVersionSummary = Omit<WorkflowVersion, 'document'>;

/** What one save stores: the document as sent (an invalid one is kept as a draft) and its validation result. */
export interface SaveWorkflow {
  name: string;
  description?: string;
  document: unknown;
  valid: boolean;
  problems?: Problem[];
}

export interface ListWorkflows {
  /** Case-insensitive substring of name or description. */
  search?: string;
  limit?: number;
  cursor?: string;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const summary = {
  workflowId: workflowVersions.workflowId,
  version: workflowVersions.version,
  valid: workflowVersions.valid,
  problems: workflowVersions.problems,
  createdAt: workflowVersions.createdAt,
};

/** Workflows and their immutable versions: every save is a new version; deletes are soft. */
export function createWorkflowsRepo(db: Database) {
  async function find(id: string): Promise<Workflow | undefined> {
    const [row] = await db
      .select()
      .from(workflows)
      .where(and(eq(workflows.id, id), isNull(workflows.deletedAt)));
    return row;
  }

  async function get(id: string): Promise<Workflow> {
    const row = await find(id);
    if (row === undefined) throw new FlowError('not_found', `Workflow ${id} not found`);
    return row;
  }

  return {
    find,
    get,

    /** Creates the workflow with version 1. `id` defaults to a new UUID; an existing id is a conflict. */
    async create(input: SaveWorkflow & { id?: string }): Promise<{ workflow: Workflow; version: WorkflowVersion }> {
      const id = input.id ?? randomUUID();
      try {
        return await db.transaction(async (tx) => {
          const [workflow] = await tx
            .insert(workflows)
            .values({ id, name: input.name, description: input.description ?? '', currentVersion: 1 })
            .returning();
          const [version] = await tx
            .insert(workflowVersions)
            .values({
              workflowId: id,
              version: 1,
              document: input.document,
              valid: input.valid,
              problems: input.problems ?? [],
            })
            .returning();
          if (workflow === undefined || version === undefined) throw new Error('insert returned no row');
          return { workflow, version };
        });
      } catch (err) {
        if (pgError(err).code === UNIQUE_VIOLATION)
          throw new FlowError('conflict', `Workflow ${id} already exists`, { cause: err });
        throw err;
      }
    },

    /** Newest-updated first. */
    async list(options: ListWorkflows = {}): Promise<Page<Workflow>> {
      const size = pageSize(options.limit);
      const cursor = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
      const pattern = options.search ? `%${escapeLike(options.search)}%` : undefined;
      const rows = await db
        .select()
        .from(workflows)
        .where(
          and(
            isNull(workflows.deletedAt),
            pattern === undefined
              ? undefined
              : or(ilike(workflows.name, pattern), ilike(workflows.description, pattern)),
            cursor === undefined
              ? undefined
              : sql`(${workflows.updatedAt}, ${workflows.id}) < (${cursor.at.toISOString()}::timestamptz, ${cursor.id})`,
          ),
        )
        .orderBy(desc(workflows.updatedAt), desc(workflows.id))
        .limit(size + 1);
      return toPage(rows, size, (w) => ({ at: w.updatedAt, id: w.id }));
    },

    /**
     * Stores a new immutable version and makes it current. With `expectedVersion`, refuses (conflict)
     * when someone else saved in between.
     */
    async update(
      id: string,
      input: SaveWorkflow & { expectedVersion?: number },
    ): Promise<{ workflow: Workflow; version: WorkflowVersion }> {
      return db.transaction(async (tx) => {
        const [current] = await tx
          .select()
          .from(workflows)
          .where(and(eq(workflows.id, id), isNull(workflows.deletedAt)))
          .for('update');
        if (current === undefined) throw new FlowError('not_found', `Workflow ${id} not found`);
        if (input.expectedVersion !== undefined && input.expectedVersion !== current.currentVersion) {
          throw new FlowError(
            'conflict',
            `Workflow ${id} is at version ${current.currentVersion}, not ${input.expectedVersion}`,
            { details: { currentVersion: current.currentVersion } },
          );
        }
        const next = current.currentVersion + 1;
        const [version] = await tx
          .insert(workflowVersions)
          .values({
            workflowId: id,
            version: next,
            document: input.document,
            valid: input.valid,
            problems: input.problems ?? [],
          })
          .returning();
        const [workflow] = await tx
          .update(workflows)
          .set({
            name: input.name,
            description: input.description ?? current.description,
            currentVersion: next,
            updatedAt: sql`now()`,
          })
          .where(eq(workflows.id, id))
          .returning();
        if (workflow === undefined || version === undefined) throw new Error('update returned no row');
        return { workflow, version };
      });
    },

    /** Soft delete: the workflow disappears from list/get; its versions stay for the runs that pinned them. */
    async remove(id: string): Promise<void> {
      const deleted = await db
        .update(workflows)
        .set({ deletedAt: sql`now()` })
        .where(and(eq(workflows.id, id), isNull(workflows.deletedAt)))
        .returning({ id: workflows.id });
      if (deleted.length === 0) throw new FlowError('not_found', `Workflow ${id} not found`);
    },

    /** Versions without their documents, newest first. */
    async listVersions(id: string): Promise<WorkflowVersionSummary[]> {
      await get(id);
      return db
        .select(summary)
        .from(workflowVersions)
        .where(eq(workflowVersions.workflowId, id))
        .orderBy(desc(workflowVersions.version));
    },

    /** The current version number of a workflow that is not deleted. */
    async currentVersion(id: string): Promise<number> {
      const [row] = await db
        .select({ version: workflows.currentVersion })
        .from(workflows)
        .where(and(eq(workflows.id, id), isNull(workflows.deletedAt)));
      if (row === undefined) throw new FlowError('not_found', `Workflow ${id} not found`);
      return row.version;
    },

    /** One version with its document; `version` omitted → the current one. Versions of deleted workflows stay readable. */
    async getVersion(id: string, version?: number): Promise<WorkflowVersion> {
      const condition =
        version === undefined
          ? sql`${workflowVersions.version} = (select ${workflows.currentVersion} from ${workflows} where ${workflows.id} = ${id} and ${workflows.deletedAt} is null)`
          : eq(workflowVersions.version, version);
      const [row] = await db
        .select()
        .from(workflowVersions)
        .where(and(eq(workflowVersions.workflowId, id), condition));
      if (row === undefined)
        throw new FlowError(
          'not_found',
          version === undefined ? `Workflow ${id} not found` : `Workflow ${id} has no version ${version}`,
        );
      return row;
    },
  };
}

export type WorkflowsRepo = ReturnType<typeof createWorkflowsRepo>;
