import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database } from './db.js';
import { MIGRATIONS_FOLDER } from './db.js';

/** `when` of every migration this build ships (drizzle's journal). */
function shippedMigrations(): number[] {
  const journal: unknown = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'));
  const entries = journal !== null && typeof journal === 'object' ? Reflect.get(journal, 'entries') : undefined;
  if (!Array.isArray(entries)) return [];
  return entries.map((e: unknown) => Number(e !== null && typeof e === 'object' ? Reflect.get(e, 'when') : NaN));
}

/** True when every migration this build ships is recorded in `drizzle.__drizzle_migrations`. */
export async function migrationsApplied(db: Database): Promise<boolean> {
  const result: unknown = await db.execute(sql`select created_at from drizzle.__drizzle_migrations`);
  const rows: unknown = Array.isArray(result)
    ? result
    : result !== null && typeof result === 'object'
      ? Reflect.get(result, 'rows')
      : [];
  const list: unknown[] = Array.isArray(rows) ? rows : [];
  const applied = new Set(
    list.map((r) => Number(r !== null && typeof r === 'object' ? Reflect.get(r, 'created_at') : NaN)),
  );
  return shippedMigrations().every((when) => applied.has(when));
}
