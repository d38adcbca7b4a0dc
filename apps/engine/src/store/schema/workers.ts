import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Live worker processes: each renews its row with its heartbeat; a row not renewed for a while is a dead worker. */
export const workers = pgTable('workers', {
  id: text('id').primaryKey(),
  /**
   * The process holding the id (a random id per start): a second live process started with the
   * same WORKER_ID is refused instead of taking over the first one's runs. Null on rows from before.
   */
  instance: text('instance'),
  /** Host name and process id of the holder: a process restarted on the same host sees at once that its predecessor is gone. */
  host: text('host'),
  pid: integer('pid'),
  /** `all` or `worker`. */
  role: text('role').notNull(),
  /** Runs it executes at once at most (WORKER_CONCURRENCY). */
  concurrency: integer('concurrency').notNull(),
  /** Runs it executed at its last heartbeat. */
  active: integer('active').notNull().default(0),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
  heartbeatAt: timestamp('heartbeat_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
});
