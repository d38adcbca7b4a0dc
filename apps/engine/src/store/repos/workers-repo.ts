import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db.js';
import { workers } from '../schema/index.js';

export type WorkerRow = typeof workers.$inferSelect;

/** A worker process: its id (WORKER_ID), the process holding it, and its load. */
export interface WorkerBeat {
  id: string;
  /** The holding process's own random id (one per start). */
  instance: string;
  host: string;
  pid: number;
  role: string;
  concurrency: number;
  active: number;
}

/** Who holds a worker id another process asked for, and how old its last heartbeat is. */
export interface WorkerHolder {
  instance: string | null;
  host: string | null;
  pid: number | null;
  heartbeatAgeSeconds: number;
}

/** The live-worker registry behind `GET /v1/queue`, and who holds each worker id. */
export function createWorkersRepo(db: Database) {
  const values = (w: WorkerBeat) => ({
    id: w.id,
    instance: w.instance,
    host: w.host,
    pid: w.pid,
    role: w.role,
    concurrency: w.concurrency,
    active: w.active,
  });
  return {
    /**
     * Takes `worker.id` for this process unless another one holds it: taken when nobody has it, when
     * this process has it already, when its holder's heartbeat is older than `staleSeconds`, or when
     * its holder is `deadInstance` (a process the caller knows ended). Else returns the holder.
     */
    async claim(
      worker: WorkerBeat,
      staleSeconds: number,
      deadInstance?: string,
    ): Promise<{ claimed: true } | { claimed: false; holder: WorkerHolder }> {
      const free = sql`${workers.instance} = ${worker.instance}
        or ${workers.heartbeatAt} < now() - make_interval(secs => ${staleSeconds})
        ${deadInstance === undefined ? sql`` : sql`or ${workers.instance} = ${deadInstance}`}`;
      for (;;) {
        const taken = await db
          .insert(workers)
          .values(values(worker))
          .onConflictDoUpdate({
            target: workers.id,
            set: { ...values(worker), startedAt: sql`now()`, heartbeatAt: sql`now()` },
            where: free,
          })
          .returning({ id: workers.id });
        if (taken.length > 0) return { claimed: true };
        const [holder] = await db
          .select({
            instance: workers.instance,
            host: workers.host,
            pid: workers.pid,
            heartbeatAgeSeconds: sql<number>`extract(epoch from now() - ${workers.heartbeatAt})::float8`,
          })
          .from(workers)
          .where(eq(workers.id, worker.id));
        // Gone meanwhile (its process stopped): ask again.
        if (holder !== undefined)
          return { claimed: false, holder: { ...holder, heartbeatAgeSeconds: Number(holder.heartbeatAgeSeconds) } };
      }
    },

    /**
     * A worker's heartbeat: renews its row with its load (registers it if the row is gone). False if
     * another process holds the id now: this one stalled for longer than its heartbeat's staleness
     * allows, and a process started with the same id took it.
     */
    async beat(worker: WorkerBeat): Promise<boolean> {
      const renewed = await db
        .insert(workers)
        .values(values(worker))
        .onConflictDoUpdate({
          target: workers.id,
          set: { role: worker.role, concurrency: worker.concurrency, active: worker.active, heartbeatAt: sql`now()` },
          where: eq(workers.instance, worker.instance),
        })
        .returning({ id: workers.id });
      return renewed.length > 0;
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

    /** Leaves the registry: the row goes only if `instance` still holds the id. */
    async remove(id: string, instance: string): Promise<void> {
      await db.delete(workers).where(and(eq(workers.id, id), eq(workers.instance, instance)));
    },
  };
}

export type WorkersRepo = ReturnType<typeof createWorkersRepo>;
