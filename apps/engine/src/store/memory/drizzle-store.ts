import { and, asc, desc, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Embeddings } from '@langchain/core/embeddings';
import {
  BaseStore,
  getTextAtPath,
  tokenizePath,
  validateNamespace,
  type GetOperation,
  type Item,
  type ListNamespacesOperation,
  type MatchCondition,
  type Operation,
  type OperationResults,
  type PutOperation,
  type SearchItem,
  type SearchOperation,
} from '@langchain/langgraph-checkpoint';
import type { Database } from '../db.js';
import { memoryItems } from '../schema/memory.js';
import { dotProductSql, unitVector } from '../vector.js';
import { filterSql } from './memory-filter.js';

/** Semantic search over stored values: which fields are embedded, and by what. */
export interface MemoryIndexConfig {
  embeddings: Embeddings;
  /** JSON paths of the value to embed (LangGraph syntax, `$` = the whole value). Default `["$"]`. */
  fields?: string[];
}

export interface MemoryTtlConfig {
  /** Minutes an item lives when `put` names no TTL; absent → items without a TTL never expire. */
  defaultTtlMinutes?: number;
  /** A `get` (or a `search` hit) pushes the expiry of an item with a TTL forward. Default true. */
  refreshOnRead?: boolean;
  /** Interval of the background sweep started by `start()`; default 5 minutes. */
  sweepIntervalMinutes?: number;
}

export interface DrizzleStoreOptions {
  index?: MemoryIndexConfig;
  ttl?: MemoryTtlConfig;
}

/** A put with a time to live (minutes). `ttl: null` → never expires, even with a default TTL. */
export interface PutWithTtlOperation extends PutOperation {
  ttl?: number | null;
}

const SEPARATOR = '.';

/**
 * LangGraph's `BaseStore` on the engine's database (PGlite or Postgres, one schema: `memory_items`).
 * Namespaces are label lists stored joined by `.`; a prefix search is a range scan on the primary key.
 * Expired items are invisible at once and deleted by `sweepExpired()` (periodically after `start()`).
 * With `index`, values are embedded at `put` and `search({query})` ranks by cosine similarity (an exact
 * scan over the namespace prefix; memories per user are few).
 */
