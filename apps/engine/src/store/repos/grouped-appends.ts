import { sql } from 'drizzle-orm';
import type { Database } from '../db.js';
import { runEvents, runs } from '../schema/index.js';
import { RUN_EVENTS_CHANNEL, announcement, appendConflict, checkConsecutive, storedRow } from './run-events-repo.js';
import type { NewRunEvent } from './run-events-repo.js';

type Batch = (NewRunEvent & { seq: number })[];

interface Waiting {
  runId: string;
  events: Batch;
  resolve(): void;
  reject(err: unknown): void;
}

/** Statements in flight at once; appends arriving meanwhile wait and go together in the next one. */
const IN_FLIGHT = 2;
/** Runs one statement carries at most. */
const MAX_RUNS = 256;
/** A deadlock (with another statement locking several `runs` rows) is retried this many times. */
const DEADLOCK_RETRIES = 3;

function isDeadlock(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e !== null && typeof e === 'object' && i < 4; e = Reflect.get(e, 'cause'), i++)
    if (Reflect.get(e, 'code') === '40P01') return true;
  return false;
}

/**
 * Group commit across runs: event batches of many runs appended by one statement. Each run's
 * counter moves (and its events are inserted) only if its batch starts right after its stored seq
 * — per run, as `appendMany` does for one — and each caller learns its own outcome. With nothing in
 * flight an append goes at once; appends that arrive while statements are in flight go together
 * in the next. A run has at most one batch in flight (its batches stay in order).
 */
export class GroupedAppends {
  private waiting: Waiting[] = [];
  private inFlight = 0;
  /** Runs with a batch in a statement in flight: their next batch waits for its outcome. */
  private readonly busyRuns = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly notify: boolean,
  ) {}

  append(runId: string, events: Batch): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    checkConsecutive(runId, events);
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ runId, events, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < IN_FLIGHT && this.waiting.length > 0) {
      const group: Waiting[] = [];
      const later: Waiting[] = [];
      const runIds = new Set<string>();
      for (const w of this.waiting) {
        if (runIds.has(w.runId) || this.busyRuns.has(w.runId) || group.length >= MAX_RUNS) later.push(w);
        else {
          runIds.add(w.runId);
          group.push(w);
        }
      }
      this.waiting = later;
      if (group.length === 0) return;
      this.inFlight++;
      for (const id of runIds) this.busyRuns.add(id);
      void this.store(group).finally(() => {
        this.inFlight--;
        for (const id of runIds) this.busyRuns.delete(id);
        this.pump();
      });
    }
  }

  private async store(group: Waiting[]): Promise<void> {
    let stored: Set<string>;
    try {
      stored = await this.statement(group);
    } catch (err) {
      for (const w of group) w.reject(err);
      return;
    }
    for (const w of group) {
      if (stored.has(w.runId)) w.resolve();
      else appendConflict(this.db, w.runId, w.events[0]?.seq ?? 0).then(w.reject, w.reject);
    }
  }

  private async statement(group: Waiting[], attempt = 0): Promise<Set<string>> {
    const batches = JSON.stringify(
      group.map((w) => ({
        run_id: w.runId,
        n: w.events.length,
        expected: (w.events[0]?.seq ?? 1) - 1,
        announce: announcement(w.runId, w.events),
      })),
    );
    const rows = JSON.stringify(group.flatMap((w) => w.events.map((e) => ({ run_id: w.runId, ...storedRow(e) }))));
    const announce = this.notify ? sql`pg_notify(${RUN_EVENTS_CHANNEL}, b.announce)` : sql`null`;
    try {
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
      const out = Array.isArray(result) ? result : Reflect.get(Object(result), 'rows');
      return new Set((Array.isArray(out) ? out : []).map((r: unknown) => String(Reflect.get(Object(r), 'run_id'))));
    } catch (err) {
      if (attempt < DEADLOCK_RETRIES && isDeadlock(err)) return this.statement(group, attempt + 1);
      throw err;
    }
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
