import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db.js';
import { runEvents, runs } from '../schema/index.js';
import {
  RUN_EVENTS_CHANNEL,
  announcement,
  appendConflict,
  checkConsecutive,
  resultRows,
  storedRow,
} from './run-events-repo.js';
import type { NewRunEvent } from './run-events-repo.js';
import { createRunsRepo, runFromRow, transitionError, transitionSet, transitionWhere } from './runs-repo.js';
import type { Run, RunChange, RunExpectation } from './runs-repo.js';

/**
 * A lifecycle transition and the run's trace events it ends with (e.g. `run.completed`) in **one**
 * statement: the transition's update also moves the run's event counter, and the events are
 * inserted only from the row it moved — both or neither, without BEGIN/COMMIT (one round trip
 * instead of four). Returns the moved row, or undefined when the run no longer matches `expect`
 * (nothing stored); a batch whose seqs do not follow the stored ones throws `FlowError('conflict')`.
 */
export function createTransitionWithEvents(db: Database, options: { notify: boolean }) {
  const plain = createRunsRepo(db);
  return async function transitionWithEvents(
    runId: string,
    expect: RunExpectation,
    change: RunChange,
    events: (NewRunEvent & { seq: number })[],
  ): Promise<Run | undefined> {
    const first = events[0];
    if (first === undefined) return plain.transition(runId, expect, change);
    checkConsecutive(runId, events);
    const update = db
      .update(runs)
      .set({ ...transitionSet(change), lastEventSeq: sql`${runs.lastEventSeq} + ${events.length}` })
      .where(and(transitionWhere(runId, expect), eq(runs.lastEventSeq, first.seq - 1)))
      .returning();
    const rows = JSON.stringify(events.map(storedRow));
    const announce = options.notify
      ? sql`(select pg_notify(${RUN_EVENTS_CHANNEL}, ${announcement(runId, events)}) where exists (select 1 from inserted))`
      : sql`null`;
    let result: unknown;
    try {
      result = await db.execute(sql`
        with moved as (${update.getSQL()}), inserted as (
          insert into ${runEvents} (run_id, seq, type, node_id, payload, ts)
          select moved.id, e.seq, e.type, e.node_id, e.payload, e.ts
          from moved cross join jsonb_to_recordset(${rows}::jsonb) as e(seq integer, type text, node_id text, payload jsonb, ts timestamptz)
          returning 1
        )
        select moved.*, ${announce} as announced from moved`);
    } catch (err) {
      throw transitionError(runId, change, err);
    }
    const [raw] = resultRows(result);
    if (raw !== undefined) return runFromRow(raw);
    // Nothing moved: the run is past `expect` (undefined), or the events do not follow the stored ones.
    const [now] = await db.select({ seq: runs.lastEventSeq }).from(runs).where(eq(runs.id, runId));
    if (now === undefined || now.seq !== first.seq - 1) throw await appendConflict(db, runId, first.seq);
    return undefined;
  };
}

export type TransitionWithEvents = ReturnType<typeof createTransitionWithEvents>;
