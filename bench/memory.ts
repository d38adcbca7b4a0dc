/**
 * Benchmark: long-term memory and retrieval.
 *
 *  (1) Memory put/get latency on the PostgreSQL server (fresh database, dropped after): our `DrizzleStore`
 *      (LangGraph `BaseStore`) against the floor — the same upsert and select as one hand-written
 *      postgres.js statement each — alternated per round. Per-operation p50 / p99 (goal p99 < 5 ms) and
 *      ours/floor ratios; medians over ROUNDS with min–max spread.
 *  (2) Retrieval over CHUNKS (10,000) chunks of DIMS (384) dimensions on embedded PGlite: the exact scan
 *      (`real[]`, no extension, what a Postgres server without pgvector runs) against pgvector's HNSW
 *      index (per knowledge base, cosine). Query p50 / p90 per mode, and recall@K of HNSW against the
 *      exact top K. The same exact scan on the Postgres server is measured too (skipped if unreachable).
 *
 *   pnpm bench:memory            (ROUNDS=5 OPS=300 CHUNKS=10000 DIMS=384 QUERIES=40 K=10)
 */
import { randomUUID } from 'node:crypto';
// Installed in apps/engine (the root package does not list them).
import { sql } from '../apps/engine/node_modules/drizzle-orm/index.js';
// @ts-expect-error postgres.js ships its declarations in types/, not beside src/index.js
import postgresJs from '../apps/engine/node_modules/postgres/src/index.js';
import type postgresTypes from '../apps/engine/node_modules/postgres/types/index.js';
import { DrizzleStore, createServerDatabase, openDatabase } from '../apps/engine/src/store/index.js';
import type { Database, KnowledgeBaseRow, KnowledgeRepo } from '../apps/engine/src/store/index.js';
import { createKnowledgeRepo } from '../apps/engine/src/store/repos/knowledge-repo.js';
import { unitVector } from '../apps/engine/src/store/vector.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const OPS = Number(process.env.OPS ?? 300);
const CHUNKS = Number(process.env.CHUNKS ?? 10_000);
const DIMS = Number(process.env.DIMS ?? 384);
const QUERIES = Number(process.env.QUERIES ?? 40);
const K = Number(process.env.K ?? 10);
const postgres: typeof postgresTypes = postgresJs;
const SERVER = process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};
const median = (xs: number[]) => quantile(xs, 0.5);
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
const spread = (xs: number[]) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

// ---------- (1) memory put/get on Postgres ----------

