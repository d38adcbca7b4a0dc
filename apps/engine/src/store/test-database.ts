import { afterAll, beforeAll } from 'vitest';
import { openDatabase } from './db.js';
import type { Database, DatabaseKind, OpenDatabase } from './db.js';
import type { NativeSql } from './native-sql.js';
import { openPgliteFromTemplate } from './pglite-template.js';
import { createServerDatabase } from './server-database.js';
import type { ServerDatabase } from './server-database.js';

/** Every storage test runs on both backends. */
export const BACKENDS: readonly DatabaseKind[] = ['pglite', 'postgres'];

export interface TestDatabase {
  readonly db: Database;
  /** The driver below drizzle (queue SQL, LISTEN / NOTIFY). */
  readonly native: NativeSql;
  readonly kind: DatabaseKind;
}

/**
 * Opens one database for the enclosing describe block (beforeAll) and closes it after (afterAll).
 * PGlite: in memory, started from a cached migrated dump. Postgres: `DATABASE_URL` (CI's fresh database) or, when unset or `fresh`, a
 * new database on the local server that is dropped afterwards. Tests isolate by unique ids.
 */
export function useTestDatabase(kind: DatabaseKind, options: { fresh?: boolean } = {}): TestDatabase {
  let open: OpenDatabase | undefined;
  let created: ServerDatabase | undefined;
  beforeAll(async () => {
    if (kind === 'pglite') {
      open = await openPgliteFromTemplate();
      return;
    }
    const envUrl = process.env.DATABASE_URL;
    if (envUrl === undefined || envUrl === '' || options.fresh === true)
      created = await createServerDatabase(envUrl || undefined);
    open = await openDatabase({ url: created?.url ?? envUrl, maxConnections: 4 });
  });
  afterAll(async () => {
    await open?.close();
    await created?.drop();
  });
  return {
    kind,
    get db(): Database {
      if (open === undefined) throw new Error('test database not open yet (use it inside a test or hook)');
      return open.db;
    },
    get native(): NativeSql {
      if (open === undefined) throw new Error('test database not open yet (use it inside a test or hook)');
      return open.native;
    },
  };
}
