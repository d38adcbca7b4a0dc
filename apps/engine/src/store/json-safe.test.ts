import { describe, expect, it } from 'vitest';
import { MAX_STORED_DEPTH, OMITTED_DEEP, jsonSafe, safeErrorInfo, safeEventPayload, textSafe } from './json-safe.js';

describe('jsonSafe', () => {
  it('returns the same value when nothing needs escaping', () => {
    const value = { a: [1, 'two', { three: null }], b: true };
    expect(jsonSafe(value)).toBe(value);
  });

  it('spells out NUL and unpaired surrogates in strings and keys, keeps valid pairs', () => {
    const value = { 'k\u0000ey': ['a\u0000b', 'hi\uD800', '\uDC00x', '😀'], n: 1 };
    const safe = jsonSafe(value);
    expect(safe).toEqual({ 'k\\u0000ey': ['a\\u0000b', 'hi\\ud800', '\\udc00x', '😀'], n: 1 });
    expect(value['k\u0000ey'][0]).toBe('a\u0000b');
    expect(JSON.stringify(safe)).not.toMatch(/(?<!\\)\\u(0000|d[89a-f])/i);
  });

  it('handles values nested 10,000 deep without recursion, cutting them at MAX_STORED_DEPTH', () => {
    let deep: unknown = 'bottom';
    for (let i = 1; i < 10_000; i++) deep = { d: deep };
    let cursor = jsonSafe(deep);
    for (let i = 1; i < MAX_STORED_DEPTH; i++) cursor = (cursor as { d: unknown }).d;
    expect(cursor).toEqual({ d: OMITTED_DEEP });
    expect(() => JSON.stringify(jsonSafe(deep))).not.toThrow();
    let shallow: unknown = 'bottom\u0000';
    for (let i = 1; i < MAX_STORED_DEPTH; i++) shallow = [shallow];
    expect(JSON.stringify(jsonSafe(shallow))).toContain('bottom\\\\u0000');
  });

  it('sees values as JSON does (toJSON) and copes with cycles', () => {
    const date = new Date('2025-01-01T00:00:00.000Z');
    const cyclic: Record<string, unknown> = { s: '\u0000', date };
    cyclic.self = cyclic;
    const safe = jsonSafe(cyclic) as Record<string, unknown>;
    expect(safe.s).toBe('\\u0000');
    expect(safe.date).toBe('2025-01-01T00:00:00.000Z');
    expect(safe.self).toBe(safe);
  });

  it('replaces a leaked query text', () => {
    expect(jsonSafe({ m: 'Failed query: select $1\nparams: secret' })).toEqual({
      m: 'A storage error occurred (SQLSTATE unknown).',
    });
  });
});

describe('textSafe and safeErrorInfo', () => {
  it('escapes text', () => {
    expect(textSafe('a\u0000')).toBe('a\\u0000');
    expect(textSafe('plain')).toBe('plain');
  });

  it('truncates and redacts error messages', () => {
    const big = safeErrorInfo({ code: 'tool_error', message: 'z'.repeat(10 * 1024 * 1024), nodeId: 'n\u0000' });
    expect(big.message.length).toBeLessThan(8300);
    expect(big.message).toContain('[truncated: 10485760 bytes in full]');
    expect(big.nodeId).toBe('n\\u0000');
    const leak = safeErrorInfo({ code: 'node_failed', message: 'Failed query: insert … params: user-state' });
    expect(leak.message).toBe('A storage error occurred (SQLSTATE unknown).');
  });
});

describe('safeEventPayload', () => {
  it('truncates the error of a failed node or run, and leaves other payloads to jsonSafe', () => {
    const failed = safeEventPayload({ attempt: 1, error: { code: 'tool_error', message: 'q'.repeat(100_000) } });
    expect(failed).toMatchObject({ attempt: 1, error: { code: 'tool_error' } });
    const message = (failed as { error: { message: string } }).error.message;
    expect(message).toContain('[truncated: 100000 bytes in full]');
    const detailed = safeEventPayload({ error: { code: 'x', message: 'm', details: { stack: 's'.repeat(20_000) } } });
    expect(detailed).toEqual({
      error: { code: 'x', message: 'm', details: { omitted: 'details too large to store (20012 characters of JSON)' } },
    });
    const plain = { output: { a: 1 } };
    expect(safeEventPayload(plain)).toBe(plain);
    expect(safeEventPayload({ error: { message: 'x\u0000' } })).toEqual({ error: { message: 'x\\u0000' } });
  });
});
