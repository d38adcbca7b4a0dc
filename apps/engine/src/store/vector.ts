import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from './db.js';

/**
 * pgvector where the database has it: PGlite always (the extension ships with the engine), a PostgreSQL
 * server when the `vector` package is installed there (and the role may create it). Creates the extension
 * if needed and answers whether `vector` can be used; `false` → callers use the exact scan over `real[]`.
 */
export async function enableVector(db: Database): Promise<boolean> {
  try {
    const available = await db.execute(
      sql`select installed_version as installed from pg_available_extensions where name = 'vector'`,
    );
    const row = rowsOf(available, z.object({ installed: z.string().nullable() }))[0];
    if (row === undefined) return false;
    if (row.installed === null) await db.execute(sql`create extension if not exists vector`);
    return true;
  } catch {
    return false;
  }
}

/** Rows of `db.execute` on either driver (postgres.js returns an array, PGlite `{ rows }`), checked by `row`. */
export function rowsOf<T extends z.ZodType>(result: unknown, row: T): z.infer<T>[] {
  const raw: unknown =
    result !== null && typeof result === 'object' && !Array.isArray(result) && 'rows' in result ? result.rows : result;
  return z.array(row).parse(raw);
}

/** The vector scaled to unit length (cosine similarity = dot product); a zero vector stays zero. */
export function unitVector(v: readonly number[]): number[] {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  return norm === 0 ? v.map(() => 0) : v.map((x) => x / norm);
}

/** A vector as a Postgres array literal (`{0.1,0.2}`), bound as one text parameter on both drivers. */
export function arrayLiteral(v: readonly number[]): string {
  return `{${v.map((x) => (Number.isFinite(x) ? String(x) : '0')).join(',')}}`;
}

/** A vector as a pgvector literal (`[0.1,0.2]`). */
export function vectorLiteral(v: readonly number[]): string {
  return `[${v.map((x) => (Number.isFinite(x) ? String(x) : '0')).join(',')}]`;
}

/** Exact dot product of a `real[]` column with a query vector, in SQL (no extension needed). */
export function dotProductSql(column: SQL, query: readonly number[]): SQL {
  return sql`(select sum(a * b) from unnest(${column}, ${arrayLiteral(query)}::real[]) as t(a, b))`;
}
