/**
 * Initial bundle of the editor without Monaco (which loads lazily): index.html and every script and
 * stylesheet it references (module preloads included), gzip-compressed. Builds the editor first when
 * its dist is stale. Budget (issue 13): 250 KiB gzip, for the list page and for opening a workflow (plus the
 * editor page's lazy chunk); prints the sizes and their ratio to the budget, and exits non-zero above it.
 *
 *   pnpm exec tsx bench/editor-bundle.ts
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DIST_DIR, ensureEditorBuilt } from '../test/e2e/editor-build.js';

export const BUNDLE_BUDGET_BYTES = 250 * 1024;

export function initialBundleGzip(dist: string): { files: { file: string; bytes: number }[]; bytes: number } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? '');
  const files = [...new Set(refs)]
    .filter((f) => !/monaco/i.test(f))
    .map((file) => ({ file, bytes: gzipSync(readFileSync(join(dist, file))).length }));
  return { files, bytes: gzipSync(html).length + files.reduce((t, f) => t + f.bytes, 0) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureEditorBuilt();
  const { files, bytes } = initialBundleGzip(DIST_DIR);
  for (const f of files) console.log(`  ${(f.bytes / 1024).toFixed(1).padStart(7)} KiB  ${f.file}`);
  console.log(
    `initial page without Monaco: ${(bytes / 1024).toFixed(1)} KiB gzip; budget 250 KiB; ratio ${(bytes / BUNDLE_BUDGET_BYTES).toFixed(2)}`,
  );
  // Opening a workflow (#/w/<id>) also loads the editor page's chunk when it is split off (it is not today).
  const editor = readdirSync(join(DIST_DIR, 'assets')).filter((f) => /^EditorPage-.*\.js$/.test(f));
  const editorBytes = editor.reduce((t, f) => t + gzipSync(readFileSync(join(DIST_DIR, 'assets', f))).length, bytes);
  if (editor.length > 0)
    console.log(
      `opening a workflow (+ ${editor.join(', ')}): ${(editorBytes / 1024).toFixed(1)} KiB gzip; ratio ${(editorBytes / BUNDLE_BUDGET_BYTES).toFixed(2)}`,
    );
  if (bytes > BUNDLE_BUDGET_BYTES || editorBytes > BUNDLE_BUDGET_BYTES) process.exitCode = 1;
}
