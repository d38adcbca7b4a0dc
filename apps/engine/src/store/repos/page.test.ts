import { describe, expect, it } from 'vitest';
import { FlowError } from '@flowcraft/schema';
import { decodeCursor, decodeTextCursor, encodeCursor, encodeTextCursor } from './page.js';

function refused(fn: () => unknown): FlowError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FlowError) return err;
    throw err;
  }
  throw new Error('expected a FlowError');
}

describe('cursors', () => {
  it('round-trips the cursors the API issues', () => {
    const id = '1f0a2b3c-4d5e-6f70-8001-0123456789ab';
    expect(decodeTextCursor(encodeTextCursor(id))).toBe(id);
    const at = new Date('2025-01-01T00:00:00.000Z');
    expect(decodeCursor(encodeCursor(at, 'w1'))).toEqual({ at, id: 'w1' });
  });

  it('refuses text cursors it did not issue: NUL bytes, non-canonical base64url, garbage', () => {
    for (const cursor of ['AAAA', '%ff%ff', 'not a cursor', 'YWJj=', encodeTextCursor('a b'), ''])
      expect(refused(() => decodeTextCursor(cursor)).code, cursor).toBe('invalid_request');
    expect(refused(() => decodeCursor('AAAA')).code).toBe('invalid_request');
  });
});
