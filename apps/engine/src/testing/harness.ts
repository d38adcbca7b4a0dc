import { InMemoryStore, MemorySaver } from '@langchain/langgraph';
import type { BaseStore } from '@langchain/langgraph';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { NodeTypeRegistry } from '@flowcraft/node-types';
import { ModelScript, WorkflowSettings } from '@flowcraft/schema';
import type { TraceEventBody, WorkflowDocumentInput } from '@flowcraft/schema';
import { compile } from '../compile/compile.js';
import { refKey } from '../compile/subworkflows.js';
import type { ChildLibrary, ChildWorkflow } from '../compile/subworkflows.js';
import { executeRun } from '../execution/execute.js';
import type { RunOutcome } from '../execution/execute.js';
import { createRunServices } from '../execution/services.js';
import type { FetchLike, KnowledgeRetriever } from '@flowcraft/node-types';
import type { McpToolProvider } from '@flowcraft/node-types/tools';
import type { ScriptedCall } from '@flowcraft/node-types/models';

export interface TestRun {
  outcome: RunOutcome;
  events: TraceEventBody[];
  /** Canvas node ids in the order they finished. */
  path: string[];
  calls: ScriptedCall[];
  resume(value: unknown, byId?: Record<string, unknown>): Promise<TestRun>;
  /**
   * The thread's checkpoints as LangGraph reports them (`getStateHistory`), newest first; `next`
   * mapped to canvas ids as the trace maps it (`__error_handler__x` → `x`).
   */
  history(): Promise<Array<{ checkpointId: string; next: string[] }>>;
}

/** Compile and run a document offline (scripted model, in-memory checkpointer) for tests. */
export async function runDoc(
  doc: WorkflowDocumentInput,
  input: Record<string, unknown> = {},
  opts: {
    registry?: NodeTypeRegistry;
    fetch?: FetchLike;
    threadId?: string;
    env?: Record<string, string | undefined>;
    mcp?: McpToolProvider;
    /** Workflows the document calls (`subworkflow` nodes), e.g. `childLibrary(examples)`. */
    children?: ChildLibrary;
    /** Long-term store; default a new in-memory one (pass one store to several runs to share memories). */
    store?: BaseStore;
    /** Knowledge bases for `retrieve` nodes and tools (e.g. `MemoryKnowledge.from(...)`). */
    knowledge?: KnowledgeRetriever;
  } = {},
): Promise<TestRun> {
  const registry = opts.registry ?? createBuiltinRegistry();
  const settings = WorkflowSettings.parse(doc.settings ?? {});
  const own = doc.script === undefined ? undefined : ModelScript.parse(doc.script);
  // With children, the script covers their nodes too (keyed by qualified ids): compile once to merge.
  const script = opts.children
    ? compile(doc, registry, createRunServices({ env: {} }), { children: opts.children, workflowId: doc.id }).script
    : own;
  const store = opts.store ?? new InMemoryStore();
  const services = createRunServices({
    script,
    env: opts.env ?? {},
    fetch: opts.fetch,
    ...(settings.models ? { routing: settings.models } : {}),
    ...(settings.budget ? { budget: settings.budget } : {}),
    ...(opts.mcp ? { mcp: opts.mcp } : {}),
    workflowId: doc.id ?? 'test',
    memory: { store },
    ...(opts.knowledge ? { knowledge: opts.knowledge } : {}),
  });
  const compiled = compile(doc, registry, services, {
    checkpointer: new MemorySaver(),
    store,
    ...(opts.children ? { children: opts.children, workflowId: doc.id } : {}),
  });
  const threadId = opts.threadId ?? 'thread-1';
  const events: TraceEventBody[] = [];
  const collect = (e: TraceEventBody) => {
    events.push(e);
  };
  const wrap = (outcome: RunOutcome): TestRun => ({
    outcome,
    events,
    path: events.flatMap((e) => (e.type === 'node.finished' ? [e.nodeId] : [])),
    calls: services.models.calls,
    history: async () => {
      const out: Array<{ checkpointId: string; next: string[] }> = [];
      for await (const snap of compiled.graph.getStateHistory({ configurable: { thread_id: threadId } })) {
        const id: unknown = snap.config.configurable?.checkpoint_id;
        out.push({ checkpointId: String(id), next: snap.next.map((n) => compiled.nodeMap.get(n) ?? n) });
      }
      return out;
    },
    resume: async (value, byId) =>
      wrap(
        await executeRun({
          compiled,
          threadId,
          ...(byId ? { resumeById: byId } : { resume: value }),
          onEvent: collect,
        }),
      ),
  });
  return wrap(await executeRun({ compiled, threadId, input, onEvent: collect }));
}

/** A library of workflows callable by id (latest, or their stored version 1) for `runDoc`'s `children`. */
export function childLibrary(docs: WorkflowDocumentInput[]): ChildLibrary {
  const library = new Map<string, ChildWorkflow>();
  for (const d of docs) {
    const child = { workflowId: d.id, version: 1, document: d };
    library.set(refKey(d.id, 'latest'), child);
    library.set(refKey(d.id, 1), child);
  }
  return library;
}

type N = NonNullable<WorkflowDocumentInput['nodes']>[number];
type E = NonNullable<WorkflowDocumentInput['edges']>[number];

/** Small document builder for tests: start → …nodes… → end chains and explicit edges. */
export function doc(parts: {
  state?: WorkflowDocumentInput['state'];
  nodes: N[];
  edges: (E | [string, string] | [string, string, string])[];
  script?: WorkflowDocumentInput['script'];
  settings?: WorkflowDocumentInput['settings'];
}): WorkflowDocumentInput {
  return {
    id: 'test',
    name: 'test',
    state: parts.state ?? {},
    nodes: parts.nodes,
    edges: parts.edges.map((e, i) =>
      Array.isArray(e) ? { id: `e${i}`, source: e[0], target: e[1], ...(e[2] ? { sourceHandle: e[2] } : {}) } : e,
    ),
    script: parts.script,
    settings: parts.settings,
  };
}

export const start = (inputs: string[] = []): N => ({
  id: 'start',
  type: 'start',
  config: { inputs: inputs.map((channel) => ({ channel })) },
});
export const end = (outputs: string[] = []): N => ({ id: 'end', type: 'end', config: { outputs } });
