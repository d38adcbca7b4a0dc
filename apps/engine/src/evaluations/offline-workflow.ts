import { readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InMemoryStore, MemorySaver } from '@langchain/langgraph';
import type { NodeTypeRegistry } from '@flowcraft/node-types';
import { FlowError, type ModelScript, type WorkflowDocument } from '@flowcraft/schema';
import { type Compiled, compile } from '../compile/compile.js';
import { loadBundledKnowledge } from '../knowledge/import-knowledge.js';
import { MemoryKnowledge } from '../knowledge/memory-knowledge.js';
import { resolveChildren } from '../lifecycle/resolve-children.js';
import { ScriptedEmbeddings } from '../models/scripted-embeddings.js';
import { type RunServices, createRunServices } from '../execution/services.js';

/** A workflow ready to run in this process, without the engine's database. */
export interface OfflineWorkflow {
  compiled: Compiled;
  /** Fresh services over the same script and routing (an LLM judge's own scripted cursor). */
  moreServices(): RunServices;
}

/**
 * Workflows a document calls (`subworkflow` nodes), looked up by id among the `*.json` files beside
 * it (as `examples/` holds them); each file counts as version 1 of its workflow.
 */
async function siblingChildren(file: string, document: WorkflowDocument) {
  const dir = dirname(file);
  const byId = new Map<string, unknown>();
  for (const name of (await readdir(dir)).filter((f) => f.endsWith('.json'))) {
    try {
      const value: unknown = JSON.parse(await readFile(join(dir, name), 'utf8'));
      if (value !== null && typeof value === 'object' && 'id' in value) byId.set(String(value.id), value);
    } catch {
      // Not a workflow document: ignored.
    }
  }
  return resolveChildren(document, async (id, version) => {
    const found = byId.get(id);
    if (found === undefined || (version !== undefined && version !== 1))
      throw new FlowError('not_found', `No workflow ${id} beside ${file}`);
    return { version: 1, document: found };
  });
}

/**
 * The one offline wiring of a workflow document (`pnpm flow run` and `pnpm flow test`): sub-workflows
 * from the `*.json` files beside `file` (their scripted replies joined to the run's script),
 * long-term memory in an in-memory store for this workflow (offline embeddings), the knowledge
 * bases bundled beside the file (`knowledge/*\/`), in-memory checkpoints.
 */
export async function compileOffline(
  document: WorkflowDocument,
  registry: NodeTypeRegistry,
  opts: { file?: string; script?: ModelScript; env?: Record<string, string | undefined> } = {},
): Promise<OfflineWorkflow> {
  const children = opts.file ? await siblingChildren(opts.file, document) : new Map();
  const own = { children, workflowId: document.id };
  let script = opts.script ?? document.script;
  // A called workflow's scripted replies join the run's script (keyed by qualified node ids).
  if (children.size > 0 && !opts.script) script = compile(document, registry, createRunServices({}), own).script;
  const store = new InMemoryStore({ index: { dims: 256, embeddings: new ScriptedEmbeddings() } });
  const bundles = opts.file ? await loadBundledKnowledge(join(dirname(opts.file), 'knowledge')) : [];
  const knowledge = bundles.length > 0 ? await MemoryKnowledge.from(bundles) : undefined;
  const serviceOpts = {
    script,
    ...(document.settings.models ? { routing: document.settings.models } : {}),
    ...(document.settings.budget ? { budget: document.settings.budget } : {}),
    workflowId: document.id,
    ...(opts.env ? { env: opts.env } : {}),
  };
  const services = createRunServices({ ...serviceOpts, memory: { store }, ...(knowledge ? { knowledge } : {}) });
  const compiled = compile(document, registry, services, { checkpointer: new MemorySaver(), store, ...own });
  return { compiled, moreServices: () => createRunServices(serviceOpts) };
}
