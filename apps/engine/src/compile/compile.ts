import { Annotation, Command, END, START, StateGraph, getConfig } from '@langchain/langgraph';
import type { BaseStore } from '@langchain/langgraph';
import type { BaseCheckpointSaver, BaseChannel } from '@langchain/langgraph';
import { FlowError, InvalidDocumentError, toErrorInfo, validateWorkflow } from '@flowcraft/schema';
import type { Channel, Problem, WorkflowDocument } from '@flowcraft/schema';
import type { NodeServices, NodeTypeRegistry, NodeRuntime } from '@flowcraft/node-types';
import { buildStateDefinition } from './state-annotation.js';
import { buildTopology, endingAt, ERROR_PORT } from './topology.js';
import { makeNodeFunction } from './node-function.js';
import { retryPolicyFor } from './retry.js';
import { classifyError } from './classify-error.js';
import { NotifyingSaver } from './notifying-saver.js';
import type { GraphTopology } from './notifying-saver.js';
import { BREAKPOINTS_KEY, isRunBreakpoints } from './run-sink.js';
import type { ModelEventSource } from './run-sink.js';
import { RetrySettings } from '@flowcraft/schema';
import type { ModelScript } from '@flowcraft/schema';
import type { SubworkflowBinding } from '@flowcraft/node-types';
import {
  PATH_SEPARATOR,
  breakpointsAt,
  childRefs,
  mergeScripts,
  qualify,
  qualifyScript,
  refKey,
} from './subworkflows.js';
import type { ChildLibrary } from './subworkflows.js';
import { directInput, lastValues, stateAfterInput, takenEdges, withInputChannels } from './child-entry.js';
import type { ChildRunOptions } from './child-entry.js';

/** Channel holding the last routed error (`{ nodeId, code, message }`), readable as `state.__error`. */
export const ERROR_CHANNEL = '__error';

const RetryOverride = RetrySettings.partial();

/** Errors an error branch does not catch: the run fails with them. */
export const FATAL_CODES: ReadonlySet<string> = new Set(['budget_exceeded']);

export interface CompileOptions {
  checkpointer?: BaseCheckpointSaver;
  /** The workflows this document calls (`subworkflow` nodes), resolved beforehand (compilation stays pure). */
  children?: ChildLibrary;
  /** Subworkflow nodes this document runs inside (a child compiled for its parent); node ids are qualified by it. */
  path?: readonly string[];
  /** The id this document is saved under, and the workflows calling it (to refuse A → B → A). */
  workflowId?: string;
  callers?: readonly string[];
  /** LangGraph's long-term store (`getStore()` / `config.store` inside nodes); the engine passes its `DrizzleStore`. */
  store?: BaseStore;
}

/** A compiled child and the node of the parent calling it. */
interface CompiledChild {
  binding: SubworkflowBinding;
  graph: Compiled['graph'];
  document: WorkflowDocument;
  nodeMap: Map<string, string>;
  script: ModelScript | undefined;
  /** The child's graph and the graphs it calls, by calling-node path (`review`, `review|inner`). */
  nested: Map<string, GraphTopology>;
  /** Their documents (a nested checkpoint's channels), keyed the same way. */
  nestedDocs: Map<string, WorkflowDocument>;
}

function compileGraph(def: Record<string, BaseChannel>) {
  const root = Annotation.Root(def);
  // Node names come from the document, so the graph is typed by plain strings.
  return new StateGraph<typeof root.spec, Record<string, unknown>, Record<string, unknown> | Command, string>(root);
}

type CompiledGraph = ReturnType<ReturnType<typeof compileGraph>['compile']>;

/**
 * Runs `compiled` as a calling node's child: its input written to its `channels` with the edges to
 * `firstNodes` taken (no `__start__` task), or — without `firstNodes`, or when the call is retried —
 * as plain graph input (see `child-entry.ts`).
 */
function childEntry(compiled: CompiledGraph, channels: readonly string[], firstNodes: readonly string[] | undefined) {
  const taken = takenEdges(firstNodes ?? []);
  const direct = firstNodes ? withInputChannels(compiled, [...channels, ...taken]) : undefined;
  const keys = Array.isArray(compiled.outputChannels) ? compiled.outputChannels : [compiled.outputChannels];
  return async (input: Record<string, unknown>, options: ChildRunOptions): Promise<unknown> => {
    const run = (graph: CompiledGraph, chunk: Record<string, unknown>) =>
      lastValues(
        graph._streamIterator(chunk, { ...options, streamMode: 'values', outputKeys: compiled.outputChannels }),
      );
    if (direct === undefined || (getConfig()?.executionInfo?.nodeAttempt ?? 1) > 1) return run(compiled, input);
    return (await run(direct, directInput(input, taken))) ?? stateAfterInput(compiled.channels, keys, input);
  };
}

