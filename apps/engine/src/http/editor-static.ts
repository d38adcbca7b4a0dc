import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compress } from 'hono/compress';
import { serveStatic } from '@hono/node-server/serve-static';
import type { OpenAPIHono } from '@hono/zod-openapi';

/** True when `dir` holds a built editor (`index.html`). */
export function hasEditorBuild(dir: string): boolean {
  return existsSync(join(dir, 'index.html'));
}

/**
 * Serves the built editor from `dir` on every path outside `/v1`: files as they are (hashed assets
 * cached for a year), and `index.html` for any other GET so client-side routes survive a reload.
 */
export function serveEditor(app: OpenAPIHono, dir: string): void {
  const outsideApi = (path: string) => path !== '/v1' && !path.startsWith('/v1/');
  app.use('/assets/*', compress());
  app.use('/assets/*', async (c, next) => {
    await next();
    if (c.res.status === 200) c.res.headers.set('Cache-Control', 'public, max-age=31536000, immutable');
  });
  const files = serveStatic({ root: dir });
  app.get('*', async (c, next) => (outsideApi(c.req.path) ? files(c, next) : next()));
  let index: string | undefined;
  app.get('*', async (c, next) => {
    if (!outsideApi(c.req.path)) return next();
    index ??= await readFile(join(dir, 'index.html'), 'utf8');
    return c.html(index, 200, { 'Cache-Control': 'no-cache' });
  });
}
