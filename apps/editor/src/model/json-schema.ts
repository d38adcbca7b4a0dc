import { isRecord } from '@flowcraft/schema';
export { isRecord } from '@flowcraft/schema';
import { z } from 'zod';

/** The subset of JSON Schema (2020-12) that node-type config schemas use, as zod infers it. */
export interface JsonSchema {
  type?: string | string[] | undefined;
  title?: string | undefined;
  description?: string | undefined;
  properties?: Record<string, JsonSchema> | undefined;
  required?: string[] | undefined;
  additionalProperties?: boolean | JsonSchema | undefined;
  items?: JsonSchema | undefined;
  enum?: unknown[] | undefined;
  const?: unknown;
  default?: unknown;
  minimum?: number | undefined;
  maximum?: number | undefined;
  exclusiveMinimum?: number | undefined;
  exclusiveMaximum?: number | undefined;
  minLength?: number | undefined;
  maxLength?: number | undefined;
  pattern?: string | undefined;
  minItems?: number | undefined;
  maxItems?: number | undefined;
  anyOf?: JsonSchema[] | undefined;
  oneOf?: JsonSchema[] | undefined;
}

export const JsonSchema: z.ZodType<JsonSchema> = z.lazy(() =>
  z.looseObject({
    type: z.union([z.string(), z.array(z.string())]).optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    properties: z.record(z.string(), JsonSchema).optional(),
    required: z.array(z.string()).optional(),
    additionalProperties: z.union([z.boolean(), JsonSchema]).optional(),
    items: JsonSchema.optional(),
    enum: z.array(z.unknown()).optional(),
    const: z.unknown().optional(),
    default: z.unknown().optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    exclusiveMinimum: z.number().optional(),
    exclusiveMaximum: z.number().optional(),
    minLength: z.number().optional(),
    maxLength: z.number().optional(),
    pattern: z.string().optional(),
    minItems: z.number().optional(),
    maxItems: z.number().optional(),
    anyOf: z.array(JsonSchema).optional(),
    oneOf: z.array(JsonSchema).optional(),
  }),
);

/** Read a schema served as plain JSON; an unreadable one is treated as "anything". */
export function readSchema(raw: unknown): JsonSchema {
  const parsed = JsonSchema.safeParse(raw);
  return parsed.success ? parsed.data : {};
}

export type SchemaKind = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null' | 'any';

/** The main type of a schema (first non-null type; `anyOf` of one real branch counts as that branch). */
export function kindOf(schema: JsonSchema): SchemaKind {
  const t = Array.isArray(schema.type) ? schema.type.find((x) => x !== 'null') : schema.type;
  if (
    t === 'string' ||
    t === 'number' ||
    t === 'integer' ||
    t === 'boolean' ||
    t === 'object' ||
    t === 'array' ||
    t === 'null'
  )
    return t;
  if (schema.enum?.every((v) => typeof v === 'string')) return 'string';
  const branches = (schema.anyOf ?? schema.oneOf ?? []).filter((b) => b.type !== 'null');
  if (branches.length === 1 && branches[0]) return kindOf(branches[0]);
  if (schema.properties) return 'object';
  return 'any';
}

function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

/** A value for a new item of this schema: its default, else an empty value of its type. */
export function emptyValue(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return clone(schema.default);
  switch (kindOf(schema)) {
    case 'string':
      return schema.enum?.[0] ?? '';
    case 'number':
    case 'integer':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return withDefaults(schema, {});
    default:
      return null;
  }
}

/** Fill missing object properties with their defaults, recursively (like zod's parse would). */
export function withDefaults(schema: JsonSchema, value: unknown): unknown {
  const kind = kindOf(schema);
  if (kind === 'object' && isRecord(value) && schema.properties) {
    const out: Record<string, unknown> = { ...value };
    for (const [key, prop] of Object.entries(schema.properties)) {
      if (out[key] === undefined && prop.default !== undefined) out[key] = clone(prop.default);
      if (out[key] !== undefined) out[key] = withDefaults(prop, out[key]);
    }
    return out;
  }
  if (kind === 'array' && Array.isArray(value) && schema.items) {
    const items = schema.items;
    return value.map((v) => withDefaults(items, v));
  }
  return value;
}

export interface SchemaIssue {
  path: (string | number)[];
  message: string;
}

function typeMatches(t: string, value: unknown): boolean {
  switch (t) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isRecord(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
    default:
      return true;
  }
}

/** Check a value against the schema subset; returns every issue with its path. */
export function checkValue(schema: JsonSchema, value: unknown, path: (string | number)[] = []): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const add = (message: string, at = path) => issues.push({ path: at, message });
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches && branches.length > 0 && !branches.some((b) => checkValue(b, value, path).length === 0)) {
    add('does not match any allowed form');
    return issues;
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeMatches(t, value))) {
      add(`expected ${types.join(' or ')}`);
      return issues;
    }
  }
  if (schema.enum && !schema.enum.some((v) => v === value))
    add(`must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if (schema.const !== undefined && schema.const !== value) add(`must be ${JSON.stringify(schema.const)}`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) add(`must be at least ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) add(`must be at most ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      add(`must be more than ${schema.exclusiveMinimum}`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
      add(`must be less than ${schema.exclusiveMaximum}`);
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      add(schema.minLength === 1 ? 'is required' : `needs at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      add(`allows at most ${schema.maxLength} characters`);
    if (schema.pattern !== undefined && !safeRegExp(schema.pattern)?.test(value)) add(`must match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      add(`needs at least ${schema.minItems} item(s)`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      add(`allows at most ${schema.maxItems} item(s)`);
    const items = schema.items;
    if (items) value.forEach((item, i) => issues.push(...checkValue(items, item, [...path, i])));
  }
  if (isRecord(value)) {
    const props = schema.properties ?? {};
    for (const key of schema.required ?? []) if (value[key] === undefined) add('is required', [...path, key]);
    for (const [key, v] of Object.entries(value)) {
      const prop = props[key];
      if (prop) {
        if (v !== undefined) issues.push(...checkValue(prop, v, [...path, key]));
      } else if (schema.additionalProperties === false) {
        add(`unknown field "${key}"`, [...path, key]);
      } else if (isRecord(schema.additionalProperties)) {
        issues.push(...checkValue(schema.additionalProperties, v, [...path, key]));
      }
    }
  }
  return issues;
}

const regexCache = new Map<string, RegExp | undefined>();
function safeRegExp(pattern: string): RegExp | undefined {
  if (!regexCache.has(pattern)) {
    try {
      regexCache.set(pattern, new RegExp(pattern, 'u'));
    } catch {
      regexCache.set(pattern, undefined);
    }
  }
  return regexCache.get(pattern);
}
