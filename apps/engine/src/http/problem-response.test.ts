import { describe, expect, it } from 'vitest';
import { HTTPException } from 'hono/http-exception';
import { FlowError, InvalidDocumentError } from '@flowcraft/schema';
import type { Problem } from '@flowcraft/schema';
import {
  RefusedRequestError,
  RequestValidationError,
  UnacceptableValueError,
  mapError,
  problemResponse,
} from './problem-response.js';

const aProblem: Problem = {
  path: ['nodes', 0],
  code: 'unknown_node_type',
  message: 'Unknown node type "nope"',
  nodeId: 'n1',
  severity: 'error',
};

describe('mapError', () => {
  it.each([
    ['not_found', 404],
    ['conflict', 409],
    ['invalid_request', 400],
    ['invalid_document', 422],
    ['invalid_input', 422],
    ['unauthorized', 401],
    ['rate_limited', 429],
  ] as const)('maps FlowError %s to %i with the code and message', (code, status) => {
    const { problem, unexpected } = mapError(new FlowError(code, `message for ${code}`));
    expect(problem).toEqual({
      type: `urn:flowcraft:problem:${code}`,
      title: expect.any(String),
      status,
      detail: `message for ${code}`,
      code,
    });
    expect(unexpected).toBe(false);
  });

  it('hides the message of an internal FlowError and flags it for logging', () => {
    const { problem, unexpected } = mapError(new FlowError('internal', 'pool exhausted on 10.0.0.5'));
    expect(problem).toMatchObject({
      status: 500,
      code: 'internal',
      detail: 'An unexpected error occurred. It has been logged.',
    });
    expect(unexpected).toBe(true);
  });

  it('maps any other thrown value to an opaque 500', () => {
    for (const err of [new TypeError('x is undefined'), 'a string', { weird: true }]) {
      const { problem, unexpected } = mapError(err);
      expect(problem.status).toBe(500);
      expect(JSON.stringify(problem)).not.toContain('undefined');
      expect(unexpected).toBe(true);
    }
  });

  it('carries every problem of an invalid document', () => {
    const { problem } = mapError(new InvalidDocumentError([aProblem, { ...aProblem, nodeId: 'n2' }]));
    expect(problem.status).toBe(422);
    expect(problem.problems).toHaveLength(2);
  });

  it('accepts problems passed as details of a plain invalid_document FlowError, and ignores malformed ones', () => {
    expect(mapError(new FlowError('invalid_document', 'bad', { details: [aProblem] })).problem.problems).toEqual([
      aProblem,
    ]);
    expect(mapError(new FlowError('invalid_document', 'bad', { details: 'nope' })).problem.problems).toBeUndefined();
  });

  it('carries request issues', () => {
    const issues = [{ location: 'query' as const, path: ['limit'], message: 'Too big' }];
    const { problem } = mapError(new RequestValidationError(issues));
    expect(problem).toMatchObject({ status: 400, code: 'invalid_request', issues });
    expect(problem.detail).toBe('The request is invalid (query limit: Too big).');
  });

  it('maps Hono HTTP exceptions by status and keeps an auth challenge', () => {
    expect(mapError(new HTTPException(413, { message: 'too big' })).problem).toMatchObject({
      status: 413,
      code: 'payload_too_large',
      detail: 'too big',
    });
    expect(mapError(new HTTPException(415)).problem).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    expect(mapError(new HTTPException(405)).problem).toMatchObject({ status: 405, code: 'invalid_request' });
    const res = new Response('no', { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="x"' } });
    expect(mapError(new HTTPException(401, { res })).headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="x"' });
    expect(mapError(new HTTPException(503, { message: 'secret detail' })).problem).toMatchObject({
      status: 500,
      code: 'internal',
    });
  });
});

describe('an unreachable database', () => {
  it('is a 503 with Retry-After, expected (not logged as a bug), whatever the statement said', () => {
    const lost = Object.assign(new Error('Failed query: select "secret" from runs\nparams: my-value'), {
      cause: Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' }),
    });
    const mapped = mapError(lost);
    expect(mapped).toMatchObject({ unexpected: false, headers: { 'Retry-After': '2' } });
    expect(mapped.problem).toMatchObject({ status: 503, code: 'unavailable', title: 'Service unavailable' });
    expect(JSON.stringify(mapped.problem)).not.toContain('my-value');
    // A statement the database refused stays an internal error.
    const refused = Object.assign(new Error('Failed query: x'), {
      cause: Object.assign(new Error('duplicate'), { code: '23505', severity: 'ERROR' }),
    });
    expect(mapError(refused)).toMatchObject({ unexpected: true, problem: { status: 500, code: 'internal' } });
  });
});

describe('bounded problems', () => {
  it('cuts a huge message to 8 KB and maps refused values and requests to their codes', () => {
    const huge = mapError(new FlowError('invalid_input', 'm'.repeat(1_000_000)));
    expect(huge.problem.detail.length).toBeLessThan(8300);
    expect(huge.problem.detail).toContain('[truncated: 1000000 bytes in full]');
    const refused = mapError(new UnacceptableValueError([{ location: 'body', path: ['a'], message: 'NUL' }]));
    expect(refused.problem).toMatchObject({ status: 422, code: 'invalid_input', issues: [{ path: ['a'] }] });
    expect(mapError(new RefusedRequestError('misdirected_request', 'no')).problem.status).toBe(421);
    expect(mapError(new RefusedRequestError('forbidden', 'no')).problem.status).toBe(403);
  });
});

describe('problemResponse', () => {
  it('serves application/problem+json with the problem status', async () => {
    const res = problemResponse(mapError(new FlowError('conflict', 'busy')).problem);
    expect(res.status).toBe(409);
    expect(res.headers.get('Content-Type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'conflict', detail: 'busy' });
  });
});
