import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeCatalog } from '@flowcraft/schema';
import { checkDocument } from '../http/check-document.js';
import type { WorkflowStore } from '../http/deps.js';
import { isRecord } from './event-codec.js';

/**
 * Imports every workflow document (`*.json` with `nodes`) in `dir` under its own id, unless the store
 * already has workflows. Returns the imported ids. Files that are not workflow documents are skipped.
 */
export async function importExamples(dir: string, workflows: WorkflowStore, catalog: NodeCatalog): Promise<string[]> {
  const existing = await workflows.list({ limit: 1 });
  if (existing.items.length > 0) return [];
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const imported: string[] = [];
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(join(dir, file), 'utf8'));
    } catch {
      continue;
    }
    if (!isRecord(parsed) || !Array.isArray(parsed['nodes'])) continue;
    const id = typeof parsed['id'] === 'string' && /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(parsed['id']) ? parsed['id'] : file.replace(/\.json$/, '');
    await workflows.create({ id, ...checkDocument(parsed, id, catalog, `Imported from examples/${file}`) });
    imported.push(id);
  }
  return imported;
}
