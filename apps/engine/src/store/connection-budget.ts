import type { NativeSql } from './native-sql.js';

/** The connections one engine process opens at most on a PostgreSQL server, by pool. */
export interface ConnectionNeed {
  store: number;
  queue: number;
  listen: number;
  group: number;
  total: number;
}

/**
 * What a process opens with store pool `max` (`?max=N`): the store pool, the queue's pool
 * (`queuePool`, capped by `max` as `openLibraryPool` caps it), one connection to LISTEN, and one for
 * group-commit statements (pools over one).
 */
export function connectionsNeeded(max: number, queuePool: number): ConnectionNeed {
  const need = { store: max, queue: Math.min(max, queuePool), listen: 1, group: max > 1 ? 1 : 0 };
  return { ...need, total: need.store + need.queue + need.listen + need.group };
}

/** The tightest connection limit over this session (server, role, database) and the client connections counted against it now. */
export interface ConnectionRoom {
  by: 'server' | 'role' | 'database';
  limit: number;
  used: number;
}

/** Reads the limits that apply to this session's role and database (−1 in the catalog: none) and what uses them. */
export async function connectionRoom(native: NativeSql): Promise<ConnectionRoom> {
  const { rows } = await native.executeSql(
    `select current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int as server_limit,
            (select count(*) from pg_stat_activity where backend_type = 'client backend')::int as server_used,
            r.rolconnlimit as role_limit,
            (select count(*) from pg_stat_activity where backend_type = 'client backend' and usename = current_user)::int as role_used,
            d.datconnlimit as database_limit,
            (select count(*) from pg_stat_activity where backend_type = 'client backend' and datname = current_database())::int as database_used
       from pg_roles r, pg_database d
      where r.rolname = current_user and d.datname = current_database()`,
  );
  const row = rows[0] ?? {};
  const rooms: ConnectionRoom[] = (['server', 'role', 'database'] as const)
    .map((by) => ({ by, limit: Number(row[`${by}_limit`] ?? -1), used: Number(row[`${by}_used`] ?? 0) }))
    .filter((r) => r.limit >= 0);
  return rooms.reduce((tightest, r) => (r.limit - r.used < tightest.limit - tightest.used ? r : tightest));
}

/**
 * A warning when this process may need more connections than are left (`open`: those it holds
 * already, counted in `room.used`); undefined when they fit. The server answers the connections
 * past its limit with `too many connections` (53300); the process then works on the connections it
 * holds (the patched driver parks a refused one), slower than its pools are sized for.
 */
export function connectionShortfall(need: ConnectionNeed, room: ConnectionRoom, open: number): string | undefined {
  const left = room.limit - room.used;
  if (need.total - open <= left) return undefined;
  const limit =
    room.by === 'server'
      ? `the server allows ${room.limit} client connections (max_connections less the reserved ones)`
      : room.by === 'role'
        ? `this role's CONNECTION LIMIT is ${room.limit}`
        : `this database's CONNECTION LIMIT is ${room.limit}`;
  return (
    `PostgreSQL connections: this process may open up to ${need.total} (store ${need.store}, queue ${need.queue}, ` +
    `LISTEN ${need.listen}, group ${need.group}) but ${limit} and ${room.used} are in use. Past the limit the server ` +
    `refuses connections (SQLSTATE 53300) and this process works on the connections it got, slower than sized: ` +
    `lower ?max= in DATABASE_URL, or raise the limit.`
  );
}
