import { FlowError } from '@flowcraft/schema';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config.js';
import { startFailure } from './start-failure.js';

describe('startFailure', () => {
  const url = 'postgres://app:s3cret@db.internal:6543/flowcraft';

  it('names a database at its connection limit, with the server words and what to do', () => {
    const err = Object.assign(new Error('too many connections for role "app"'), { code: '53300', severity: 'FATAL' });
    const line = startFailure(err, url);
    expect(line).toBe(
      'Could not start: the database at db.internal:6543 refused the connection: too many connections for role "app" (53300). Other processes hold the connections the server, this role or this database allows: lower ?max= in DATABASE_URL, stop some processes, or raise the limit.',
    );
    expect(String(line)).not.toContain('s3cret');
  });

  it('names what the server refused at connection start, with what to do', () => {
    const fatal = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'FATAL' });
    expect(startFailure(fatal('28P01', 'password authentication failed for user "app"'), url)).toBe(
      'Could not start: the database at db.internal:6543 refused the connection: password authentication failed for user "app" (28P01). Check the user name and password in DATABASE_URL.',
    );
    expect(startFailure(fatal('3D000', 'database "flowcraft" does not exist'), url)).toMatch(
      /refused the connection: database "flowcraft" does not exist \(3D000\)\. Create the database/,
    );
    // The same code from a statement (not FATAL) is not a refused connection.
    const notFatal = Object.assign(new Error('permission denied'), { code: '42501', severity: 'ERROR' });
    expect(startFailure(notFatal, url)).toBe(notFatal);
  });

  it('names a TLS failure, and a server that resets a TLS request', () => {
    const tls = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(startFailure(tls, `${url}?sslmode=verify-full`)).toBe(
      "Could not start: the TLS connection to the database at db.internal:6543 failed: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT). With sslmode=verify-full the server's certificate must be trusted: add its CA with NODE_EXTRA_CA_CERTS, or use sslmode=require (encrypted, not verified).",
    );
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(startFailure(reset, `${url}?sslmode=require`)).toMatch(/\(ECONNRESET\)\..*may not accept TLS/);
    expect(startFailure(reset, url)).not.toMatch(/TLS/);
  });

  it('names a database that cannot be reached', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:6543'), { code: 'ECONNREFUSED' });
    expect(startFailure(err, url)).toBe(
      'Could not start: the database at db.internal:6543 could not be reached (ECONNREFUSED). Is PostgreSQL running there, and is DATABASE_URL right?',
    );
    expect(startFailure(err, 'postgres://localhost/x')).toMatch(/at localhost:5432 could not/);
  });

  it('prints configuration and domain errors as their message, anything else as itself', () => {
    expect(startFailure(new ConfigError(['PORT must be a number']), undefined)).toBe(
      'Invalid engine configuration:\n  - PORT must be a number',
    );
    expect(startFailure(new FlowError('conflict', 'Worker id "w" is held'), undefined)).toBe('Worker id "w" is held');
    const bug = new TypeError('x is undefined');
    expect(startFailure(bug, url)).toBe(bug);
  });
});
