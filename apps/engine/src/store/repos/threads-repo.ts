import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { FlowError } from '@flowcraft/schema';
import type { Database } from '../db.js';
import { threads } from '../schema/index.js';
import { FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION, pgError } from './pg-error.js';

export type Thread = typeof threads.$inferSelect;

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
