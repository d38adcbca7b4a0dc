// `pnpm start` runs this first: builds the editor (apps/editor/dist) when it is missing or older than
// its sources, so the engine serves the current editor at its one URL. A fresh build takes ~10–30 s.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const editor = fileURLToPath(new URL('../apps/editor/', import.meta.url));
const newest = (dir) => {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
};
const index = join(editor, 'dist', 'index.html');
const sources = Math.max(
  newest(join(editor, 'src')),
  statSync(join(editor, 'index.html')).mtimeMs,
  statSync(join(editor, 'vite.config.ts')).mtimeMs,
);
if (existsSync(index) && statSync(index).mtimeMs >= sources) process.exit(0);
console.log('Building the editor (apps/editor/dist)…');
execFileSync('pnpm', ['--filter', '@flowcraft/editor', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
