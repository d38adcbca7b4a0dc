import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './db.js';
import type { OpenDatabase } from './db.js';
import { OutageProxy } from './outage-proxy.js';
import { createServerDatabase } from './server-database.js';
import type { ServerDatabase } from './server-database.js';

/** LISTEN through a connection that is cut and comes back (postgres): listened on again, and told so. */
describe('native LISTEN across a lost connection (postgres)', () => {
  let server: ServerDatabase;
  let proxy: OutageProxy;
  let open: OpenDatabase;
  let notifier: postgres.Sql;

  beforeAll(async () => {
    server = await createServerDatabase(process.env.DATABASE_URL || undefined, 'flowcraft_relisten');
    proxy = await OutageProxy.start(server.url);
    open = await openDatabase({ url: proxy.rewrite(server.url) });
    notifier = postgres(server.url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await proxy?.restore().catch(() => undefined);
    await open?.close();
    await notifier?.end();
    await proxy?.close();
    await server?.drop();
  });

  it('calls onRelisten once the connection is back, and hears notifications again', async () => {
    const heard: string[] = [];
    let relistened = 0;
    const stop = await open.native.listen(
      'flowcraft_relisten_test',
      (payload) => heard.push(payload),
      () => relistened++,
    );
    await notifier`select pg_notify('flowcraft_relisten_test', 'before')`;
    await expect.poll(() => heard).toEqual(['before']);
    expect(relistened).toBe(0);
    // A restart as the client sees it: its connection ended by the server, new ones refused.
    await proxy.outage();
    await notifier`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
    // Sent while the listener's connection is away: lost (what onRelisten is for).
    await notifier`select pg_notify('flowcraft_relisten_test', 'during')`;
    await proxy.restore();
    await expect.poll(() => relistened, { timeout: 10_000 }).toBe(1);
    await notifier`select pg_notify('flowcraft_relisten_test', 'after')`;
    await expect.poll(() => heard).toEqual(['before', 'after']);
    await stop();
  });
});
