import { randomUUID } from 'node:crypto';
import { and, asc, arrayContains, count, desc, eq, ilike, inArray, sql } from 'drizzle-orm';
import { FlowError } from '@flowcraft/schema';
import type { Dataset, DatasetBody, TestCase, TestCaseBody } from '@flowcraft/schema';
import type { Database } from '../db.js';
import { jsonSafe } from '../json-safe.js';
import { DATASET_NAME_INDEX, datasets, testCases } from '../schema/index.js';
import { FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION, pgError } from './pg-error.js';

/** At most this many cases are listed at once (a dataset is a test suite, not a data lake). */
export const MAX_CASES = 10_000;

export interface CaseQuery {
  /** Cases carrying every one of these tags. */
  tags?: string[];
  /** Case name contains this text (case-insensitive). */
  search?: string;
  limit?: number;
}

type DatasetRow = typeof datasets.$inferSelect;
type CaseRow = typeof testCases.$inferSelect;

/** The unique index refused a dataset's name (another of its workflow has it). */
function nameTaken(err: unknown): boolean {
  const { code, constraint } = pgError(err);
  return code === UNIQUE_VIOLATION && constraint === DATASET_NAME_INDEX;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function toDataset(row: DatasetRow, caseCount: number): Dataset {
  return {
    id: row.id,
    workflowId: row.workflowId,
    name: row.name,
    description: row.description,
    caseCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toCase(row: CaseRow): TestCase {
  return {
    ...row.body,
    name: row.name,
    tags: row.tags,
    id: row.id,
    datasetId: row.datasetId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Datasets and their test cases. */
export function createDatasetsRepo(db: Database) {
  async function caseCount(datasetId: string): Promise<number> {
    const [row] = await db.select({ n: count() }).from(testCases).where(eq(testCases.datasetId, datasetId));
    return row?.n ?? 0;
  }

  async function get(id: string): Promise<Dataset | undefined> {
    const [row] = await db.select().from(datasets).where(eq(datasets.id, id));
    return row ? toDataset(row, await caseCount(id)) : undefined;
  }

  /**
   * `conflict` naming the dataset of `workflowId` that already has `name`, found as the unique index
   * compares names (trimmed, case-insensitive).
   */
  async function nameConflict(workflowId: string, name: string, cause: unknown): Promise<FlowError> {
    const [other] = await db
      .select({ id: datasets.id, name: datasets.name })
      .from(datasets)
      .where(and(eq(datasets.workflowId, workflowId), sql`lower(btrim(${datasets.name})) = lower(btrim(${name}))`));
    const which = other ? `"${other.name}" (${other.id})` : `"${name.trim()}"`;
    return new FlowError(
      'conflict',
      `Workflow ${workflowId} already has a dataset named ${which}; names must differ by more than letter case and surrounding spaces.`,
      { details: { workflowId, name: name.trim(), ...(other ? { datasetId: other.id } : {}) }, cause },
    );
  }

  return {
    get,

    /** Throws `conflict` when another dataset of the workflow has the name, `not_found` without the workflow. */
    async create(body: DatasetBody, id: string = randomUUID()): Promise<Dataset> {
      try {
        const [row] = await db
          .insert(datasets)
          .values({ id, ...body })
          .returning();
        if (!row) throw new Error('insert returned no row');
        return toDataset(row, 0);
      } catch (err) {
        if (pgError(err).code === FOREIGN_KEY_VIOLATION)
          throw new FlowError('not_found', `Workflow ${body.workflowId} not found`, { cause: err });
        if (nameTaken(err)) throw await nameConflict(body.workflowId, body.name, err);
        throw err;
      }
    },

    /** Newest first; with `workflowId`, that workflow's only. */
    async list(workflowId?: string): Promise<Dataset[]> {
      const rows = await db
        .select()
        .from(datasets)
        .where(workflowId ? eq(datasets.workflowId, workflowId) : undefined)
        .orderBy(desc(datasets.createdAt), desc(datasets.id))
        .limit(1000);
      if (rows.length === 0) return [];
      const counts = await db
        .select({ id: testCases.datasetId, n: count() })
        .from(testCases)
        .where(
          inArray(
            testCases.datasetId,
            rows.map((r) => r.id),
          ),
        )
        .groupBy(testCases.datasetId);
      const byId = new Map(counts.map((c) => [c.id, c.n]));
      return rows.map((r) => toDataset(r, byId.get(r.id) ?? 0));
    },

    /** Throws `conflict` when the new name is another dataset's of the same workflow. */
    async update(id: string, patch: { name?: string; description?: string }): Promise<Dataset | undefined> {
      try {
        const [row] = await db
          .update(datasets)
          .set({ ...patch, updatedAt: new Date() })
          .where(eq(datasets.id, id))
          .returning();
        return row ? toDataset(row, await caseCount(id)) : undefined;
      } catch (err) {
        if (patch.name === undefined || !nameTaken(err)) throw err;
        const [current] = await db
          .select({ workflowId: datasets.workflowId })
          .from(datasets)
          .where(eq(datasets.id, id));
        throw current ? await nameConflict(current.workflowId, patch.name, err) : err;
      }
    },

    async delete(id: string): Promise<boolean> {
      const rows = await db.delete(datasets).where(eq(datasets.id, id)).returning({ id: datasets.id });
      return rows.length > 0;
    },

    /** Adds cases in order (one statement); `undefined` when the dataset does not exist. */
    async addCases(datasetId: string, bodies: TestCaseBody[]): Promise<TestCase[] | undefined> {
      if (!(await get(datasetId))) return undefined;
      if (bodies.length === 0) return [];
      const base = Date.now();
      const values = bodies.map((b, i) => {
        const body = jsonSafe(b);
        // Distinct, increasing times keep the import order in `listCases`.
        const at = new Date(base + i);
        return { id: randomUUID(), datasetId, name: b.name, tags: b.tags, body, createdAt: at, updatedAt: at };
      });
      const rows = await db.insert(testCases).values(values).returning();
      await db.update(datasets).set({ updatedAt: new Date() }).where(eq(datasets.id, datasetId));
      return rows.map(toCase);
    },

    async getCase(datasetId: string, caseId: string): Promise<TestCase | undefined> {
      const [row] = await db
        .select()
        .from(testCases)
        .where(and(eq(testCases.datasetId, datasetId), eq(testCases.id, caseId)));
      return row ? toCase(row) : undefined;
    },

    /** In creation order; filtered by tags (all of them) and a name search. */
    async listCases(datasetId: string, query: CaseQuery = {}): Promise<TestCase[]> {
      const where = [eq(testCases.datasetId, datasetId)];
      if (query.tags && query.tags.length > 0) where.push(arrayContains(testCases.tags, query.tags));
      if (query.search) where.push(ilike(testCases.name, `%${escapeLike(query.search)}%`));
      const rows = await db
        .select()
        .from(testCases)
        .where(and(...where))
        .orderBy(asc(testCases.createdAt), asc(testCases.id))
        .limit(Math.min(query.limit ?? MAX_CASES, MAX_CASES));
      return rows.map(toCase);
    },

    async updateCase(datasetId: string, caseId: string, body: TestCaseBody): Promise<TestCase | undefined> {
      const [row] = await db
        .update(testCases)
        .set({ name: body.name, tags: body.tags, body: jsonSafe(body), updatedAt: new Date() })
        .where(and(eq(testCases.datasetId, datasetId), eq(testCases.id, caseId)))
        .returning();
      return row ? toCase(row) : undefined;
    },

    async deleteCases(datasetId: string, caseIds: string[]): Promise<number> {
      if (caseIds.length === 0) return 0;
      const rows = await db
        .delete(testCases)
        .where(and(eq(testCases.datasetId, datasetId), inArray(testCases.id, caseIds)))
        .returning({ id: testCases.id });
      return rows.length;
    },
  };
}

export type DatasetsRepo = ReturnType<typeof createDatasetsRepo>;
