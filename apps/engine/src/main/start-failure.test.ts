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
