import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreparePolicy, autoPrepared } from './auto-prepare.js';
import { postgresNativeSql } from './native-sql.js';
import { createServerDatabase } from './server-database.js';
import type { ServerDatabase } from './server-database.js';

describe('PreparePolicy', () => {
  it('prepares a text from its third use, and no more than `max` texts', () => {
    const policy = new PreparePolicy(2, 3);
    expect([policy.prepare('a'), policy.prepare('a'), policy.prepare('a'), policy.prepare('a')]).toEqual([
      false,
      false,
      true,
      true,
    ]);
    for (let i = 0; i < 3; i++) policy.prepare('b');
    expect(policy.size).toBe(2);
    // Full: a third text stays unprepared however often it runs; the chosen ones stay prepared.
    expect(Array.from({ length: 5 }, () => policy.prepare('c'))).toEqual([false, false, false, false, false]);
    expect(policy.prepare('a')).toBe(true);
  });

  it('forgets the counts of texts seen once when it tracks too many (memory stays bounded)', () => {
    const policy = new PreparePolicy(10, 2, 3);
    policy.prepare('x');
    for (const t of ['1', '2', '3']) policy.prepare(t); // the 4th distinct text clears the counts
    expect(policy.prepare('x')).toBe(false);
    expect(policy.prepare('x')).toBe(true);
  });
});

describe('autoPrepared (postgres)', () => {
  let server: ServerDatabase;
  let client: postgres.Sql;
  const policy = new PreparePolicy(16, 2);

  beforeAll(async () => {
    server = await createServerDatabase(process.env.DATABASE_URL || undefined);
    // One connection: the prepared statements checked below are that connection's.
    client = autoPrepared(postgres(server.url, { max: 1, onnotice: () => {} }), policy);
  });
  afterAll(async () => {
    await client?.end({ timeout: 5 });
    await server?.drop();
  });

  async function preparedLike(marker: string): Promise<number> {
    const rows = await client.unsafe(
      'select count(*)::int as n from pg_prepared_statements where statement like $1 and statement not like $2',
      [`%${marker}%`, '%pg_prepared_statements%'],
    );
    return Number(rows[0]?.n ?? 0);
  }

  it("prepares drizzle's repeated statements on the connection, with the same results", async () => {
    const db = drizzle({ client });
    const results: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await db.execute(sql`select ${i}::int + 1 as n, 'marker_one' as m`);
      results.push(r[0]?.n);
    }
    expect(results).toEqual([1, 2, 3, 4]);
    expect(await preparedLike('marker_one')).toBe(1);
  });

  it('prepares inside transactions too, and rolls back as before', async () => {
    const db = drizzle({ client });
    await db.execute(sql`create table t_auto (id int primary key)`);
    for (let i = 0; i < 3; i++)
      await db.transaction(async (tx) => {
        await tx.execute(sql`insert into t_auto (id) values (${i}) /* marker_two */`);
      });
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`insert into t_auto (id) values (${10}) /* marker_two */`);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await db.execute(sql`select id from t_auto order by id`)).map((r) => r.id)).toEqual([0, 1, 2]);
    expect(await preparedLike('marker_two')).toBe(1);
  });

  it('runs scripts (no parameters) unprepared, a script holding its own transaction included', async () => {
    const native = postgresNativeSql(client, server.url);
    for (let i = 0; i < 3; i++)
      await native.executeSql(
        'BEGIN; create table if not exists t_script (n int); insert into t_script values (1); COMMIT',
      );
    const { rows } = await native.executeSql('select count(*)::int as n from t_script where $1::int = 1', [1]);
    expect(rows[0]?.n).toBe(3);
    expect(await preparedLike('t_script (n int)')).toBe(0);
  });
});
