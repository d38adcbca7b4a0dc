/**
 * Test support for the built-in node types (not exported): build one node from a raw config with
 * offline services (scripted model, fake fetch), run it on a small state, read its ports.
 */
import type { z } from 'zod';
import { ModelScript, WorkflowSettings, resolvePorts } from '@flowcraft/schema';
import { createScriptedModels } from '../models/index.js';
import type { ScriptedCall } from '../models/index.js';
import type { NodeType } from '../sdk/define-node-type.js';
import type { ExpressionLimitsInput } from '../sdk/expression-limits.js';
import type { FlowState, NodeResult } from '../sdk/node-runtime.js';
import type { FetchLike, KnowledgeRetriever, McpToolProvider, MemoryAccess, NodeServices } from '../sdk/services.js';

export interface NodeTestOptions {
  id?: string;
  script?: z.input<typeof ModelScript>;
  fetch?: FetchLike;
  mcp?: McpToolProvider;
  memory?: MemoryAccess;
  knowledge?: KnowledgeRetriever;
  expressionLimits?: ExpressionLimitsInput;
  /** What `ctx.interrupt` returns (the resume value); undefined = the node must not interrupt. */
  resume?: unknown;
}

export interface NodeTestRun {
  result: NodeResult;
  interrupts: unknown[];
  events: Record<string, unknown>[];
  calls: ScriptedCall[];
}

const refuseFetch: FetchLike = async (input) => {
  throw new Error(`unexpected fetch ${String(input)}`);
};

/** The config a new node of this type gets, then `raw` over it. */
export function configOf<S extends z.ZodObject>(type: NodeType<S>, raw: Record<string, unknown> = {}): z.infer<S> {
  return type.config.parse(raw);
}

/** Port ids of a node with this config: `{ inputs, outputs }`. */
export function portIds(type: NodeType, raw: Record<string, unknown> = {}): { inputs: string[]; outputs: string[] } {
  const ports = resolvePorts(type.portsSpec, type.config.parse(raw));
  return { inputs: ports.inputs.map((p) => p.id), outputs: ports.outputs.map((p) => p.id) };
}

/** Build and run one node once. */
export async function runNode<S extends z.ZodObject>(
  type: NodeType<S>,
  raw: Record<string, unknown>,
  state: FlowState,
  opts: NodeTestOptions = {},
): Promise<NodeTestRun> {
  const models = createScriptedModels(opts.script === undefined ? undefined : ModelScript.parse(opts.script));
  const services: NodeServices = {
    models,
    fetch: opts.fetch ?? refuseFetch,
    now: () => 0,
    sleep: async () => {},
    ...(opts.mcp ? { mcp: opts.mcp } : {}),
    ...(opts.memory ? { memory: opts.memory } : {}),
    ...(opts.knowledge ? { knowledge: opts.knowledge } : {}),
    ...(opts.expressionLimits ? { expressionLimits: opts.expressionLimits } : {}),
  };
  const id = opts.id ?? type.type;
  const runtime = type.build({
    config: type.config.parse(raw),
    node: { id, label: id },
    services,
    settings: WorkflowSettings.parse({}),
    channels: {},
    privateChannel: (name) => `__p_${id}_${name}`,
  });
  const interrupts: unknown[] = [];
  const events: Record<string, unknown>[] = [];
  const result = await runtime.run(state, {
    signal: new AbortController().signal,
    interrupt: (payload) => {
      interrupts.push(payload);
      if (opts.resume === undefined) throw new Error('unexpected interrupt');
      return opts.resume;
    },
    emit: (e) => events.push(e),
  });
  return { result, interrupts, events, calls: models.calls };
}
