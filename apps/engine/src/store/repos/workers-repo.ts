import { desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db.js';
import { workers } from '../schema/index.js';

export type WorkerRow = typeof workers.$inferSelect;

/** The live-worker registry behind `GET /v1/queue`. */
export function createWorkersRepo(db: Database) {
  return {
    /** A worker's heartbeat: registers it on the first one, then renews it with its load. */
    async beat(worker: { id: string; role: string; concurrency: number; active: number }): Promise<void> {
      await db
        .insert(workers)
        .values(worker)
        .onConflictDoUpdate({
          target: workers.id,
          set: { role: worker.role, concurrency: worker.concurrency, active: worker.active, heartbeatAt: sql`now()` },
        });
    },

    /** Workers whose last heartbeat is at most `withinSeconds` old, newest first; older rows are deleted. */
    async live(withinSeconds: number): Promise<WorkerRow[]> {
      await db
        .delete(workers)
        .where(sql`${workers.heartbeatAt} < now() - make_interval(secs => ${withinSeconds * 10})`);
      return db
        .select()
        .from(workers)
        .where(sql`${workers.heartbeatAt} >= now() - make_interval(secs => ${withinSeconds})`)
        .orderBy(desc(workers.startedAt));
    },

    async remove(id: string): Promise<void> {
      await db.delete(workers).where(eq(workers.id, id));
    },
  };
}

export type WorkersRepo = ReturnType<typeof createWorkersRepo>;
