export { isRecord } from '../is-record.js';

/** Narrow an unknown value to an array of unknowns (Array.isArray alone yields `any[]`). */
export function isArray(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}
