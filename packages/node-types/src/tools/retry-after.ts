/**
 * Milliseconds to wait according to an HTTP `Retry-After` header, which holds either
 * delay-seconds (`120`) or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`).
 * Returns undefined when the header is absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // HTTP dates name the month (`21 Oct 2015`); this keeps V8's lenient parser from reading `-5` as a year.
  if (!/[a-z]{3}/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
