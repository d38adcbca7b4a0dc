import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Live worker processes: each renews its row with its heartbeat; a row not renewed for a while is a dead worker. */
export const workers = pgTable('workers', {
  id: text('id').primaryKey(),
  /** `all` or `worker`. */
  role: text('role').notNull(),
  /** Runs it executes at once at most (WORKER_CONCURRENCY). */
  concurrency: integer('concurrency').notNull(),
  /** Runs it executed at its last heartbeat. */
  active: integer('active').notNull().default(0),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
  heartbeatAt: timestamp('heartbeat_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
});
