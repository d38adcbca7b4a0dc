import { sql } from 'drizzle-orm';
import type { Database } from '../db.js';
import { runEvents, runs } from '../schema/index.js';
import { GroupCommit } from '../group-commit.js';
import type { ItemOutcome } from '../group-commit.js';
import {
  RUN_EVENTS_CHANNEL,
  announcement,
  appendConflict,
  checkConsecutive,
  resultRows,
  storedRow,
} from './run-events-repo.js';
import type { NewRunEvent } from './run-events-repo.js';

type Batch = (NewRunEvent & { seq: number })[];

interface Append {
  runId: string;
  events: Batch;
}

/**
 * Group commit across runs: event batches of many runs appended by one statement. Each run's
 * counter moves (and its events are inserted) only if its batch starts right after its stored seq
 * — per run, as `appendMany` does for one — and each caller learns its own outcome. A run has at
 * most one batch in flight (its batches stay in order).
 */
export class GroupedAppends {
  private readonly group: GroupCommit<Append>;

  constructor(
    private readonly db: Database,
    private readonly notify: boolean,
  ) {
    this.group = new GroupCommit<Append>(
      (a) => a.runId,
      (appends) => this.statement(appends),
    );
  }

  append(runId: string, events: Batch): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    checkConsecutive(runId, events);
    return this.group.submit({ runId, events });
  }

  private async statement(appends: Append[]): Promise<ItemOutcome[]> {
    const batches = JSON.stringify(
      appends.map((w) => ({
        run_id: w.runId,
        n: w.events.length,
        expected: (w.events[0]?.seq ?? 1) - 1,
        announce: announcement(w.runId, w.events),
      })),
    );
    const rows = JSON.stringify(appends.flatMap((w) => w.events.map((e) => ({ run_id: w.runId, ...storedRow(e) }))));
    const announce = this.notify ? sql`pg_notify(${RUN_EVENTS_CHANNEL}, b.announce)` : sql`null`;
    const result: unknown = await this.db.execute(sql`
      with b as (
        select * from jsonb_to_recordset(${batches}::jsonb) as b(run_id text, n integer, expected integer, announce text)
      ), counter as (
        update ${runs} r set last_event_seq = r.last_event_seq + b.n
        from b where r.id = b.run_id and r.last_event_seq = b.expected
        returning r.id
      ), inserted as (
        insert into ${runEvents} (run_id, seq, type, node_id, payload, ts)
        select e.run_id, e.seq, e.type, e.node_id, e.payload, e.ts
        from jsonb_to_recordset(${rows}::jsonb) as e(run_id text, seq integer, type text, node_id text, payload jsonb, ts timestamptz)
        join counter on counter.id = e.run_id
        returning 1
      )
      select b.run_id, ${announce} as announced from b join counter on counter.id = b.run_id`);
    const stored = new Set(resultRows(result).map((r) => String(r.run_id)));
    return appends.map((a) =>
      stored.has(a.runId)
        ? { ok: true }
        : { ok: false, error: () => appendConflict(this.db, a.runId, a.events[0]?.seq ?? 0) },
    );
  }
}

const byDb = new WeakMap<Database, Map<boolean, GroupedAppends>>();

/** The database's one grouped appender (per `notify` setting): every run's appends share it. */
export function groupedAppends(db: Database, notify: boolean): GroupedAppends {
  const forDb = byDb.get(db) ?? new Map<boolean, GroupedAppends>();
  byDb.set(db, forDb);
  const found = forDb.get(notify);
  if (found) return found;
  const made = new GroupedAppends(db, notify);
  forDb.set(notify, made);
  return made;
}
