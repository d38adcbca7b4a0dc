import type { Checkpoint } from '@langchain/langgraph-checkpoint';
import { integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { bytea } from './bytea.js';
import { cText } from './c-text.js';

/** A checkpoint as stored: its channel values live in `checkpoint_blobs`. */
export type StoredCheckpoint = Omit<Checkpoint, 'channel_values'>;

/**
 * LangGraph checkpoints (same layout as the official PostgresSaver): the checkpoint without its
 * channel values as jsonb, so runs can be joined to checkpoints and versions read in SQL.
 */
export const checkpoints = pgTable(
  'checkpoints',
  {
    threadId: text('thread_id').notNull(),
    checkpointNs: text('checkpoint_ns').notNull().default(''),
    checkpointId: cText('checkpoint_id').notNull(),
    parentCheckpointId: cText('parent_checkpoint_id'),
    type: text('type'),
    checkpoint: jsonb('checkpoint').$type<StoredCheckpoint>().notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.checkpointNs, t.checkpointId] })],
);

/** Channel values, one row per channel version: a value that did not change is stored once. */
export const checkpointBlobs = pgTable(
  'checkpoint_blobs',
  {
    threadId: text('thread_id').notNull(),
    checkpointNs: text('checkpoint_ns').notNull().default(''),
    channel: text('channel').notNull(),
    version: text('version').notNull(),
    type: text('type').notNull(),
    blob: bytea('blob'),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.checkpointNs, t.channel, t.version] })],
);

/** Pending writes of the tasks of a superstep, replayed in `(task_path, task_id, idx)` order. */
export const checkpointWrites = pgTable(
  'checkpoint_writes',
  {
    threadId: text('thread_id').notNull(),
    checkpointNs: text('checkpoint_ns').notNull().default(''),
    checkpointId: cText('checkpoint_id').notNull(),
    taskId: cText('task_id').notNull(),
    taskPath: cText('task_path').notNull().default(''),
    idx: integer('idx').notNull(),
    channel: text('channel').notNull(),
    type: text('type'),
    blob: bytea('blob').notNull(),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.checkpointNs, t.checkpointId, t.taskId, t.idx] })],
);
