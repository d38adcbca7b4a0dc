import { z } from 'zod';
import { FlowError } from '@flowcraft/schema';

/** A page of a keyset-paginated list; pass `nextCursor` back as `cursor` for the next page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** Keyset position: the sort timestamp and id of the last item of the previous page. */
const Cursor = z.object({ t: z.iso.datetime(), id: z.string() });
export type Cursor = { at: Date; id: string };

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify({ t: at.toISOString(), id })).toString('base64url');
}

export function decodeCursor(cursor: string): Cursor {
  try {
    const parsed = Cursor.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { at: new Date(parsed.t), id: parsed.id };
  } catch (cause) {
    throw new FlowError('invalid_request', 'Invalid pagination cursor', { cause });
  }
}

/** Ids a text cursor may carry (checkpoint ids are UUIDs; nothing with NUL, spaces or control characters). */
const CURSOR_TEXT = /^[A-Za-z0-9._:-]{1,200}$/;

/** A cursor that carries one id as base64url text (e.g. a checkpoint id). */
export function encodeTextCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

/**
 * The id in a cursor from `encodeTextCursor`. Anything else — not canonical base64url, or decoding
 * to bytes no issued cursor holds (`AAAA` is three NULs) — is `FlowError('invalid_request')`, never
 * page 1 and never a query with NUL in it.
 */
export function decodeTextCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!CURSOR_TEXT.test(id) || encodeTextCursor(id) !== cursor)
    throw new FlowError('invalid_request', 'Invalid pagination cursor; use the nextCursor of a previous page.');
  return id;
}

export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1)
    throw new FlowError('invalid_request', `limit must be a positive integer (got ${limit})`);
  return Math.min(limit, MAX_PAGE_SIZE);
}

/** Given `size + 1` rows fetched, the page and the cursor after its last item. */
export function toPage<T>(rows: T[], size: number, key: (row: T) => { at: Date; id: string }): Page<T> {
  const items = rows.slice(0, size);
  const last = items[items.length - 1];
  if (rows.length <= size || last === undefined) return { items, nextCursor: null };
  const k = key(last);
  return { items, nextCursor: encodeCursor(k.at, k.id) };
}
