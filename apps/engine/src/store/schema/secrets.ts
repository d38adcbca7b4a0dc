import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Named secrets (provider keys), encrypted at rest: `ciphertext` is a SecretCipher envelope
 * (AES-256-GCM, the name as authenticated data), `key_id` the id of the key it was sealed with.
 */
export const secrets = pgTable('secrets', {
  name: text('name').primaryKey(),
  ciphertext: text('ciphertext').notNull(),
  keyId: text('key_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
});
