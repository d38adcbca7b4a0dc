import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { FlowError } from '@flowcraft/schema';
import type { Database } from '../db.js';
import { threads } from '../schema/index.js';
import { FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION, pgError } from './pg-error.js';

export type Thread = typeof threads.$inferSelect;

export interface SearchThreads {
  /** Every key/value must be in the thread's metadata (JSON containment). */
  metadata?: Record<string, unknown>;
  ids?: string[];
  limit: number;
  offset: number;
}

export interface CreateThread {
  id?: string;
  workflowId?: string | null;
  metadata?: Record<string, unknown>;
}

/** Threads: LangGraph's `thread_id`; runs on one thread share (and continue) its checkpoints. */
export function createThreadsRepo(db: Database) {
  async function find(id: string): Promise<Thread | undefined> {
    const [row] = await db.select().from(threads).where(eq(threads.id, id));
    return row;
  }

  return {
    find,

    /** Newest first. */
    async search(query: SearchThreads): Promise<Thread[]> {
      const where = and(
        query.ids === undefined ? undefined : inArray(threads.id, query.ids),
        query.metadata === undefined || Object.keys(query.metadata).length === 0
          ? undefined
          : sql`${threads.metadata} @> ${JSON.stringify(query.metadata)}::jsonb`,
      );
      return db
        .select()
        .from(threads)
        .where(where)
        .orderBy(desc(threads.createdAt), desc(threads.id))
        .limit(query.limit)
        .offset(query.offset);
    },

    /** Merges `metadata` into the thread's; `undefined` when the thread does not exist. */
    async mergeMetadata(id: string, metadata: Record<string, unknown>): Promise<Thread | undefined> {
      const [row] = await db
        .update(threads)
        .set({ metadata: sql`${threads.metadata} || ${JSON.stringify(metadata)}::jsonb` })
        .where(eq(threads.id, id))
        .returning();
      return row;
    },

    async get(id: string): Promise<Thread> {
      const row = await find(id);
      if (row === undefined) throw new FlowError('not_found', `Thread ${id} not found`);
      return row;
    },

    async create(input: CreateThread = {}): Promise<Thread> {
      const id = input.id ?? randomUUID();
      try {
        const [row] = await db
          .insert(threads)
          .values({ id, workflowId: input.workflowId ?? null, metadata: input.metadata ?? {} })
          .returning();
        if (row === undefined) throw new Error('insert returned no row');
        return row;
      } catch (err) {
        const { code } = pgError(err);
        if (code === UNIQUE_VIOLATION) throw new FlowError('conflict', `Thread ${id} already exists`, { cause: err });
        if (code === FOREIGN_KEY_VIOLATION)
          throw new FlowError('not_found', `Workflow ${input.workflowId} not found`, { cause: err });
        throw err;
      }
    },
  };
}

export type ThreadsRepo = ReturnType<typeof createThreadsRepo>;
