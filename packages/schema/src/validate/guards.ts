/** Narrow an unknown value to a plain record (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Narrow an unknown value to an array of unknowns (Array.isArray alone yields `any[]`). */
export function isArray(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}
