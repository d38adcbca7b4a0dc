import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { FlowError } from '@flowcraft/schema';
import type { Database } from '../db.js';
import { runEvents, runs } from '../schema/index.js';

export type RunEvent = typeof runEvents.$inferSelect;

export interface NewRunEvent {
  type: string;
  nodeId?: string | null;
  payload: unknown;
  ts?: Date;
}

/** The trace of a run, numbered 1, 2, … per run; clients resume with the last seq they saw. */
export function createRunEventsRepo(db: Database) {
  return {
    /**
     * Stores an event under the run's next seq and returns it. The seq comes from incrementing
     * `runs.last_event_seq` in the same transaction, so concurrent appends get distinct,
     * gap-free numbers in commit order.
     */
    async append(runId: string, event: NewRunEvent): Promise<RunEvent> {
      return db.transaction(async (tx) => {
        const [counter] = await tx
          .update(runs)
          .set({ lastEventSeq: sql`${runs.lastEventSeq} + 1` })
          .where(eq(runs.id, runId))
          .returning({ seq: runs.lastEventSeq });
        if (counter === undefined) throw new FlowError('not_found', `Run ${runId} not found`);
        const [row] = await tx
          .insert(runEvents)
          .values({ runId, seq: counter.seq, type: event.type, nodeId: event.nodeId ?? null, payload: event.payload ?? {}, ...(event.ts ? { ts: event.ts } : {}) })
          .returning();
        if (row === undefined) throw new Error('insert returned no row');
        return row;
      });
    },

    /**
     * Stores a batch of one run's events in one transaction (group commit). Their seqs must be the
     * run's next ones, in order; otherwise nothing is stored and `FlowError('conflict')` is thrown.
     */
    async appendMany(runId: string, events: (NewRunEvent & { seq: number })[]): Promise<void> {
      if (events.length === 0) return;
      await db.transaction(async (tx) => {
        const [counter] = await tx
          .update(runs)
          .set({ lastEventSeq: sql`${runs.lastEventSeq} + ${events.length}` })
          .where(eq(runs.id, runId))
          .returning({ seq: runs.lastEventSeq });
        if (counter === undefined) throw new FlowError('not_found', `Run ${runId} not found`);
        const first = counter.seq - events.length + 1;
        events.forEach((e, i) => {
          if (e.seq !== first + i) throw new FlowError('conflict', `Event seq ${e.seq} of run ${runId} would be stored as ${first + i}`);
        });
        await tx.insert(runEvents).values(
          events.map((e) => ({ runId, seq: e.seq, type: e.type, nodeId: e.nodeId ?? null, payload: e.payload ?? {}, ...(e.ts ? { ts: e.ts } : {}) })),
        );
      });
    },

    /** Events with seq > `afterSeq`, in order, at most `limit` (default 1,000). */
    async listAfter(runId: string, afterSeq = 0, limit = 1000): Promise<RunEvent[]> {
      return db
        .select()
        .from(runEvents)
        .where(and(eq(runEvents.runId, runId), gt(runEvents.seq, afterSeq)))
        .orderBy(asc(runEvents.seq))
        .limit(Math.max(0, limit));
    },

    /** Seq of the run's last stored event (0 if none). */
    async lastSeq(runId: string): Promise<number> {
      const [row] = await db.select({ seq: runs.lastEventSeq }).from(runs).where(eq(runs.id, runId));
      if (row === undefined) throw new FlowError('not_found', `Run ${runId} not found`);
      return row.seq;
    },
  };
}

export type RunEventsRepo = ReturnType<typeof createRunEventsRepo>;
