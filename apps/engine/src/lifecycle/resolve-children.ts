import { FlowError } from '@flowcraft/schema';
import { childRefs, refKey } from '../compile/subworkflows.js';
import type { ChildLibrary, ChildWorkflow } from '../compile/subworkflows.js';

/** A stored workflow version (`version` undefined = the latest); FlowError `not_found` when there is none. */
export type VersionLookup = (workflowId: string, version?: number) => Promise<{ version: number; document: unknown }>;

/** Nesting deeper than this is refused at compile time as invalid (it is almost surely a mistake). */
export const MAX_SUBWORKFLOW_DEPTH = 16;

/**
 * Every workflow a document calls, directly or deeper, read from the store before compilation
 * (compilation stays pure). `latest` references resolve to the newest version now; a missing one is
 * left out (the compiler reports it on the calling node). Each reference is read once, so workflows
 * that call each other terminate here and are refused by the compiler as a cycle.
 */
export async function resolveChildren(document: unknown, lookup: VersionLookup): Promise<ChildLibrary> {
  const library = new Map<string, ChildWorkflow>();
  const seen = new Set<string>();
  let level = childRefs(document);
  for (let depth = 0; level.length > 0 && depth < MAX_SUBWORKFLOW_DEPTH; depth++) {
    const next: typeof level = [];
    for (const ref of level) {
      const key = refKey(ref.workflowId, ref.version);
      if (seen.has(key)) continue;
      seen.add(key);
      try {
        const found = await lookup(ref.workflowId, ref.version === 'latest' ? undefined : ref.version);
        library.set(key, { workflowId: ref.workflowId, version: found.version, document: found.document });
        next.push(...childRefs(found.document));
      } catch (err) {
        if (!(err instanceof FlowError && err.code === 'not_found')) throw err;
      }
    }
    level = next;
  }
  return library;
}

/** A stable description of the children a compilation used (part of the compiled-graph cache key). */
export function libraryKey(library: ChildLibrary): string {
  return [...library.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, child]) => `${key}=${child.version}`)
    .join(',');
}
