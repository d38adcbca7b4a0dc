import { FlowError, unavailableCode } from '@flowcraft/schema';

/**
 * What a process that could not start prints: one line naming the cause and what to do when it is
 * known (configuration, a database that is away or at its connection limit), else the error itself
 * (a bug: its stack helps). `databaseUrl` names the server; its password is never printed.
 */
export function startFailure(err: unknown, databaseUrl: string | undefined): string | unknown {
  // A `ConfigError` is a FlowError too: every reason, one line each.
  if (err instanceof FlowError) return err.message;
  const code = unavailableCode(err);
  if (code === undefined) return err;
  const where = serverName(databaseUrl);
  if (code === '53300') {
    // The server's own words name the limit (e.g. `too many connections for role "app"`); no SQL in them.
    const said = err instanceof Error && err.message.length < 200 ? `: ${err.message}` : '';
    return (
      `Could not start: the database${where} refused the connection${said} (53300). Other processes hold the ` +
      'connections the server, this role or this database allows: lower ?max= in DATABASE_URL, stop some ' +
      'processes, or raise the limit.'
    );
  }
  return `Could not start: the database${where} could not be reached (${code}). Is PostgreSQL running there, and is DATABASE_URL right?`;
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
