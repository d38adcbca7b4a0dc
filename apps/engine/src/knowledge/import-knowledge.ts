import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateKnowledgeBaseBody } from '@flowcraft/schema';
import type { KnowledgeService } from './knowledge-service.js';

/** A bundled knowledge base: `knowledge.json` (the create body) and its documents, beside it. */
export interface BundledKnowledge {
  base: CreateKnowledgeBaseBody;
  documents: { source: string; content: string }[];
}

const DOCUMENT = /\.(md|markdown|html?|txt)$/i;

/** Every folder of `dir` with a `knowledge.json`, sorted; missing `dir` → none. */
export async function loadBundledKnowledge(dir: string): Promise<BundledKnowledge[]> {
  let folders: string[];
  try {
    folders = (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
  const out: BundledKnowledge[] = [];
  for (const folder of folders) {
    const at = join(dir, folder);
    let manifest: unknown;
    try {
      manifest = JSON.parse(await readFile(join(at, 'knowledge.json'), 'utf8'));
    } catch {
      continue;
    }
    const base = CreateKnowledgeBaseBody.parse(manifest);
    const files = (await readdir(at)).filter((f) => DOCUMENT.test(f)).sort();
    const documents = await Promise.all(
      files.map(async (source) => ({ source, content: await readFile(join(at, source), 'utf8') })),
    );
    out.push({ base, documents });
  }
  return out;
}

/** Creates each bundled base that does not exist yet and adds its documents. Returns the ids created. */
export async function importBundledKnowledge(dir: string, knowledge: KnowledgeService): Promise<string[]> {
  const created: string[] = [];
  const existing = new Set((await knowledge.list()).map((b) => b.id));
  for (const bundle of await loadBundledKnowledge(dir)) {
    if (bundle.base.id !== undefined && existing.has(bundle.base.id)) continue;
    const base = await knowledge.create(bundle.base);
    for (const d of bundle.documents) await knowledge.addDocument(base.id, { ...d, metadata: {} });
    created.push(base.id);
  }
  return created;
}
