import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { MIGRATIONS_FOLDER, openPglite, pgliteOptions } from './db.js';
import type { OpenDatabase } from './db.js';

/**
 * Tests: a new in-memory PGlite costs ~4 s (initdb), loading a dumped data folder ~0.7 s. The first
 * test file to need one dumps its freshly migrated database to the temp folder, keyed by the
 * migrations and PGlite version; later files (and runs) start from that dump.
 */
function templatePath(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_FOLDER)
    .filter((f) => f.endsWith('.sql'))
    .sort())
    hash.update(file).update(readFileSync(join(MIGRATIONS_FOLDER, file)));
  hash.update(JSON.stringify(readdirSync(join(MIGRATIONS_FOLDER, 'meta')).sort()));
  hash.update(pgliteLocation());
  return join(tmpdir(), `flowcraft-pglite-${hash.digest('hex').slice(0, 16)}.tar`);
}

/** PGlite's installed path (it contains the version under pnpm), so an upgrade rebuilds the dump. */
function pgliteLocation(): string {
  try {
    return createRequire(import.meta.url).resolve('@electric-sql/pglite');
  } catch {
    return 'unknown';
  }
}

function readTemplate(path: string): Blob | undefined {
  try {
    return new Blob([readFileSync(path)]);
  } catch {
    return undefined;
  }
}

export async function openPgliteFromTemplate(): Promise<OpenDatabase> {
  const path = templatePath();
  const template = readTemplate(path);
  if (template !== undefined) {
    try {
      return await openPglite(new PGlite(pgliteOptions({ loadDataDir: template })));
    } catch {
      // A corrupt or incompatible dump: fall through and rebuild it.
    }
  }
  const client = new PGlite(pgliteOptions());
  const open = await openPglite(client);
  const dump = await client.dumpDataDir('none');
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
  renameSync(tmp, path);
  return open;
}
