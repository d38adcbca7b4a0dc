import { describe, expect, it } from 'vitest';
import {
  FlowError,
  MAX_ERROR_MESSAGE_BYTES,
  isStorageUnavailable,
  loggableError,
  storageErrorCode,
  toErrorInfo,
  truncateMessage,
  unavailableCode,
} from './errors.js';

/** The shape drizzle gives a failed query: SQL and parameters in the message, the driver's error as cause. */
function drizzleError(sqlstate: string): Error {
  const driver = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
    name: 'PostgresError',
    code: sqlstate,
    severity: 'ERROR',
  });
  return Object.assign(new Error('Failed query: insert into "runs" ("input") values ($1)\nparams: my-secret-state'), {
    name: 'DrizzleQueryError',
    cause: driver,
  });
}

describe('truncateMessage', () => {
  it('keeps short messages as they are', () => {
    expect(truncateMessage('short')).toBe('short');
  });

  it('cuts a 10 MB message to 8 KB and notes the full size', () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const cut = truncateMessage(huge);
    expect(cut.startsWith('x'.repeat(MAX_ERROR_MESSAGE_BYTES))).toBe(true);
    expect(cut).toContain(`[truncated: ${10 * 1024 * 1024} bytes in full]`);
    expect(new TextEncoder().encode(cut).length).toBeLessThan(MAX_ERROR_MESSAGE_BYTES + 64);
  });

  it('never splits a multi-byte character', () => {
    const cut = truncateMessage('€'.repeat(5000), 10);
    expect(cut.startsWith('€€€…')).toBe(true);
    expect(cut).not.toContain('\uFFFD');
  });
});

describe('storage errors', () => {
  it('finds the SQLSTATE through drizzle and driver errors', () => {
    expect(storageErrorCode(drizzleError('22P05'))).toBe('22P05');
    expect(storageErrorCode(new Error('Failed query: select 1\nparams: '))).toBe('unknown');
    expect(storageErrorCode(new Error('a plain error'))).toBeUndefined();
    expect(storageErrorCode(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBeUndefined();
  });

  it('tells a database that could not be reached from one that refused the statement', () => {
    const wrapped = (cause: unknown) => Object.assign(new Error('Failed query: select 1\nparams: '), { cause });
    // Lost or refused connections, as postgres.js and Node's net report them, through drizzle's wrapper.
    for (const code of ['CONNECTION_CLOSED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET'])
      expect(isStorageUnavailable(wrapped(Object.assign(new Error(code), { code }))), code).toBe(true);
    // A server restarting, shutting down or full.
    for (const sqlstate of ['57P01', '57P03', '08006', '53300'])
      expect(isStorageUnavailable(drizzleError(sqlstate)), sqlstate).toBe(true);
    // Node's connect to several addresses: an AggregateError of refusals.
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' });
    expect(isStorageUnavailable(wrapped(new AggregateError([refused], 'connect failed')))).toBe(true);
    // The statement's own fault: not worth trying again.
    for (const sqlstate of ['22P05', '23505', '40001', '57014'])
      expect(isStorageUnavailable(drizzleError(sqlstate)), sqlstate).toBe(false);
    expect(isStorageUnavailable(new Error('a plain error'))).toBe(false);
    expect(isStorageUnavailable('ECONNRESET')).toBe(false);
    // What may be logged: the code alone, never the statement or its values.
    expect(unavailableCode(drizzleError('57P01'))).toBe('57P01');
    expect(unavailableCode(drizzleError('22P05'))).toBeUndefined();
    expect(loggableError(drizzleError('57P01'))).toBe('database unreachable (57P01)');
    expect(loggableError(drizzleError('22P05'))).toBe('A storage error occurred (SQLSTATE 22P05).');
    expect(loggableError(new Error('plain'))).toBe('plain');
    expect(loggableError(drizzleError('53300'))).toBe(
      'database refused a new connection: too many connections (53300)',
    );
  });

  it('toErrorInfo names only the SQLSTATE, never the SQL or its parameters', () => {
    const info = toErrorInfo(drizzleError('22021'));
    expect(info).toEqual({ code: 'internal', message: 'A storage error occurred (SQLSTATE 22021).' });
    expect(JSON.stringify(info)).not.toContain('my-secret-state');
    expect(JSON.stringify(info)).not.toContain('insert into');
  });

  it('toErrorInfo truncates long messages, FlowErrors included', () => {
    const long = 'y'.repeat(20_000);
    expect(toErrorInfo(new Error(long)).message).toContain('[truncated: 20000 bytes in full]');
    expect(toErrorInfo(new FlowError('tool_error', long)).message).toContain('[truncated: 20000 bytes in full]');
    expect(toErrorInfo('plain').message).toBe('plain');
  });
});
