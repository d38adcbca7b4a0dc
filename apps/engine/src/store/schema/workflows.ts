import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { Problem } from '@flowcraft/schema';

/** A workflow: its name and the number of its current (latest) version. Soft-deleted via `deleted_at`. */
export const workflows = pgTable(
  'workflows',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    currentVersion: integer('current_version').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date', precision: 3 }),
  },
  (t) => [index('workflows_updated_idx').on(t.updatedAt, t.id).where(sql`${t.deletedAt} is null`)],
);

/** Every save is a new immutable version; a run pins the version it ran. */
export const workflowVersions = pgTable(
  'workflow_versions',
  {
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id),
    version: integer('version').notNull(),
    document: jsonb('document').$type<unknown>().notNull(),
    valid: boolean('valid').notNull(),
    problems: jsonb('problems').$type<Problem[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.version] })],
);
