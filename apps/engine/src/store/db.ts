import { unavailableCode } from '@flowcraft/schema';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PGliteOptions } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { PreparePolicy, autoPrepared } from './auto-prepare.js';
import { pgliteNativeSql, postgresNativeSql } from './native-sql.js';
import type { NativeSql } from './native-sql.js';
import * as schema from './schema/index.js';

export type StoreSchema = typeof schema;
/** The drizzle database both backends share: repositories and the checkpointer are written once against it. */
export type Database = PgDatabase<PgQueryResultHKT, StoreSchema>;
export type DatabaseKind = 'pglite' | 'postgres';

export interface OpenDatabaseOptions {
  /** `postgres://…` → postgres.js; absent → embedded PGlite. */
  url?: string;
  /** PGlite data folder (created if missing); absent → in-memory PGlite. Ignored with `url`. */
  dataDir?: string;
  /** postgres.js pool size (default 10). */
  maxConnections?: number;
  /** Called for every statement postgres.js sends (benchmarks count statements per run). */
  onQuery?: (query: string) => void;
}

export interface OpenDatabase {
  db: Database;
  kind: DatabaseKind;
  /** The driver below drizzle: the queue's SQL and LISTEN / NOTIFY. */
  native: NativeSql;
  /**
   * Postgres (pool > 1): a connection of its own for group-commit statements, planned once (generic
   * plans): the same few statement texts run thousands of times with different arrays, and
   * re-planning each execution (PostgreSQL's custom plans) cost ~0.1 ms per statement, a tenth of
   * PostgreSQL's CPU per run. Only there: elsewhere custom plans let partial indexes match parameters.
   */
  groupDb?: Database;
  close(): Promise<void>;
}

/** The store pool's size when `DATABASE_URL` does not say (`?max=N`). */
export const DEFAULT_POOL_SIZE = 10;

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));
/** Serialises concurrent migrators (several engines or test files on one server database). */
const MIGRATION_LOCK_KEY = 7_245_001;

/** Opens the store database and applies the drizzle-kit migrations in `apps/engine/drizzle`. */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<OpenDatabase> {
  if (options.url !== undefined)
    return openPostgres(
      options.url,
      options.maxConnections ?? poolSizeIn(options.url) ?? DEFAULT_POOL_SIZE,
      options.onQuery,
    );
  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
  return openPglite(new PGlite(pgliteOptions(options.dataDir === undefined ? {} : { dataDir: options.dataDir })));
}

/** PGlite options with the extensions the store uses (pgvector, created on first use by `enableVector`). */
export function pgliteOptions(options: PGliteOptions = {}): PGliteOptions {
  return { ...options, extensions: { ...options.extensions, vector } };
}

/** Wraps an existing PGlite client (closed by `close()`), applying the migrations. */
export async function openPglite(client: PGlite): Promise<OpenDatabase> {
  try {
    const db = drizzlePglite({ client, schema });
    await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return { db, kind: 'pglite', native: pgliteNativeSql(client), close: () => client.close() };
  } catch (err) {
    await client.close();
    throw err;
  }
}

/**
 * Seconds before a pool tries a connection again after the server went away (`retries`: failed
 * attempts in a row, counted per pool). postgres.js's default backoff grows to 20 s: after a 1.5 s
 * outage the queue's next statement waited 16 s for a server that was already back (measured).
 * Capped at 2 s, with jitter so that processes do not retry in step.
 */
export function reconnectBackoff(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 2) * (0.5 + Math.random() / 2);
}

async function openPostgres(url: string, max: number, onQuery?: (query: string) => void): Promise<OpenDatabase> {
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new Error(`DATABASE_URL must start with postgres:// (got ${url.split(':')[0]}:…)`);
  await migratePostgresOnce(url);
  // Repeated statements prepared (`autoPrepared`); `connection`: the session's settings.
  const open = (size: number, connection?: Record<string, string>) =>
    autoPrepared(
      postgres(url, {
        max: size,
        onnotice: () => {},
        backoff: reconnectBackoff,
        ...(connection ? { connection } : {}),
        ...(onQuery ? { debug: (_conn: number, query: string) => onQuery(query) } : {}),
      }),
      new PreparePolicy(),
    );
  const client = open(max);
  // A pool of one (`?max=1`) asks for as few connections as can be: no connection of its own for groups.
  let group =
    max > 1 ? open(1, { application_name: 'flowcraft-group', plan_cache_mode: 'force_generic_plan' }) : undefined;
  // Its connection is opened now, before the store's pool grows: under a connection limit a pool of
  // one refused later would fail each group it holds (a larger pool queues on the connections it
  // has). Refused now (53300), groups go through the store's pool instead.
  if (group) {
    try {
      await group`select 1`;
    } catch (err) {
      if (unavailableCode(err) !== '53300') throw err;
      await group.end({ timeout: 1 });
      group = undefined;
    }
  }
  return {
    db: drizzlePostgres({ client, schema }),
    kind: 'postgres',
    native: postgresNativeSql(client, url),
    ...(group ? { groupDb: drizzlePostgres({ client: group, schema }) } : {}),
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), group?.end({ timeout: 5 })]);
    },
  };
}

/**
 * Applies the migrations on a connection of their own, ended afterwards: the advisory lock that
 * serialises concurrent migrators is a session lock, so the migrator must run its statements on the
 * very connection that holds it — and must not need a second one from the store's pool (a pool of
 * one, `?max=1`, waited forever for the connection the lock held).
 */
async function migratePostgresOnce(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'flowcraft-migrate' } });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    // One connection: every statement of the migrator (its transaction included) runs under the lock.
    await migratePostgres(drizzlePostgres({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    // Ending the session releases the lock (also after a failed migration).
    await client.end({ timeout: 5 });
  }
}

/** The pool size a `postgres://…?max=N` URL asks for (postgres.js's own parameter); absent → undefined. */
export function poolSizeIn(url: string): number | undefined {
  const max = URL.canParse(url) ? new URL(url).searchParams.get('max') : null;
  if (max === null) return undefined;
  if (!/^[1-9]\d*$/.test(max))
    throw new Error(`DATABASE_URL: max must be a whole number of connections ≥ 1 (got ${max})`);
  return Number(max);
}

/**
 * A small pool of its own on the same server for a library's SQL (the run queue): kept apart from
 * the store's pool so the library's waits and the runs' statements do not queue behind each other;
 * its repeated statements prepared like the store's (`autoPrepared`).
 */
export function openLibraryPool(
  url: string,
  max: number,
  applicationName: string,
): { native: NativeSql; close(): Promise<void> } {
  // A URL that caps the pool (`?max=N`) caps the library's pool too.
  const size = Math.min(max, poolSizeIn(url) ?? max);
  const client = autoPrepared(
    postgres(url, {
      max: size,
      onnotice: () => {},
      backoff: reconnectBackoff,
      connection: { application_name: applicationName },
    }),
    new PreparePolicy(),
  );
  return { native: postgresNativeSql(client, url), close: () => client.end({ timeout: 5 }) };
}
