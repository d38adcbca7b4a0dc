/** SQLSTATE and constraint of a Postgres error, looked up through drizzle's wrapper (`cause`); both drivers. */
export interface PgErrorInfo {
  code: string | undefined;
  constraint: string | undefined;
}

function field(err: object, key: string): string | undefined {
  const value: unknown = Reflect.get(err, key);
  return typeof value === 'string' ? value : undefined;
}

export function pgError(err: unknown): PgErrorInfo {
  for (
    let e: unknown = err, depth = 0;
    typeof e === 'object' && e !== null && depth < 5;
    e = Reflect.get(e, 'cause'), depth++
  ) {
    const code = field(e, 'code');
    if (code !== undefined && /^[0-9A-Z]{5}$/.test(code))
      return { code, constraint: field(e, 'constraint_name') ?? field(e, 'constraint') };
  }
  return { code: undefined, constraint: undefined };
}

export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