/** Compile a workflow document into a LangGraph graph. Throws InvalidDocumentError with every problem. */
export function compile(
  input: unknown,
  registry: NodeTypeRegistry,
  services: NodeServices & { modelEvents?: ModelEventSource },
  opts: CompileOptions = {},
) {
  const validation = validateWorkflow(input, registry);
  if (!validation.ok) throw new InvalidDocumentError(validation.problems);
  const doc = validation.document;
  const problems: Problem[] = [];

  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const firstPorts = new Map<string, string>();
  const firstPort = (nodeId: string): string => {
    const known = firstPorts.get(nodeId);
    if (known) return known;
    const node = byId.get(nodeId);
    const port = (node && registry.get(node.type)?.ports(node.config).outputs[0]?.id) ?? 'out';
    firstPorts.set(nodeId, port);
    return port;
  };
  const path = opts.path ?? [];
  // A child's start and end nodes are its interface, which the calling node already is: they are not
  // steps of its graph (two supersteps and checkpoints fewer per call). Start's input check runs on entry.
  const roleOf = (type: string) => registry.get(type)?.role;
  const interfaceIds = new Set(
    path.length > 0 && doc.nodes.some((n) => roleOf(n.type) === undefined)
      ? doc.nodes.filter((n) => roleOf(n.type) !== undefined).map((n) => n.id)
      : [],
  );
  const topology = endingAt(
    buildTopology(doc, firstPort),
    new Set(doc.nodes.filter((n) => interfaceIds.has(n.id) && roleOf(n.type) === 'end').map((n) => n.id)),
    END,
  );

  const channels: Record<string, Channel> = { ...doc.state, [ERROR_CHANNEL]: { type: 'json', reducer: 'replace' } };
  const runtimes = new Map<string, { runtime: NodeRuntime; privateNames: string[] }>();
  const children = new Map<string, CompiledChild>();
  for (const ref of childRefs(doc)) {
    const child = compileChild(ref, doc.nodes[ref.index]?.label || ref.nodeId, registry, services, opts, problems);
    if (child) children.set(ref.nodeId, child);
  }
  doc.nodes.forEach((node, index) => {
    const type = registry.type(node.type);
    if (!type) return;
    const prefix = `__p_${node.id}_`;
    const child = children.get(node.id);
    try {
      const runtime = type.build({
        config: type.config.parse(node.config),
        node: { id: qualify(path, node.id), label: node.label || node.id },
        ...(child ? { subworkflow: child.binding } : {}),
        services,
        settings: doc.settings,
        channels: doc.state,
        privateChannel: (name) => prefix + name,
      });
      const privateNames = Object.keys(runtime.privateChannels ?? {}).map((n) => prefix + n);
      for (const [name, ch] of Object.entries(runtime.privateChannels ?? {})) channels[prefix + name] = ch;
      runtimes.set(node.id, { runtime, privateNames });
    } catch (err) {
      problems.push({
        path: ['nodes', index, 'config'],
        code: 'compile_error',
        message: `${node.label || node.id}: ${toErrorInfo(err).message}`,
        nodeId: node.id,
        severity: 'error',
      });
    }
  });
  if (problems.length > 0) throw new InvalidDocumentError(problems);

  // Nodes that wait for all their predecessors: joins, and whatever follows a map.
  const deferred = new Set<string>();
  for (const [id, sources] of topology.incoming) if (sources.size >= 2) deferred.add(id);
  for (const node of doc.nodes) {
    const entry = registry.get(node.type);
    if (entry?.controlFor?.(node.config) === 'map') {
      for (const t of topology.allTargets(node.id)) topology.allTargets(t).forEach((n) => deferred.add(n));
    }
  }

  const graph = compileGraph(buildStateDefinition(channels));
  const nodeMap = new Map<string, string>();
  let startNodeId = '';
  let outputChannels: string[] | undefined;
  /** A child's start node, run as a check of the input it is called with. */
  let entryCheck: NodeRuntime | undefined;
  /** The nodes the graph starts with (its start node's targets, or the start node). */
  const firstNodes: string[] = [];
  for (const node of doc.nodes) {
    const entry = registry.get(node.type);
    const type = registry.type(node.type);
    const built = runtimes.get(node.id);
    if (!entry || !type || !built) continue;
    if (interfaceIds.has(node.id)) {
      if (entry.role === 'start') {
        entryCheck = built.runtime;
        for (const t of topology.allTargets(node.id)) {
          graph.addEdge(START, t);
          if (t !== END) firstNodes.push(t);
        }
      } else if (Array.isArray(node.config.outputs) && node.config.outputs.length > 0) {
        outputChannels = node.config.outputs.filter((o): o is string => typeof o === 'string');
      }
      continue;
    }
    const control = entry.controlFor?.(node.config) ?? entry.control;
    const isEnd = entry.role === 'end';
    const dynamic = control !== 'all' || entry.boundedSelfLoop === true;
    const cfg = node.config;
    const override = RetryOverride.safeParse(cfg.retry);
    const retryPolicy = retryPolicyFor(doc.settings.retry, override.success ? override.data : undefined);
    const child = children.get(node.id);
    const fn = makeNodeFunction(built.runtime, {
      nodeId: node.id,
      reportAs: qualify(path, node.id),
      dynamic,
      isEnd,
      topology,
      privateChannels: built.privateNames,
      maxAttempts: retryPolicy?.maxAttempts ?? 1,
    });
    const timeoutMs = typeof cfg.timeoutMs === 'number' ? cfg.timeoutMs : doc.settings.timeoutMs;
    const errorTargets = topology.targets(node.id, ERROR_PORT);
    const ends = dynamic ? [...new Set([...topology.allTargets(node.id), node.id])] : undefined;
    graph.addNode(node.id, fn, {
      ...(ends ? { ends } : {}),
      // Declared so getState({ subgraphs: true }) and the checkpoint namespaces know the nested graph.
      ...(child ? { subgraphs: [child.graph] } : {}),
      ...(deferred.has(node.id) ? { defer: true } : {}),
      ...(retryPolicy ? { retryPolicy } : {}),
      // Start/end do no work; a node that pauses the run waits for a person, which is not work either.
      ...(timeoutMs > 0 && entry.role === undefined && type.pausesRun !== true ? { timeout: timeoutMs } : {}),
      ...(errorTargets.length > 0
        ? {
            errorHandler: (_state: unknown, nodeError: { error: unknown }) => {
              const info = classifyError(nodeError.error, node.id);
              // A budget stops the run (a fallback branch would keep spending); LangGraph does not let a
              // handler rethrow, so it ends the graph with the error marked fatal and the run fails on it.
              if (FATAL_CODES.has(info.code))
                return new Command({ update: { [ERROR_CHANNEL]: { ...info, fatal: true } }, goto: END });
              return new Command({ update: { [ERROR_CHANNEL]: info }, goto: errorTargets });
            },
          }
        : {}),
    });
    const qualified = qualify(path, node.id);
    nodeMap.set(node.id, qualified);
    if (errorTargets.length > 0) nodeMap.set(`__error_handler__${node.id}`, qualified);
    // A child's graph nodes, as model callbacks name them (`call › draft`, from the checkpoint namespace).
    if (child) for (const [name, id] of child.nodeMap) nodeMap.set(node.id + PATH_SEPARATOR + name, id);
    if (entry.role === 'start') {
      startNodeId = node.id;
      graph.addEdge(START, node.id);
      firstNodes.push(node.id);
    }
    if (isEnd) {
      const outs = cfg.outputs;
      if (Array.isArray(outs) && outs.length > 0)
        outputChannels = outs.filter((o): o is string => typeof o === 'string');
      if (!dynamic) graph.addEdge(node.id, END);
    } else if (!dynamic) {
      for (const [port, targets] of topology.out.get(node.id) ?? []) {
        if (port === ERROR_PORT) continue;
        for (const t of targets) graph.addEdge(node.id, t);
      }
    }
  }
  const saver = opts.checkpointer ? new NotifyingSaver(opts.checkpointer) : undefined;
  const compiled = graph.compile({ checkpointer: saver, ...(opts.store ? { store: opts.store } : {}) });
  // Every graph nested under this one, by the calling nodes' path (how checkpoint namespaces name them).
  const nested = new Map<string, GraphTopology>();
  const nestedDocs = new Map<string, WorkflowDocument>();
  for (const [nodeId, c] of children) {
    nested.set(nodeId, c.graph);
    nestedDocs.set(nodeId, c.document);
    for (const [key, topology] of c.nested) nested.set(`${nodeId}|${key}`, topology);
    for (const [key, document] of c.nestedDocs) nestedDocs.set(`${nodeId}|${key}`, document);
  }
  saver?.bind(compiled, nested);
  // The scripted model's replies for this workflow and every child (keyed by qualified node ids).
  const script = mergeScripts([qualifyScript(doc.script, path), ...[...children.values()].map((c) => c.script)]);
  return {
    graph: compiled,
    document: doc,
    nodeMap,
    outputChannels,
    startNodeId,
    entryCheck,
    /** How a calling node runs this graph as its child (see `child-entry.ts`). */
    enter: childEntry(
      compiled,
      Object.keys(channels),
      firstNodes.some((n) => deferred.has(n)) ? undefined : firstNodes,
    ),
    nested,
    nestedDocs,
    modelEvents: services.modelEvents,
    script,
    /** The called workflows and the versions compiled, by calling node id (qualified). */
    subworkflows: [...children.entries()].map(([nodeId, c]) => ({
      nodeId: qualify(path, nodeId),
      workflowId: c.binding.workflowId,
      version: c.binding.version,
    })),
  };
}

