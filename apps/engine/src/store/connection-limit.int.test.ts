import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { type Engine, startEngine } from '../main/engine.js';
import { createServerDatabase } from './server-database.js';
import type { ServerDatabase } from './server-database.js';

const EXAMPLES = fileURLToPath(new URL('../../../../examples', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A server that refuses connections past a limit (53300: `max_connections`, or a role's or a
 * database's CONNECTION LIMIT). The driver as the project patches it (`patches/postgres@3.4.9.patch`)
 * keeps a pool at the connections the server allows: a query whose new connection is refused goes to
 * the pool's live connections instead of failing. As published, postgres.js failed each such query
 * with 53300: a process (16 connections by default) as a role limited to 5 failed runs `worker_lost`.
 */
describe('a connection limit below the pools (postgres)', () => {
  let server: ServerDatabase;
  let admin: postgres.Sql;
  const role = `flowcraft_cap_${randomUUID().slice(0, 8)}`;
  const asRole = () => {
    const url = new URL(server.url);
    url.username = role;
    return url.toString();
  };
  const roleConnections = async () =>
    (await admin<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where usename = ${role}`)[0]?.n ?? 0;

  beforeAll(async () => {
    server = await createServerDatabase(process.env.DATABASE_URL || undefined, 'flowcraft_connection_limit');
    admin = postgres(server.url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create role ${role} login connection limit 3`);
    await admin.unsafe(`alter database "${new URL(server.url).pathname.slice(1)}" owner to ${role}`);
  });
  afterAll(async () => {
    await admin?.end();
    // The role owns the database: the database goes first, then the role, from another database.
    await server?.drop();
    const maintenance = new URL(server.url);
    maintenance.pathname = '/postgres';
    const sql = postgres(maintenance.toString(), { max: 1, onnotice: () => {} });
    await sql.unsafe(`drop role if exists ${role}`);
    await sql.end();
  });

  it('a pool of 10 under a limit of 3: every query and transaction succeeds on the connections allowed', async () => {
    const sql = postgres(asRole(), { max: 10, onnotice: () => {} });
    try {
      let peak = 0;
      const watch = setInterval(() => {
        void roleConnections().then((n) => {
          peak = Math.max(peak, n);
        });
      }, 20);
      const queries = Array.from({ length: 60 }, (_, i) =>
        i % 6 === 0
          ? sql.begin(async (tx) => (await tx<{ v: number }[]>`select ${i}::int as v, pg_sleep(0.02)`)[0]?.v)
          : sql<{ v: number }[]>`select ${i}::int as v, pg_sleep(0.02)`.then((rows) => rows[0]?.v),
      );
      const settled = await Promise.allSettled(queries);
      clearInterval(watch);
      const failed = settled.filter((s) => s.status === 'rejected').map((s) => String(s.reason));
      expect(failed).toEqual([]);
      expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined))).toEqual(
        Array.from({ length: 60 }, (_, i) => i),
      );
      expect(peak).toBeLessThanOrEqual(3);
      expect(await roleConnections()).toBeGreaterThanOrEqual(1);
      // A reserved connection waits for one of the live ones.
      const reservedConns = await Promise.all([sql.reserve(), sql.reserve()]);
      for (const r of reservedConns) expect(await r`select 1 as one`).toEqual([{ one: 1 }]);
      for (const r of reservedConns) r.release();

      // Room again (the limit raised): the parked connections come back after 5 s and the pool grows.
      await admin.unsafe(`alter role ${role} connection limit 8`);
      await sleep(5_200);
      await Promise.all(Array.from({ length: 30 }, () => sql`select pg_sleep(0.1)`));
      expect(await roleConnections()).toBeGreaterThan(3);
    } finally {
      await sql.end({ timeout: 5 });
      await admin.unsafe(`alter role ${role} connection limit 3`);
    }
  }, 30_000);

  it('a query waiting on the connections it got fails with 53300 after connect_timeout: it never hangs', async () => {
    await admin.unsafe(`alter role ${role} connection limit 1`);
    const sql = postgres(asRole(), { max: 3, onnotice: () => {}, connect_timeout: 1 });
    try {
      await sql`select 1`; // the one connection allowed is open
      // A transaction holds it and, inside, waits for a query of the pool (outside the transaction):
      // the pool's other connections are refused, so that query can only wait for the transaction.
      const t0 = performance.now();
      const inner = await sql.begin(async (tx) => {
        await tx`select 1`;
        return sql`select 2`.then(
          () => 'answered',
          (e: unknown) => Reflect.get(Object(e), 'code'),
        );
      });
      expect(inner).toBe('53300');
      expect(performance.now() - t0).toBeGreaterThan(900);
      expect(performance.now() - t0).toBeLessThan(5_000);
      // The pool goes on with the connection it has.
      expect(await sql`select 3 as v`).toEqual([{ v: 3 }]);
    } finally {
      await sql.end({ timeout: 5 });
      await admin.unsafe(`alter role ${role} connection limit 3`);
    }
  });

  it('with no connection of its own allowed, a query fails with 53300 at once (it does not wait)', async () => {
    await admin.unsafe(`alter role ${role} connection limit 0`);
    const sql = postgres(asRole(), { max: 4, onnotice: () => {} });
    try {
      const t0 = performance.now();
      const err = await sql`select 1`.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: '53300' });
      expect(performance.now() - t0).toBeLessThan(5_000);
    } finally {
      await sql.end({ timeout: 5 });
      await admin.unsafe(`alter role ${role} connection limit 3`);
    }
  });

  it('an engine (role all, 16 connections by default) as a role limited to 5 completes every run', async () => {
    await admin.unsafe(`alter role ${role} connection limit 5`);
    const printed: string[] = [];
    let engine: Engine | undefined;
    try {
      engine = await startEngine({
        config: loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: asRole(), QUEUE_POLL_SECONDS: '1' }),
        env: {},
        print: (text) => printed.push(text),
      });
      // Said at start: the pools may not fit.
      expect(printed.join('\n')).toMatch(/CONNECTION LIMIT is 5/);
      const call = async (path: string, body?: unknown) => {
        const res = await fetch(`${engine?.server.url}${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: res.status, json: (await res.json()) as Record<string, unknown> };
      };
      const doc = JSON.parse(readFileSync(`${EXAMPLES}/sequential-pipeline.json`, 'utf8')) as {
        script: Record<string, unknown>;
      };
      const saved = await call('/v1/workflows', { document: { ...doc, script: { ...doc.script, latencyMs: 100 } } });
      expect(saved.status).toBe(201);
      const started = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          call('/v1/runs', { workflowId: saved.json.id, input: { topic: `t${i}` } }),
        ),
      );
      expect(started.map((s) => s.status)).toEqual(Array(20).fill(202));
      const ids = started.map((s) => String(s.json.runId));
      const deadline = Date.now() + 30_000;
      let runs: { status: string; attempt: number; error?: unknown }[] = [];
      while (Date.now() < deadline) {
        runs = await Promise.all(ids.map(async (id) => (await call(`/v1/runs/${id}`)).json as (typeof runs)[number]));
        if (runs.every((r) => r.status !== 'queued' && r.status !== 'running')) break;
        await sleep(200);
      }
      expect(runs.map((r) => r.status)).toEqual(Array(20).fill('completed'));
      // Executed once each: nothing was handed back for a refused connection.
      expect(runs.map((r) => r.attempt)).toEqual(Array(20).fill(1));
      expect((await call('/v1/health')).status).toBe(200);
      expect(await roleConnections()).toBeLessThanOrEqual(5);
      expect(printed.filter((p) => /53300|too many connections/.test(p) && !/CONNECTION LIMIT/.test(p))).toEqual([]);
    } finally {
      await engine?.stop();
    }
  }, 60_000);
});
