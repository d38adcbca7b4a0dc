import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ServerDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function admin<T>(serverUrl: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const url = new URL(serverUrl);
  url.pathname = '/postgres';
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Creates a fresh, empty database on the PostgreSQL server of `serverUrl` (any database URL of that
 * server; default: local trust-auth server) for tests and benchmarks; `drop()` removes it.
 */
export async function createServerDatabase(
  serverUrl: string = DEFAULT_SERVER_URL,
  prefix = 'flowcraft_test',
): Promise<ServerDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, (sql) => sql`create database ${sql(name)}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(serverUrl, async (sql) => void (await sql`drop database if exists ${sql(name)} with (force)`)),
  };
}