async function memoryLatency(): Promise<void> {
  let server: Awaited<ReturnType<typeof createServerDatabase>>;
  try {
    server = await createServerDatabase(SERVER, 'flowcraft_bench');
  } catch (err) {
    console.log(`(1) memory latency: skipped, no PostgreSQL server (${err instanceof Error ? err.message : err})`);
    return;
  }
  const open = await openDatabase({ url: server.url, maxConnections: 4 });
  const raw = postgres(server.url, { max: 4, onnotice: () => {} });
  try {
    const store = new DrizzleStore(open.db);
    const sides = {
      ours: {
        put: (ns: string[], key: string, value: Record<string, unknown>) => store.put(ns, key, value),
        get: (ns: string[], key: string) => store.get(ns, key),
      },
      floor: {
        put: async (ns: string[], key: string, value: Record<string, unknown>) => {
          await raw`insert into memory_items (namespace, key, value) values (${ns.join('.')}, ${key}, ${raw.json(value as never)})
            on conflict (namespace, key) do update set value = excluded.value, updated_at = now()`;
        },
        get: async (ns: string[], key: string) =>
          (
            await raw`select * from memory_items where namespace = ${ns.join('.')} and key = ${key} and (expires_at is null or expires_at > now())`
          )[0],
      },
    };
    const stats: Record<string, { putP50: number[]; putP99: number[]; getP50: number[]; getP99: number[] }> = {
      ours: { putP50: [], putP99: [], getP50: [], getP99: [] },
      floor: { putP50: [], putP99: [], getP50: [], getP99: [] },
    };
    // Warm-up (connections, prepared statements).
    for (const side of Object.values(sides)) for (let i = 0; i < 50; i++) await side.put(['warm', 'u'], `k${i}`, { i });
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['ours', 'floor'] as const) : (['floor', 'ours'] as const);
      for (const name of order) {
        const side = sides[name];
        const puts: number[] = [];
        const gets: number[] = [];
        const user = `${name}-${round}`;
        for (let i = 0; i < OPS; i++)
          puts.push(
            await timed(() => side.put(['workflow', 'bench', user], `k${i % 50}`, { text: `fact ${i}`, n: i })),
          );
        for (let i = 0; i < OPS; i++) gets.push(await timed(() => side.get(['workflow', 'bench', user], `k${i % 50}`)));
        const s = stats[name];
        s?.putP50.push(quantile(puts, 0.5));
        s?.putP99.push(quantile(puts, 0.99));
        s?.getP50.push(quantile(gets, 0.5));
        s?.getP99.push(quantile(gets, 0.99));
      }
    }
    console.log(`(1) memory put/get on PostgreSQL, ${OPS} ops per round, ${ROUNDS} rounds (median, spread min–max)`);
    for (const name of ['ours', 'floor'] as const) {
      const s = stats[name];
      if (!s) continue;
      console.log(
        `  ${name.padEnd(5)} put p50 ${fmt(median(s.putP50))}  p99 ${fmt(median(s.putP99))} (${spread(s.putP99)})   get p50 ${fmt(median(s.getP50))}  p99 ${fmt(median(s.getP99))} (${spread(s.getP99)})`,
      );
    }
    const o = stats.ours;
    const f = stats.floor;
    if (o && f) {
      console.log(
        `  ours/floor: put p50 ${(median(o.putP50) / median(f.putP50)).toFixed(2)}×, get p50 ${(median(o.getP50) / median(f.getP50)).toFixed(2)}×`,
      );
      console.log(
        `  goal p99 < 5 ms: put ${(median(o.putP99) / 5).toFixed(2)}× of goal, get ${(median(o.getP99) / 5).toFixed(2)}× of goal`,
      );
    }
  } finally {
    await raw.end({ timeout: 1 });
    await open.close();
    await server.drop();
  }
}

// ---------- (2) retrieval over 10,000 chunks ----------

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Clustered unit vectors, like embeddings of documents about a few hundred topics. */
function corpus(n: number, dims: number): { vectors: number[][]; queries: number[][] } {
  const rand = rng(42);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const centers = Array.from({ length: 200 }, () => unitVector(Array.from({ length: dims }, gauss)));
  const vectors = Array.from({ length: n }, () => {
    const c = centers[Math.floor(rand() * centers.length)] ?? [];
    return unitVector(c.map((x) => x + 0.08 * gauss()));
  });
  const queries = Array.from({ length: QUERIES }, () => {
    const v = vectors[Math.floor(rand() * vectors.length)] ?? [];
    return unitVector(v.map((x) => x + 0.05 * gauss()));
  });
  return { vectors, queries };
}

async function fill(repo: KnowledgeRepo, vectors: number[][]): Promise<KnowledgeBaseRow> {
  const base = await repo.createBase({
    id: `bench-${randomUUID().slice(0, 8)}`,
    name: 'bench',
    embeddingModel: 'bench:random',
    dimensions: DIMS,
    chunkSize: 1000,
    chunkOverlap: 0,
  });
  const perDoc = 1000;
  for (let d = 0; d * perDoc < vectors.length; d++) {
    const slice = vectors.slice(d * perDoc, (d + 1) * perDoc);
    await repo.putDocument(
      {
        id: `${base.id}-d${d}`,
        knowledgeBaseId: base.id,
        source: `doc-${d}.txt`,
        contentType: 'text/plain',
        content: '',
        contentHash: String(d),
        metadata: {},
      },
      slice.map((embedding, i) => ({
        idx: i,
        content: `chunk ${d}/${i}`,
        startOffset: 0,
        endOffset: 0,
        lineFrom: 1,
        lineTo: 1,
        metadata: { source: `doc-${d}.txt` },
        embedding,
      })),
    );
  }
  return base;
}

