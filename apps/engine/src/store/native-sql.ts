import type { PGlite } from '@electric-sql/pglite';
import type { Sql } from 'postgres';

/** A row as a driver returns it. */
export type SqlRow = Record<string, unknown>;

/**
 * What the queue and the cross-process signals need below drizzle: statements on the database's
 * own client (the queue library's SQL, scripts without parameters) and LISTEN / NOTIFY.
 */
export interface NativeSql {
  /** A statement with `$n` parameters, or (without values) a script of several statements. */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: SqlRow[] }>;
  /**
   * LISTEN on `channel`; resolves (once listening) with the function that stops it. A connection that
   * was lost is listened on again by the driver; `onRelisten` runs then — notifications sent while it
   * was away are lost, so a listener that must not miss any reads what it missed.
   */
  listen(channel: string, onPayload: (payload: string) => void, onRelisten?: () => void): Promise<() => Promise<void>>;
  /** `postgres://…` for libraries that open their own pool; absent for the embedded database. */
  readonly url?: string;
}

/** Plain objects become JSON text (as node-postgres sends them); `undefined` becomes null. */
export function toDriverValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date || Array.isArray(value) || value instanceof Uint8Array) return value;
  return JSON.stringify(value);
}

export function postgresNativeSql(client: Sql, url: string): NativeSql {
  return {
    url,
    async executeSql(text, values) {
      if (values !== undefined && values.length > 0) {
        const rows = await client.unsafe(text, values.map(toDriverValue) as Parameters<Sql['unsafe']>[1]);
        return { rows: [...rows] as SqlRow[] };
      }
      // A script may hold its own transaction (`BEGIN; …; COMMIT`, as pg-boss's maintenance does):
      // postgres.js allows that only on a connection reserved for it.
      const reserved = await client.reserve();
      try {
        return { rows: [...(await reserved.unsafe(text))] as SqlRow[] };
      } finally {
        reserved.release();
      }
    },
    async listen(channel, onPayload, onRelisten) {
      // postgres.js calls `onlisten` at the first LISTEN and again after each reconnect.
      let listened = false;
      const sub = await client.listen(channel, onPayload, () => {
        if (listened) onRelisten?.();
        listened = true;
      });
      return () => sub.unlisten();
    },
  };
}

export function pgliteNativeSql(client: PGlite): NativeSql {
  return {
    async executeSql(text, values) {
      if (values === undefined || values.length === 0) {
        const results = await client.exec(text);
        return { rows: (results.at(-1)?.rows ?? []) as SqlRow[] };
      }
      const result = await client.query<SqlRow>(text, values.map(toDriverValue));
      return { rows: result.rows };
    },
    // The embedded database's connection is never lost: `onRelisten` is never due.
    async listen(channel, onPayload) {
      const unlisten = await client.listen(channel, onPayload);
      return () => unlisten();
    },
  };
}
