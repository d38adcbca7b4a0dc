import { z } from 'zod';

/** Resource ids: letters, digits, `_` and `-`, starting with a letter or digit (UUIDs and slugs fit). */
export const ResourceId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/,
    'must be 1-128 letters, digits, "_" or "-", starting with a letter or digit',
  );

/** An ISO 8601 timestamp with an offset. */
export const Timestamp = z.iso.datetime({ offset: true });

/** Any JSON object. */
export const JsonObject = z.record(z.string(), z.unknown());
export type JsonObject = z.infer<typeof JsonObject>;

/** A page of items; `nextCursor` is null on the last page. */
export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
