import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
};

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Test-only stand-in for the engine serving the built editor (the lead's "one URL" item): GET
 * requests outside `/v1` and `/socket.io` are answered from `dist` (index.html as SPA fallback) on
 * the engine's own server, so the page, the API and the socket share one origin as in production.
 */
export function serveEditorOn(server: Server, dist: string): void {
  const previous = server.listeners('request').filter((l): l is Listener => typeof l === 'function');
  server.removeAllListeners('request');
  const root = normalize(dist + sep);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    if ((req.method === 'GET' || req.method === 'HEAD') && !path.startsWith('/v1') && !path.startsWith('/socket.io')) {
      let file = normalize(join(root, path));
      if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      createReadStream(file).pipe(res);
      return;
    }
    for (const l of previous) l.call(server, req, res);
  });
}
