import { createHash } from 'node:crypto';
import type { BaseCheckpointSaver, BaseStore } from '@langchain/langgraph';
import type { NodeTypeRegistry } from '@flowcraft/node-types';
import type { WorkflowDocument } from '@flowcraft/schema';
import { compile } from '../compile/compile.js';
import type { Compiled } from '../compile/compile.js';
import { scopedServices } from '../compile/service-scope.js';
import { createRunServices } from '../execution/services.js';
import { libraryKey, resolveChildren } from './resolve-children.js';
import type { VersionLookup } from './resolve-children.js';

/** Workflow versions whose compiled graphs are kept. */
const CACHE_SIZE = 64;

/**
 * The one compiled-graph cache: a workflow version is compiled (and validated) once, shared by
 * every run of it and by the time-travel reads. Keyed by workflow id, version and a hash of the
 * stored document (a workflow deleted and re-created under the same id and version recompiles).
 * A graph runs each node inside the current run's services (`scopedServices`).
 *
 * Workflows a version calls (`subworkflow` nodes) are read through `lookup` before each compile or
 * cache lookup: the key includes the child versions resolved, so a child following `latest` compiles
 * anew when a newer child version is saved.
 */
export class CompiledGraphs {
  private readonly cache = new Map<string, Compiled>();
  private readonly fallback: ReturnType<typeof scopedServices>;
  /** Compilations done (tests and benchmarks read it). */
  compilations = 0;

  constructor(
    private readonly registry: NodeTypeRegistry,
    private readonly checkpointer: BaseCheckpointSaver,
    env?: Record<string, string | undefined>,
    private readonly lookup?: VersionLookup,
    /** Long-term store handed to every compiled graph (custom node types reach it via LangGraph's `getStore()`). */
    private readonly store?: BaseStore,
  ) {
    this.fallback = scopedServices(createRunServices({ env }));
  }

  /** The compiled graph of a stored workflow version; throws InvalidDocumentError. */
  async get(workflowId: string, version: number, stored: WorkflowDocument): Promise<Compiled> {
    const children = this.lookup ? await resolveChildren(stored, this.lookup) : new Map();
    const hash = createHash('sha1').update(documentHash(stored));
    for (const child of children.values()) hash.update('\u0000').update(documentHash(child.document));
    const key = `${workflowId}\u0000${version}\u0000${libraryKey(children)}\u0000${hash.digest('base64')}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const compiled = compile(stored, this.registry, this.fallback, {
      checkpointer: this.checkpointer,
      children,
      workflowId,
      ...(this.store ? { store: this.store } : {}),
    });
    this.compilations += 1;
    this.cache.set(key, compiled);
    if (this.cache.size > CACHE_SIZE) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return compiled;
  }
}

/** A document's hash, computed once per document object (the ports hand out the same object for a version). */
const hashes = new WeakMap<WorkflowDocument, string>();
function documentHash(document: WorkflowDocument): string {
  const known = hashes.get(document);
  if (known !== undefined) return known;
  const made = createHash('sha1').update(JSON.stringify(document)).digest('base64');
  hashes.set(document, made);
  return made;
}
