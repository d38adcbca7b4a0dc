import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

/**
 * Test support: a TCP proxy in front of the PostgreSQL server that can play a database outage — new
 * connections refused while the server ends the open ones — and then let connections through again.
 * Only the proxy's own clients are affected (CI shares one server).
 */
export class OutageProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private port = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  /** Listens on a free loopback port and forwards to `targetUrl`'s host and port. */
  static async start(targetUrl: string): Promise<OutageProxy> {
    const url = new URL(targetUrl);
    const proxy = new OutageProxy({ host: url.hostname, port: Number(url.port || 5432) });
    await proxy.listen();
    return proxy;
  }

  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string {
    const through = new URL(url);
    through.hostname = '127.0.0.1';
    through.port = String(this.port);
    return through.toString();
  }

  /**
   * Refuse new connections until `restore` (a server that is down). Open connections stay until the
   * server ends them: `pg_terminate_backend`, as a restart does (57P01, then the close).
   */
  async outage(): Promise<void> {
    // Stop listening at once (close's callback would wait until every connection is gone).
    this.server?.close();
    this.server = undefined;
  }

  /**
   * A network failure: new connections refused until `restore`, and every open one cut here — the
   * clients see their sockets close with no word from the server. (postgres.js 3.4.9 as published
   * then left queries that never settled, and could throw from a timer; the project patches it:
   * `patches/postgres@3.4.9.patch`, `postgres-driver.int.test.ts`.)
   */
  async cut(): Promise<void> {
    await this.outage();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  /** Accept connections again on the same port. */
  async restore(): Promise<void> {
    await this.listen();
  }

  async close(): Promise<void> {
    await this.cut();
  }

  private listen(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const [a, b] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.sockets.add(a);
        a.pipe(b);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          this.sockets.delete(a);
          b.destroy();
        });
      }
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        const address = server.address();
        if (typeof address === 'object' && address) this.port = address.port;
        resolve();
      });
    });
  }
}
