import { z } from '@hono/zod-openapi';
import { ErrorCode } from '@flowcraft/schema';
import { ProblemRef } from './common.js';

/**
 * Stable codes of problem responses: the shared `ErrorCode`s plus those only HTTP has (413, 415,
 * 403 for a cross-site `Origin`, 421 for a `Host` the engine does not answer to).
 * (Candidates for `packages/schema` once the editor needs them.)
 */
export const HttpErrorCode = z.enum([
  ...ErrorCode.options,
  'payload_too_large',
  'unsupported_media_type',
  'forbidden',
  'misdirected_request',
  /** 503: the database cannot be reached right now (a restart, a failover); `Retry-After` says when to try again. */
  'unavailable',
]);
export type HttpErrorCode = z.infer<typeof HttpErrorCode>;

/** One reason a request (body, path or query) was refused. */
export const RequestIssue = z
  .object({
    location: z.enum(['body', 'path', 'query', 'header']),
    path: z.array(z.union([z.string(), z.number()])),
    message: z.string(),
  })
  .openapi('RequestIssue');
export type RequestIssue = z.infer<typeof RequestIssue>;

/** RFC 9457 problem details, served as `application/problem+json`. */
export const ProblemDetails = z
  .object({
    type: z.string().openapi({ example: 'urn:flowcraft:problem:not_found' }),
    title: z.string().openapi({ example: 'Not Found' }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string().openapi({ example: 'Workflow "sequential-pipeline" does not exist.' }),
    instance: z.string().optional().openapi({ example: '/v1/workflows/sequential-pipeline' }),
    code: HttpErrorCode,
    /** Every problem of an invalid workflow document (422 `invalid_document`). */
    problems: z.array(ProblemRef).optional(),
    /** Every reason a request was malformed (400 `invalid_request`) or refused (422 `invalid_input`: limits, NUL). */
    issues: z.array(RequestIssue).optional(),
  })
  .openapi('ProblemDetails');
export type ProblemDetails = z.infer<typeof ProblemDetails>;
