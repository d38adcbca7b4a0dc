import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { runs } from './runs.js';

/** Trace events of a run, numbered by a per-run `seq` (1, 2, …) so clients can resume after a given seq. */
export const runEvents = pgTable(
  'run_events',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    nodeId: text('node_id'),
    payload: jsonb('payload').$type<unknown>().notNull(),
    ts: timestamp('ts', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.seq] }),
    index('run_events_type_idx').on(t.runId, t.type),
    // Model calls (`node.progress` of kind `model_call`) by time: what the usage API sums.
    index('run_events_model_call_idx')
      .on(t.ts)
      .where(sql`${t.type} = 'node.progress' and ${t.payload}->>'kind' = 'model_call'`),
  ],
);
