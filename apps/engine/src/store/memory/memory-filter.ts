import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { FlowError } from '@flowcraft/schema';

/**
 * A `BaseStore.search` filter → SQL over a jsonb column, as LangGraph's stores read it: `{field: value}`
 * is equality, `{field: {$eq|$ne|$gt|$gte|$lt|$lte|$in|$nin: …}}` compares. A field may be a dotted path
 * (`"profile.lang"`). Values compare as jsonb: numbers numerically, strings by code point; a missing field
 * matches only `$ne` and `$nin`.
 */
export function filterSql(column: SQL, filter: Record<string, unknown> | undefined): SQL[] {
  if (filter === undefined) return [];
  const out: SQL[] = [];
  for (const [field, condition] of Object.entries(filter)) {
    const path = `{${field
      .split('.')
      .map((p) => `"${p.replace(/["\\]/g, (c) => `\\${c}`)}"`)
      .join(',')}}`;
    const at = sql`(${column} #> ${path}::text[])`;
    if (!isOperators(condition)) {
      out.push(sql`${at} = ${JSON.stringify(condition ?? null)}::jsonb`);
      continue;
    }
    for (const [op, value] of Object.entries(condition)) out.push(compare(at, op, value));
  }
  return out;
}

const OPERATORS = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin'];

function isOperators(v: unknown): v is Record<string, unknown> {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.keys(v).length > 0 &&
    Object.keys(v).every((k) => OPERATORS.includes(k))
  );
}

function compare(at: SQL, op: string, value: unknown): SQL {
  const json = sql`${JSON.stringify(value ?? null)}::jsonb`;
  switch (op) {
    case '$eq':
      return sql`${at} = ${json}`;
    case '$ne':
      return sql`${at} is distinct from ${json}`;
    case '$gt':
      return sql`${at} > ${json}`;
    case '$gte':
      return sql`${at} >= ${json}`;
    case '$lt':
      return sql`${at} < ${json}`;
    case '$lte':
      return sql`${at} <= ${json}`;
    case '$in':
    case '$nin': {
      if (!Array.isArray(value)) throw new FlowError('invalid_request', `Filter ${op} needs a list of values.`);
      const within = sql`${at} in (select jsonb_array_elements(${JSON.stringify(value)}::jsonb))`;
      return op === '$in' ? sql`coalesce(${within}, false)` : sql`not coalesce(${within}, false)`;
    }
    default:
      throw new FlowError('invalid_request', `Unknown filter operator ${op}.`);
  }
}
