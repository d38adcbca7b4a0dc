import { FlowError } from '@flowcraft/schema';
import type { Page } from '@flowcraft/schema';

/** Offset pagination with an opaque cursor, for lists the repositories return whole. */
export function paginate<T>(items: readonly T[], query: { limit: number; cursor?: string | undefined }): Page<T> {
  const start = query.cursor === undefined ? 0 : decodeOffset(query.cursor);
  const slice = items.slice(start, start + query.limit);
  const end = start + slice.length;
  return { items: slice, nextCursor: end < items.length ? Buffer.from(`o:${end}`).toString('base64url') : null };
}

function decodeOffset(cursor: string): number {
  const match = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match?.[1])
    throw new FlowError('invalid_request', 'The cursor is not valid; use the nextCursor of a previous page.');
  return Number(match[1]);
}
