import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { FlowError } from '@flowcraft/schema';
import type { Database } from '../db.js';
import { safeEventPayload, textSafe } from '../json-safe.js';
import { runEvents, runs } from '../schema/index.js';

export type RunEvent = typeof runEvents.$inferSelect;

export interface NewRunEvent {
  type: string;
  nodeId?: string | null;
  payload: unknown;
  ts?: Date;
}

/** The NOTIFY channel announcing stored events to other processes: payload `runId firstSeq lastSeq [threadId]`. */
export const RUN_EVENTS_CHANNEL = 'flowcraft_run_events';

export interface RunEventsRepoOptions {
  /** Announce every stored batch on `RUN_EVENTS_CHANNEL` (several processes share the database). */
  notify?: boolean;
}

/** The trace of a run, numbered 1, 2, … per run; clients resume with the last seq they saw. */
export function createRunEventsRepo(db: Database, options: RunEventsRepoOptions = {}) {
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
          .values({
            runId,
            seq: counter.seq,
            type: event.type,
            nodeId: event.nodeId == null ? null : textSafe(event.nodeId),
            payload: safeEventPayload(event.payload ?? {}),
            ...(event.ts ? { ts: event.ts } : {}),
          })
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
      const batch = eventBatch(runId, events);
      if (batch === undefined) return;
      const result: unknown = await db.execute(sql`with ${batch.ctes} ${batch.select(options.notify ?? false)}`);
      if (rowCount(result) !== events.length) throw await batch.conflict(db);
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

/** An event as the row `jsonb_to_recordset` reads (payload made safe for jsonb). */
export function storedRow(e: NewRunEvent & { seq: number }) {
  return {
    seq: e.seq,
    type: e.type,
    node_id: e.nodeId == null ? null : textSafe(e.nodeId),
    payload: safeEventPayload(e.payload ?? {}),
    ts: (e.ts ?? new Date()).toISOString(),
  };
}

/** The `RUN_EVENTS_CHANNEL` payload announcing a stored batch: `runId firstSeq lastSeq [threadId]`. */
export function announcement(runId: string, events: (NewRunEvent & { seq: number })[]): string {
  const first = events[0]?.seq ?? 0;
  const started = events.find((e) => e.type === 'run.started')?.payload;
  const threadId = started !== null && typeof started === 'object' ? Reflect.get(started, 'threadId') : undefined;
  return `${runId} ${first} ${first + events.length - 1}${typeof threadId === 'string' ? ` ${threadId}` : ''}`;
}

/** Throws `FlowError('conflict')` unless the batch's seqs are consecutive. */
export function checkConsecutive(runId: string, events: { seq: number }[]): void {
  const first = events[0];
  if (first === undefined) return;
  events.forEach((e, i) => {
    if (e.seq !== first.seq + i)
      throw new FlowError('conflict', `Event seqs of run ${runId} are not consecutive (${first.seq}…${e.seq})`);
  });
}

/** Why a batch starting at `firstSeq` was not stored: the run is gone, or its stored seq is not the one before. */
export async function appendConflict(db: Database, runId: string, firstSeq: number): Promise<FlowError> {
  const [run] = await db.select({ seq: runs.lastEventSeq }).from(runs).where(eq(runs.id, runId));
  if (run === undefined) return new FlowError('not_found', `Run ${runId} not found`);
  return new FlowError('conflict', `Event seq ${firstSeq} of run ${runId} does not follow the stored seq ${run.seq}`);
}

/**
 * A batch of one run's events as CTEs of one statement (`counter`, `inserted`): the run's counter
 * advances only if these are its next seqs, and the events are inserted only then. Other CTEs of
 * the same statement can be guarded by `stored` (e.g. the task writes the events belong to), so
 * the whole statement applies or none of it. `select(notify)` ends the statement: one row per
 * stored event (fewer than the batch: `conflict` says why), announced on `RUN_EVENTS_CHANNEL`.
 */
export function eventBatch(runId: string, events: (NewRunEvent & { seq: number })[]) {
  const first = events[0];
  if (first === undefined) return undefined;
  checkConsecutive(runId, events);
  const rows = JSON.stringify(events.map(storedRow));
  const announce = announcement(runId, events);
  return {
    ctes: sql`counter as (
        update ${runs} set last_event_seq = last_event_seq + ${events.length}
        where id = ${runId} and last_event_seq = ${first.seq - 1}
        returning id
      ), inserted as (
        insert into ${runEvents} (run_id, seq, type, node_id, payload, ts)
        select counter.id, e.seq, e.type, e.node_id, e.payload, e.ts
        from counter cross join jsonb_to_recordset(${rows}::jsonb) as e(seq integer, type text, node_id text, payload jsonb, ts timestamptz)
        returning seq
      )`,
    /** A condition true only when the counter moved (the batch is being stored). */
    stored: sql`exists (select 1 from counter)`,
    /** With `notify`, the same statement announces the batch (delivered at commit; once per batch). */
    select: (notify: boolean) =>
      notify
        ? sql`select seq, (select pg_notify(${RUN_EVENTS_CHANNEL}, ${announce}) where exists (select 1 from inserted)) from inserted`
        : sql`select seq from inserted`,
    /** Why nothing was stored: the run is gone, or its stored seq is not the one before this batch. */
    conflict: (db: Database): Promise<FlowError> => appendConflict(db, runId, first.seq),
  };
}

/** Rows returned by `db.execute` on either driver (postgres.js: an array; PGlite: `{ rows }`). */
export function resultRows(result: unknown): Record<string, unknown>[] {
  const rows: unknown =
    typeof result === 'object' && result !== null && !Array.isArray(result) && 'rows' in result ? result.rows : result;
  return Array.isArray(rows)
    ? rows.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null)
    : [];
}

/** How many rows `db.execute` returned, on either driver. */
export function rowCount(result: unknown): number {
  return resultRows(result).length;
}
