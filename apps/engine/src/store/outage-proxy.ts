import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

/**
 * Test support: a TCP proxy in front of the PostgreSQL server that can play a database outage as a
 * client sees a restart — every open connection cut mid-flight, new ones refused — and then let
 * connections through again. Only the proxy's own clients are affected (CI shares one server).
 */
export class OutageProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private port = 0;

  private constructor(
    private readonly target: { host: string; port: number },
    /** Connections refused from `outage()` until `restore()` (a server that is down). */
    private refusing = false,
  ) {}

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

  /** Cut every connection now (as a server restart does) and refuse new ones until `restore`. */
  async outage(): Promise<void> {
    this.refusing = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  /** Accept connections again on the same port. */
  async restore(): Promise<void> {
    this.refusing = false;
    await this.listen();
  }

  async close(): Promise<void> {
    await this.outage();
  }

  private listen(): Promise<void> {
    const server = createServer((client) => {
      if (this.refusing) return client.destroy();
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