async function retrieval(): Promise<void> {
  const { vectors, queries } = corpus(CHUNKS, DIMS);
  const open = await openDatabase();
  const db: Database = open.db;
  const repo = createKnowledgeRepo(db);
  const hasVector = await repo.hasVector();
  const t0 = performance.now();
  const base = await fill(repo, vectors);
  const fillMs = performance.now() - t0;
  console.log(
    `(2) retrieval over ${CHUNKS} chunks × ${DIMS} dims on PGlite (pgvector ${hasVector ? 'yes' : 'no'}; inserted with the HNSW index in ${(fillMs / 1000).toFixed(1)} s), ${QUERIES} queries, top ${K}`,
  );
  const explain = await db.execute(
    sql.raw(
      `explain select idx from knowledge_chunks where knowledge_base_id = '${base.id}' order by (embedding::vector(${DIMS}) <=> '[${queries[0]?.join(',')}]'::vector(${DIMS})) limit ${K}`,
    ),
  );
  const usesIndex = /hnsw/i.test(JSON.stringify(explain));
  console.log(`  plan uses the HNSW index: ${usesIndex ? 'yes' : 'NO'}`);
  const times: Record<'exact' | 'hnsw', number[]> = { exact: [], hnsw: [] };
  let recallSum = 0;
  for (const [i, q] of queries.entries()) {
    const order = i % 2 === 0 ? (['exact', 'hnsw'] as const) : (['hnsw', 'exact'] as const);
    const got: Record<string, string[]> = {};
    for (const mode of order) {
      const t = performance.now();
      const res = await repo.search(base, { vector: q, topK: K, mode });
      times[mode].push(performance.now() - t);
      got[mode] = res.chunks.map((c) => `${c.documentId}#${c.idx}`);
    }
    const exact = new Set(got.exact);
    recallSum += (got.hnsw ?? []).filter((id) => exact.has(id)).length / Math.max(1, exact.size);
  }
  const recall = recallSum / queries.length;
  console.log(
    `  exact scan (real[], no extension)  p50 ${fmt(median(times.exact))}  p90 ${fmt(quantile(times.exact, 0.9))}`,
  );
  console.log(
    `  pgvector HNSW                      p50 ${fmt(median(times.hnsw))}  p90 ${fmt(quantile(times.hnsw, 0.9))}`,
  );
  console.log(
    `  exact/hnsw p50 ${(median(times.exact) / median(times.hnsw)).toFixed(1)}×   recall@${K} of HNSW vs exact ${(recall * 100).toFixed(1)}%`,
  );
  await open.close();

  // The same exact scan on the PostgreSQL server (no pgvector there): the fallback's real cost.
  let server: Awaited<ReturnType<typeof createServerDatabase>>;
  try {
    server = await createServerDatabase(SERVER, 'flowcraft_bench');
  } catch {
    console.log('  PostgreSQL exact scan: skipped, no server');
    return;
  }
  const pg = await openDatabase({ url: server.url, maxConnections: 2 });
  try {
    const prepo = createKnowledgeRepo(pg.db);
    const pbase = await fill(prepo, vectors);
    const ptimes: number[] = [];
    for (const q of queries) ptimes.push(await timed(() => prepo.search(pbase, { vector: q, topK: K, mode: 'exact' })));
    console.log(
      `  PostgreSQL server exact scan (pgvector ${(await prepo.hasVector()) ? 'yes' : 'no'})  p50 ${fmt(median(ptimes))}  p90 ${fmt(quantile(ptimes, 0.9))}`,
    );
  } finally {
    await pg.close();
    await server.drop();
  }
}

await memoryLatency();
await retrieval();
