import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionRoom, connectionShortfall, connectionsNeeded } from './connection-budget.js';
import { postgresNativeSql } from './native-sql.js';
import { createServerDatabase } from './server-database.js';
import type { ServerDatabase } from './server-database.js';

describe('connection budget', () => {
  it('counts every pool a process opens', () => {
    expect(connectionsNeeded(10, 4)).toEqual({ store: 10, queue: 4, listen: 1, group: 1, total: 16 });
    expect(connectionsNeeded(1, 4)).toEqual({ store: 1, queue: 1, listen: 1, group: 0, total: 3 });
  });

  it('warns only when the connections this process may still open do not fit', () => {
    const need = connectionsNeeded(10, 4);
    expect(connectionShortfall(need, { by: 'server', limit: 97, used: 20 }, 1)).toBeUndefined();
    // 15 more fit exactly in 15 left.
    expect(connectionShortfall(need, { by: 'server', limit: 35, used: 20 }, 1)).toBeUndefined();
    expect(connectionShortfall(need, { by: 'server', limit: 34, used: 20 }, 1)).toMatch(
      /may open up to 16 \(store 10, queue 4, LISTEN 1, group 1\) but the server allows 34 client connections .* and 20 are in use.*53300.*lower \?max=/,
    );
    expect(connectionShortfall(need, { by: 'role', limit: 5, used: 1 }, 1)).toMatch(
      /this role's CONNECTION LIMIT is 5/,
    );
  });
});

describe('connection room on postgres', () => {
  let server: ServerDatabase;
  const role = `flowcraft_limited_${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    server = await createServerDatabase(undefined, 'flowcraft_connections');
    const admin = postgres(server.url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create role ${role} login connection limit 5`);
    await admin.end();
  });
  afterAll(async () => {
    const admin = postgres(server.url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop role if exists ${role}`).catch(() => undefined);
    await admin.end();
    await server?.drop();
  });

  it("reads the tightest limit: a role's CONNECTION LIMIT under the server's, with its connections in use", async () => {
    const url = new URL(server.url);
    const asServer = postgres(server.url, { max: 1, onnotice: () => {} });
    expect(await connectionRoom(postgresNativeSql(asServer, server.url))).toMatchObject({
      by: 'server',
      limit: expect.any(Number),
    });
    await asServer.end();
    url.username = role;
    const asRole = postgres(url.toString(), { max: 3, onnotice: () => {} });
    // Three connections of the role open (three queries at once on a pool of three).
    await Promise.all([1, 2, 3].map(() => asRole`select pg_sleep(0.2)`));
    const room = await connectionRoom(postgresNativeSql(asRole, url.toString()));
    expect(room).toEqual({ by: 'role', limit: 5, used: 3 });
    // A default process (16 connections) does not fit; one of `?max=1` (3) fits in the 2 left after its first.
    expect(connectionShortfall(connectionsNeeded(10, 4), room, 1)).toMatch(/CONNECTION LIMIT is 5 and 3 are in use/);
    expect(connectionShortfall(connectionsNeeded(1, 4), { ...room, used: 3 }, 1)).toBeUndefined();
    await asRole.end();
  });
});
