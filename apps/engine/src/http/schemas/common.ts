import { z } from '@hono/zod-openapi';
import { ErrorInfo, Problem, TokenUsage } from '@flowcraft/schema';

/** Resource ids: letters, digits, `_` and `-`, starting with a letter or digit (UUIDs and slugs fit). */
export const Id = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/,
    'must be 1-128 letters, digits, "_" or "-", starting with a letter or digit',
  );
export type Id = z.infer<typeof Id>;

/** ISO 8601 with offset; year 1 or later in UTC (Postgres has no year 0, so `0000-…` would fail in SQL). */
export const Timestamp = z.iso
  .datetime({ offset: true })
  .refine((value) => new Date(value).getUTCFullYear() >= 1, 'must be in year 1 or later')
  .openapi({ example: '2025-01-31T12:00:00.000Z' });

/** Any JSON object. */
export const JsonObject = z.record(z.string(), z.unknown());
export type JsonObject = z.infer<typeof JsonObject>;

/** Largest value of a Postgres `integer` column (versions, seqs): larger ones are refused, not stored. */
export const INT32_MAX = 2_147_483_647;

/** Cursors are base64url text the API issued; anything else (e.g. `%ff%ff`) is a 400, never page 1. */
export const PageCursor = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor this API issued')
  .openapi({ description: "Opaque cursor from a previous page's `nextCursor`." });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: 'Page size (1-100).' }),
  cursor: PageCursor.optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** A page of items; `nextCursor` is null on the last page (the wire type from `@flowcraft/schema`). */
export { page, type Page } from '@flowcraft/schema';

/**
 * A schema from `@flowcraft/schema` as a named OpenAPI component. Those schemas may be built before
 * `@hono/zod-openapi` extends zod (zod copies prototype methods at construction), so they may lack
 * `.openapi()`; a clone built now has it.
 */
export function named<T extends z.ZodType>(schema: T, name: string): T {
  return schema.clone().openapi(name);
}

/** Shared schemas, named so the OpenAPI document refers to them once. */
export const ProblemRef = named(Problem, 'Problem');
export const ErrorInfoRef = named(ErrorInfo, 'ErrorInfo');
export const TokenUsageRef = named(TokenUsage, 'TokenUsage');
