import { FlowError } from '@flowcraft/schema';
import type { Page } from '../schemas/common.js';

/** Offset pagination with an opaque cursor, for the in-memory fakes. */
export function paginate<T>(items: readonly T[], query: { limit: number; cursor?: string | undefined }): Page<T> {
  const start = query.cursor === undefined ? 0 : decodeCursor(query.cursor);
  const slice = items.slice(start, start + query.limit);
  const end = start + slice.length;
  return { items: slice, nextCursor: end < items.length ? encodeCursor(end) : null };
}

function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match?.[1])
    throw new FlowError('invalid_request', 'The cursor is not valid; use the nextCursor of a previous page.');
  return Number(match[1]);
}