/**
 * Compile the workflow a subworkflow node calls, as a graph without its own checkpointer: run inside
 * the node's task it uses the parent's, with its checkpoints under the task's namespace. A missing or
 * invalid child is a problem of the calling node.
 */
function compileChild(
  ref: ReturnType<typeof childRefs>[number],
  label: string,
  registry: NodeTypeRegistry,
  services: NodeServices & { modelEvents?: ModelEventSource },
  opts: CompileOptions,
  problems: Problem[],
): CompiledChild | undefined {
  const at = { path: ['nodes', ref.index, 'config', 'workflowId'], nodeId: ref.nodeId, severity: 'error' as const };
  const found = opts.children?.get(refKey(ref.workflowId, ref.version));
  const which = ref.version === 'latest' ? 'latest version' : `version ${ref.version}`;
  if (!found) {
    problems.push({
      ...at,
      code: 'subworkflow_missing',
      message: `${label}: workflow "${ref.workflowId}" (${which}) does not exist`,
    });
    return undefined;
  }
  const chain = [...(opts.callers ?? []), ...(opts.workflowId !== undefined ? [opts.workflowId] : [])];
  if (chain.includes(ref.workflowId)) {
    problems.push({
      ...at,
      code: 'subworkflow_cycle',
      message: `${label}: workflows call each other in a cycle (${[...chain, ref.workflowId].join(' → ')})`,
    });
    return undefined;
  }
  const path = [...(opts.path ?? []), ref.nodeId];
  try {
    const child = compile(found.document, registry, services, {
      children: opts.children,
      path,
      workflowId: ref.workflowId,
      callers: chain,
    });
    const outputs = child.outputChannels;
    const check = child.entryCheck;
    const enter = child.enter;
    return {
      graph: child.graph,
      nodeMap: child.nodeMap,
      script: child.script,
      nested: child.nested,
      nestedDocs: child.nestedDocs,
      document: child.document,
      binding: {
        workflowId: found.workflowId,
        version: found.version,
        // The current task's config (checkpointer, namespace, resume values, signal) reaches the
        // child through LangChain's async context: its checkpoints nest under this node's task.
        invoke: async (input, options) => {
          // `on-exit`: the child saves its checkpoint only when it ends or pauses (LangGraph durability `exit`).
          const durability = options?.checkpoints === 'on-exit' ? 'exit' : undefined;
          // Required start inputs (the child's start node is no step of its graph). Pure: a resumed call checks again.
          if (check) await check.run(input, entryContext);
          const result = await enter(input, childOptions(path, durability));
          const values = isPlainRecord(result) ? result : {};
          return outputs ? Object.fromEntries(outputs.map((c) => [c, values[c]])) : values;
        },
      },
    };
  } catch (err) {
    const inner = err instanceof InvalidDocumentError ? err.problems : [];
    const first = inner
      .slice(0, 3)
      .map((p) => p.message)
      .join('; ');
    problems.push({
      ...at,
      code: inner.some((p) => p.code === 'subworkflow_cycle') ? 'subworkflow_cycle' : 'subworkflow_invalid',
      message: `${label}: workflow "${ref.workflowId}" v${found.version} cannot run: ${first || toErrorInfo(err).message}`,
    });
    return undefined;
  }
}

/** What a child's start node gets when it checks the call's input (it neither pauses nor reports). */
const entryContext = {
  signal: new AbortController().signal,
  interrupt: (): never => {
    throw new FlowError('node_failed', 'A start node cannot pause the run');
  },
  emit: () => {},
};

/**
 * How a child is invoked: its durability, and the run's breakpoints addressed to its nodes
 * (`review › approve` → `approve`; a step's `'*'` pauses before each of its nodes too).
 */
function childOptions(path: readonly string[], durability: 'exit' | undefined): ChildRunOptions {
  const found: unknown = getConfig()?.configurable?.[BREAKPOINTS_KEY];
  if (!isRunBreakpoints(found)) return durability ? { durability } : {};
  const before = breakpointsAt(found.before, path);
  const after = breakpointsAt(found.after, path);
  return {
    ...(durability ? { durability } : {}),
    ...(before.length > 0 ? { interruptBefore: before } : {}),
    ...(after.length > 0 ? { interruptAfter: after } : {}),
  };
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export type Compiled = ReturnType<typeof compile>;
