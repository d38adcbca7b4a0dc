import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Database, SqlRow } from '../store/index.js';
import { toDriverValue } from '../store/native-sql.js';

/**
 * A `$n`-parameter statement as drizzle SQL, so a library's statement (the queue's job insert)
 * runs inside a drizzle transaction, on either backend.
 */
export function toDrizzleSql(text: string, values: readonly unknown[]): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  parts.forEach((part, i) => {
    if (i % 2 === 0) {
      if (part !== '') chunks.push(sql.raw(part));
      return;
    }
    chunks.push(sql`${toDriverValue(values[Number(part) - 1])}`);
  });
  return sql.join(chunks);
}

/** `executeSql` (the shape pg-boss takes for `send(…, { db })`) over a drizzle database or transaction. */
export function drizzleExecutor(db: Database): {
  executeSql(text: string, values: unknown[]): Promise<{ rows: SqlRow[] }>;
} {
  return {
    async executeSql(text, values) {
      const result: unknown = await db.execute(toDrizzleSql(text, values ?? []));
      if (Array.isArray(result)) return { rows: result as SqlRow[] };
      const rows = result !== null && typeof result === 'object' ? Reflect.get(result, 'rows') : undefined;
      return { rows: Array.isArray(rows) ? (rows as SqlRow[]) : [] };
    },
  };
}
