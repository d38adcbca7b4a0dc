import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutageProxy } from './outage-proxy.js';
import { createServerDatabase } from './server-database.js';
import type { ServerDatabase } from './server-database.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CONNECTION_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

/**
 * The driver as the project patches it (`patches/postgres@3.4.9.patch`), under network cuts: the
 * sockets of a busy pool cut mid-flight, new connections refused for a moment. Every query settles —
 * with its rows or a connection error — and the pool serves again once the network is back.
 * postgres.js 3.4.9 as published fails this in most rounds: queries that never settle (a query
 * handed to a connection between its socket's 'error' and 'close', or a write left behind a cancelled
 * timer, after which the connection never sent anything again), and a TypeError thrown from a timer
 * that ends the process (porsager/postgres#1154, #1208).
 */
describe('postgres.js under network cuts (postgres)', () => {
  let server: ServerDatabase;
  let proxy: OutageProxy;
  let sql: postgres.Sql;

  beforeAll(async () => {
    server = await createServerDatabase(process.env.DATABASE_URL || undefined, 'flowcraft_driver_cut');
    proxy = await OutageProxy.start(server.url);
    sql = postgres(proxy.rewrite(server.url), { max: 4, onnotice: () => {}, backoff: () => 0.2 });
  });
  afterAll(async () => {
    await proxy?.restore().catch(() => undefined);
    await sql?.end({ timeout: 1 });
    await proxy?.close();
    await server?.drop();
  });

  it('settles every query in flight when the sockets are cut, and serves again after', async () => {
    const big = 'x'.repeat(200_000); // larger than a socket write: written at once, not deferred
    for (let round = 0; round < 8; round++) {
      const outcomes: string[] = [];
      const queries = Array.from({ length: 30 }, (_, i) => {
        const pause = (i % 7) / 100;
        const query =
          i % 3 === 0
            ? sql.unsafe('select length($1::text) as n, pg_sleep($2::float8)', [big, pause], { prepare: true })
            : i % 3 === 1
              ? sql.begin(async (tx) => {
                  await tx.unsafe('select pg_sleep($1::float8)', [pause], { prepare: true });
                  await tx.unsafe('select length($1::text) as n', [big], { prepare: true });
                })
              : sql.unsafe('select pg_sleep($1::float8)', [pause]);
        return query.then(
          () => outcomes.push('ok'),
          (err: unknown) => outcomes.push(String((err as { code?: unknown }).code)),
        );
      });
      await sleep(5 + ((round * 13) % 40));
      await proxy.cut();
      await sleep(200);
      await proxy.restore();
      const settled = await Promise.race([Promise.all(queries).then(() => true), sleep(10_000).then(() => false)]);
      expect({ round, settled, unsettled: queries.length - outcomes.length }).toEqual({
        round,
        settled: true,
        unsettled: 0,
      });
      for (const code of outcomes) if (code !== 'ok') expect(CONNECTION_CODES).toContain(code);
      const [row] = await Promise.race([sql`select 41 + 1 as answer`, sleep(10_000).then(() => [])]);
      expect(row).toEqual({ answer: 42 });
    }
  }, 120_000);
});
