import { FlowError, unavailableCode } from '@flowcraft/schema';

/** What to do when the server refused the connection with this SQLSTATE (a FATAL at connection start). */
const REFUSALS: Record<string, string> = {
  '53300':
    'Other processes hold the connections the server, this role or this database allows: lower ?max= in ' +
    'DATABASE_URL, stop some processes, or raise the limit.',
  '28P01': 'Check the user name and password in DATABASE_URL.',
  '28000': "Check the user name in DATABASE_URL, and that the server's pg_hba.conf lets it connect from here.",
  '3D000': 'Create the database (e.g. createdb NAME) or fix its name in DATABASE_URL.',
  '42501': 'The role may not connect to this database: GRANT CONNECT, or use another role.',
};

/**
 * What a process that could not start prints: one line naming the cause and what to do when it is
 * known (configuration, a database that refuses, is away, or fails TLS), else the error itself (a
 * bug: its stack helps). `databaseUrl` names the server; its password is never printed.
 */
export function startFailure(err: unknown, databaseUrl: string | undefined): string | unknown {
  // A `ConfigError` is a FlowError too: every reason, one line each.
  if (err instanceof FlowError) return err.message;
  const where = serverName(databaseUrl);
  const code = Reflect.get(Object(err), 'code');
  const message = err instanceof Error && err.message.length < 300 ? err.message : undefined;
  // The server's own words at connection start name the role, database or limit; no SQL, no values.
  if (typeof code === 'string' && code in REFUSALS && Reflect.get(Object(err), 'severity') === 'FATAL')
    return `Could not start: the database${where} refused the connection${message ? `: ${message}` : ''} (${code}). ${REFUSALS[code]}`;
  if (typeof code === 'string' && /CERT|TLS|SSL/.test(code))
    return (
      `Could not start: the TLS connection to the database${where} failed${message ? `: ${message}` : ''} (${code}). ` +
      "With sslmode=verify-full the server's certificate must be trusted: add its CA with NODE_EXTRA_CA_CERTS, or " +
      'use sslmode=require (encrypted, not verified).'
    );
  const unreachable = unavailableCode(err);
  if (unreachable === undefined) return err;
  if (unreachable === '53300')
    return `Could not start: the database${where} refused the connection (53300). ${REFUSALS[unreachable]}`;
  const tls = databaseUrl !== undefined && /[?&]ssl(mode)?=/.test(databaseUrl);
  return (
    `Could not start: the database${where} could not be reached (${unreachable}). Is PostgreSQL running there, and is DATABASE_URL right?` +
    (tls && unreachable === 'ECONNRESET' ? ' The server may not accept TLS connections (sslmode in DATABASE_URL).' : '')
  );
}

function serverName(url: string | undefined): string {
  if (url === undefined) return '';
  try {
    const u = new URL(url);
    return ` at ${u.hostname}:${u.port || '5432'}`;
  } catch {
    return '';
  }
}
