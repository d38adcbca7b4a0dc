import { customType } from 'drizzle-orm/pg-core';

/**
 * Normalise what a driver returns for bytea to a plain Uint8Array (postgres.js: Buffer, viewed
 * without copying; PGlite: Uint8Array; text: `\x…` hex), so values read back equal values written.
 */
export function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array)
    return value.constructor === Uint8Array ? value : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === 'string' && value.startsWith('\\x')) return Uint8Array.from(Buffer.from(value.slice(2), 'hex'));
  throw new TypeError(`expected bytea, got ${typeof value}`);
}

/** `bytea` column holding a Uint8Array on both PGlite and postgres.js. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (value) => value,
  fromDriver: (value) => toBytes(value),
});
