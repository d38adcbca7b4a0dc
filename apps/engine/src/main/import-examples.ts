import { isRecord } from '@flowcraft/schema';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeCatalog } from '@flowcraft/schema';
import { checkDocument } from '../http/check-document.js';
import type { WorkflowStore } from '../http/deps.js';
import type { Template } from '../http/schemas/template.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/**
 * Every workflow document (`*.json` with `nodes`) in `dir`, as templates sorted by file name. Files
 * that are not workflow documents are skipped. Labels are the node types the workflow uses.
 */
export async function loadTemplates(dir: string): Promise<Template[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const templates: Template[] = [];
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(join(dir, file), 'utf8'));
    } catch {
      continue;
    }
    if (!isRecord(parsed) || !Array.isArray(parsed['nodes'])) continue;
    const id = typeof parsed['id'] === 'string' && ID.test(parsed['id']) ? parsed['id'] : file.replace(/\.json$/, '');
    const types = new Set<string>();
    for (const n of parsed['nodes']) if (isRecord(n) && typeof n['type'] === 'string') types.add(n['type']);
    types.delete('start');
    types.delete('end');
    templates.push({
      id,
      name: typeof parsed['name'] === 'string' ? parsed['name'] : id,
      description: typeof parsed['description'] === 'string' ? parsed['description'] : '',
      labels: [...types].sort(),
      document: parsed,
    });
  }
  return templates;
}

/** Imports every template in `dir` under its own id, unless the store already has workflows. Returns the imported ids. */
export async function importExamples(dir: string, workflows: WorkflowStore, catalog: NodeCatalog): Promise<string[]> {
  const existing = await workflows.list({ limit: 1 });
  if (existing.items.length > 0) return [];
  const imported: string[] = [];
  for (const t of await loadTemplates(dir)) {
    await workflows.create({
      id: t.id,
      ...checkDocument(t.document, t.id, catalog, `Imported from examples (${t.id})`),
    });
    imported.push(t.id);
  }
  return imported;
}
