import { sql } from 'drizzle-orm';
import { doublePrecision, index, jsonb, pgTable, primaryKey, real, timestamp } from 'drizzle-orm/pg-core';
import { cText } from './c-text.js';

/**
 * Long-term memory (LangGraph `BaseStore` items): `namespace` is the namespace's labels joined by `.`
 * (labels cannot contain a period), so a prefix search is a range scan on the primary key.
 * `embedding` (unit length) is set when the store indexes values for semantic search.
 * `expires_at` / `ttl_minutes`: TTL; expired rows are invisible and swept.
 */
export const memoryItems = pgTable(
  'memory_items',
  {
    namespace: cText('namespace').notNull(),
    key: cText('key').notNull(),
    value: jsonb('value').$type<Record<string, unknown>>().notNull(),
    embedding: real('embedding').array(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date', precision: 3 }),
    ttlMinutes: doublePrecision('ttl_minutes'),
  },
  (t) => [
    primaryKey({ name: 'memory_items_pk', columns: [t.namespace, t.key] }),
    index('memory_items_expires_idx').on(t.expiresAt).where(sql`${t.expiresAt} is not null`),
  ],
);