export class DrizzleStore extends BaseStore {
  private readonly fields: [string, string[]][];
  /** The hot paths: one prepared statement each (a put built per call cost ~2× the statement's own time). */
  private readonly getStatement;
  private readonly putStatement;
  private sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly db: Database,
    private readonly options: DrizzleStoreOptions = {},
  ) {
    super();
    this.fields = (options.index?.fields ?? ['$']).map((p) => [p, p === '$' ? [p] : tokenizePath(p)]);
    this.getStatement = db
      .select()
      .from(memoryItems)
      .where(
        and(
          eq(memoryItems.namespace, sql.placeholder('namespace')),
          eq(memoryItems.key, sql.placeholder('key')),
          live(),
        ),
      )
      .prepare('flowcraft_memory_get');
    // `ttl` null → no expiry (`now() + null` is null).
    const ttl = sql.placeholder('ttl');
    this.putStatement = db
      .insert(memoryItems)
      .values({
        namespace: sql.placeholder('namespace'),
        key: sql.placeholder('key'),
        value: sql.placeholder('value'),
        // Encoded here (a null has no array encoding in a prepared statement): `{…}` or null.
        embedding: sql`${sql.placeholder('embedding')}::real[]`,
        expiresAt: sql`now() + ${ttl}::double precision * interval '1 minute'`,
        ttlMinutes: ttl,
      })
      .onConflictDoUpdate({
        target: [memoryItems.namespace, memoryItems.key],
        set: {
          value: sql`excluded.value`,
          embedding: sql`excluded.embedding`,
          expiresAt: sql`excluded.expires_at`,
          ttlMinutes: sql`excluded.ttl_minutes`,
          updatedAt: sql`now()`,
        },
      })
      .prepare('flowcraft_memory_put');
  }

  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    const results: unknown[] = [];
    for (const op of operations) results.push(await this.run(op));
    return results as OperationResults<Op>;
  }

  /** `put` with a TTL in minutes (LangGraph's Python store's `ttl` argument). */
  async putWithTtl(namespace: string[], key: string, value: Record<string, unknown>, ttl: number | null) {
    await this.putOne({ namespace, key, value, ttl });
  }

  /** Deletes every item whose namespace starts with `prefix` (erasure); returns how many. */
  async deletePrefix(prefix: string[]): Promise<number> {
    const rows = await this.db.delete(memoryItems).where(prefixSql(prefix)).returning({ key: memoryItems.key });
    return rows.length;
  }

  /** Deletes expired items; returns how many. */
  async sweepExpired(): Promise<number> {
    const rows = await this.db
      .delete(memoryItems)
      .where(lte(memoryItems.expiresAt, sql`now()`))
      .returning({ key: memoryItems.key });
    return rows.length;
  }

  override start(): void {
    if (this.sweeper !== undefined || this.options.ttl === undefined) return;
    const minutes = this.options.ttl.sweepIntervalMinutes ?? 5;
    this.sweeper = setInterval(() => void this.sweepExpired().catch(() => {}), minutes * 60_000);
    this.sweeper.unref();
  }

  override stop(): void {
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private run(op: Operation): Promise<unknown> {
    if ('namespacePrefix' in op) return this.searchOp(op);
    if ('value' in op) return this.putOne(op);
    if ('key' in op) return this.getOne(op);
    return this.listOp(op);
  }

  private async getOne(op: GetOperation): Promise<Item | null> {
    const [row] = await this.getStatement.execute({ namespace: joinNs(op.namespace), key: op.key });
    if (row === undefined) return null;
    if (row.ttlMinutes !== null && this.options.ttl?.refreshOnRead !== false) await this.refresh([row]);
    return toItem(row);
  }

  private async putOne(op: PutWithTtlOperation): Promise<void> {
    validateNamespace(op.namespace);
    const namespace = joinNs(op.namespace);
    if (op.value === null) {
      await this.db.delete(memoryItems).where(and(eq(memoryItems.namespace, namespace), eq(memoryItems.key, op.key)));
      return;
    }
    const ttl = op.ttl === undefined ? (this.options.ttl?.defaultTtlMinutes ?? null) : op.ttl;
    const embedding = await this.embed(op.value, op.index);
    await this.putStatement.execute({
      namespace,
      key: op.key,
      value: op.value,
      embedding: embedding === null ? null : memoryItems.embedding.mapToDriverValue(embedding),
      ttl,
    });
  }

  private async searchOp(op: SearchOperation): Promise<SearchItem[]> {
    const where = and(prefixSql(op.namespacePrefix), live(), ...filterSql(sql`${memoryItems.value}`, op.filter));
    const limit = op.limit ?? 10;
    const offset = op.offset ?? 0;
    if (op.query !== undefined && op.query !== '' && this.options.index !== undefined) {
      const query = unitVector(await this.options.index.embeddings.embedQuery(op.query));
      const score = sql<number | null>`${dotProductSql(sql`${memoryItems.embedding}`, query)}`;
      const rows = await this.db
        .select({ row: memoryItems, score })
        .from(memoryItems)
        .where(where)
        .orderBy(sql`${score} desc nulls last`, asc(memoryItems.namespace), asc(memoryItems.key))
        .limit(limit)
        .offset(offset);
      await this.refresh(rows.map((r) => r.row));
      return rows.map((r) => ({ ...toItem(r.row), ...(r.score === null ? {} : { score: Number(r.score) }) }));
    }
    const rows = await this.db
      .select()
      .from(memoryItems)
      .where(where)
      .orderBy(desc(memoryItems.updatedAt), asc(memoryItems.namespace), asc(memoryItems.key))
      .limit(limit)
      .offset(offset);
    await this.refresh(rows);
    return rows.map(toItem);
  }

  private async listOp(op: ListNamespacesOperation): Promise<string[][]> {
    const rows = await this.db
      .selectDistinct({ namespace: memoryItems.namespace })
      .from(memoryItems)
      .where(live())
      .orderBy(asc(memoryItems.namespace));
    const seen = new Set<string>();
    const out: string[][] = [];
    for (const { namespace } of rows) {
      const labels = namespace.split(SEPARATOR);
      if (!(op.matchConditions ?? []).every((c) => matches(labels, c))) continue;
      const cut = op.maxDepth === undefined ? labels : labels.slice(0, op.maxDepth);
      const id = cut.join(SEPARATOR);
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(cut);
    }
    return out.slice(op.offset, op.offset + op.limit);
  }

  private async embed(value: Record<string, unknown>, index: false | string[] | undefined): Promise<number[] | null> {
    const config = this.options.index;
    if (config === undefined || index === false) return null;
    const paths = index === undefined ? this.fields : index.map((p): [string, string[]] => [p, tokenizePath(p)]);
    const texts = paths.flatMap(([path]) => (path === '$' ? [JSON.stringify(value)] : getTextAtPath(value, path)));
    if (texts.length === 0) return null;
    return unitVector(await config.embeddings.embedQuery(texts.join('\n')));
  }

  private async refresh(rows: { namespace: string; key: string; ttlMinutes: number | null }[]): Promise<void> {
    if (this.options.ttl?.refreshOnRead === false) return;
    const withTtl = rows.filter((r) => r.ttlMinutes !== null);
    if (withTtl.length === 0) return;
    await this.db
      .update(memoryItems)
      .set({ expiresAt: sql`now() + ${memoryItems.ttlMinutes} * interval '1 minute'` })
      .where(or(...withTtl.map((r) => and(eq(memoryItems.namespace, r.namespace), eq(memoryItems.key, r.key)))));
  }
}

function joinNs(namespace: string[]): string {
  return namespace.join(SEPARATOR);
}

/** Items of `prefix` or below it; `[]` = everything. With `text COLLATE "C"` a range on the primary key. */
function prefixSql(prefix: string[]): SQL | undefined {
  if (prefix.length === 0) return undefined;
  const p = joinNs(prefix);
  // '/' is the code point after '.', so [p., p/) holds exactly the namespaces below p.
  return or(
    eq(memoryItems.namespace, p),
    and(sql`${memoryItems.namespace} >= ${`${p}.`}`, sql`${memoryItems.namespace} < ${`${p}/`}`),
  );
}

function live(): SQL | undefined {
  return or(isNull(memoryItems.expiresAt), gt(memoryItems.expiresAt, sql`now()`));
}

function matches(labels: string[], condition: MatchCondition): boolean {
  const path = condition.path;
  if (path.length > labels.length) return false;
  const part = condition.matchType === 'prefix' ? labels.slice(0, path.length) : labels.slice(-path.length);
  return path.every((p, i) => p === '*' || p === part[i]);
}

function toItem(row: typeof memoryItems.$inferSelect): Item {
  return {
    namespace: row.namespace.split(SEPARATOR),
    key: row.key,
    value: row.value,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
