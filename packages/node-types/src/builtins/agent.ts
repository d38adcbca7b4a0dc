import { z } from 'zod';
import { type AIMessage, HumanMessage, SystemMessage, ToolMessage, isBaseMessage } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';
import { FlowError } from '@flowcraft/schema';
import { defineNodeType } from '../sdk/define-node-type.js';
import { render } from '../sdk/template.js';
import { fieldContext } from '../sdk/expression-context.js';
import {
  AgentToolSpec,
  codeArgsSchema,
  invokeToolSafely,
  isStateBoundToolSpec,
  resolveAgentTools,
  stateBoundTool,
  type McpToolProvider,
} from '../tools/index.js';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { ERROR_OUT, IN, OUT, modelField, modelSpec, policyFields, textOf } from './common.js';

export const agentConfig = z.object({
  model: modelField,
  system: z.string().default('You are a helpful assistant. Use the tools when they help.'),
  prompt: z.string().default('{{ state.input }}'),
  /** Built-in tools (calculator, http, code), memory (remember, recall), knowledge (retrieve) and MCP tools (`{ kind: 'mcp', server, tool }`). */
  tools: z.array(AgentToolSpec).default([]),
  maxIterations: z.number().int().min(1).max(50).default(8),
  /** At the iteration limit: fail the node, or return the last reply. */
  onMaxIterations: z.enum(['error', 'return']).default('error'),
  output: z.string().min(1).default('output'),
  /** Prior conversation (a `messages` channel) sent before the prompt. */
  history: z.string().optional(),
  /** Append the whole exchange (prompt, tool calls, results, answer) to this `messages` channel. */
  appendTo: z.string().optional(),
  ...policyFields,
});

function messagesOf(value: unknown): BaseMessage[] {
  return Array.isArray(value) ? value.filter((m): m is BaseMessage => isBaseMessage(m)) : [];
}

export const agentNode = defineNodeType({
  type: 'agent',
  version: 1,
  meta: {
    title: 'Agent',
    category: 'ai',
    description:
      'A chat model with tools in a loop (ReAct) until it answers, bounded by max iterations; each iteration is one step in the trace.',
    icon: 'bot',
  },
  control: 'all',
  boundedSelfLoop: true,
  config: agentConfig,
  ui: {
    model: { widget: 'model', order: 0 },
    system: { widget: 'template', language: 'markdown', label: 'System prompt' },
    prompt: { widget: 'template', language: 'markdown' },
    tools: { label: 'Tools' },
    output: { widget: 'channel' },
    history: { widget: 'channel', advanced: true },
    appendTo: { widget: 'channel', advanced: true },
  },
  ports: { inputs: [IN], outputs: [OUT, ERROR_OUT] },
  check: (c) =>
    c.tools.flatMap((t, i) => {
      if (t.kind !== 'code' || t.argsSchema === undefined) return [];
      try {
        codeArgsSchema(t);
        return [];
      } catch (err) {
        return [{ path: ['tools', i, 'argsSchema'], message: err instanceof Error ? err.message : String(err) }];
      }
    }),
  channels: (c) => ({ reads: c.history ? [c.history] : [], writes: [c.output, ...(c.appendTo ? [c.appendTo] : [])] }),
  build: ({ config, node, services, settings, privateChannel }) => {
    const spec = modelSpec(config.model, settings.defaultModel);
    // Tools are resolved on first use (MCP tools need their server's schemas), once per MCP provider:
    // the graph is shared by runs, and `services.mcp` is the current run's (the engine's) connections.
    const noMcp = {};
    const resolved = new WeakMap<McpToolProvider | object, Promise<StructuredToolInterface[]>>();
    const toolsFor = (signal: AbortSignal): Promise<StructuredToolInterface[]> => {
      const mcp = services.mcp;
      const key = mcp ?? noMcp;
      let p = resolved.get(key);
      if (!p) {
        p = resolveAgentTools(config.tools, { fetch: services.fetch, ...(mcp ? { mcp } : {}), signal });
        // A failure (server down) is not cached: the next attempt or run tries again.
        p.catch(() => resolved.delete(key));
        resolved.set(key, p);
      }
      return p;
    };
    const at = fieldContext(node, services);
    // remember / recall / retrieve: namespaced by the state (e.g. the user id), built per iteration.
    const boundTools = async (state: Record<string, unknown>, signal: AbortSignal) => {
      const scopes = new Map<number, string>();
      const out: StructuredToolInterface[] = [];
      for (const [i, t] of config.tools.entries()) {
        if (!isStateBoundToolSpec(t)) continue;
        if (t.kind !== 'retrieve') scopes.set(i, await render(t.scope, state, at(`tools.${i}.scope`)));
        out.push(
          stateBoundTool(t, i, {
            nodeId: node.id,
            scopes,
            signal,
            ...(services.memory ? { memory: services.memory } : {}),
            ...(services.knowledge ? { knowledge: services.knowledge } : {}),
          }),
        );
      }
      return out;
    };
    const conversation = privateChannel('conversation');
    const iterations = privateChannel('iterations');
    return {
      privateChannels: {
        conversation: { type: 'json', reducer: 'replace' },
        iterations: { type: 'number', reducer: 'replace' },
      },
      async run(state, ctx) {
        const iteration = (typeof state[iterations] === 'number' ? state[iterations] : 0) + 1;
        let messages = messagesOf(state[conversation]);
        const fresh = messages.length === 0;
        if (fresh) {
          if (config.system) messages.push(new SystemMessage(await render(config.system, state, at('system'))));
          if (config.history) messages.push(...messagesOf(state[config.history]));
          messages.push(new HumanMessage(await render(config.prompt, state, at('prompt'))));
        }
        const plainTools = config.tools.some((t) => !isStateBoundToolSpec(t)) ? await toolsFor(ctx.signal) : [];
        const tools = [...plainTools, ...(await boundTools(state, ctx.signal))];
        const byName = new Map(tools.map((t) => [t.name, t]));
        const base = services.models.chat(spec, { nodeId: node.id });
        let reply: AIMessage;
        if (tools.length > 0) {
          if (!base.bindTools)
            throw new FlowError('model_error', `Model ${spec} does not support tools`, { nodeId: node.id });
          reply = await base.bindTools(tools).invoke(messages, { signal: ctx.signal });
        } else {
          reply = await base.invoke(messages, { signal: ctx.signal });
        }
        messages = [...messages, reply];
        const calls = reply.tool_calls ?? [];
        if (calls.length === 0 || iteration >= config.maxIterations) {
          if (calls.length > 0 && config.onMaxIterations === 'error') {
            throw new FlowError(
              'node_failed',
              `Agent stopped after ${config.maxIterations} iterations without a final answer`,
              { nodeId: node.id },
            );
          }
          const update: Record<string, unknown> = { [config.output]: textOf(reply.content) };
          if (config.appendTo) update[config.appendTo] = messages.filter((m) => m.getType() !== 'system');
          return { update };
        }
        for (const call of calls) {
          const tool = byName.get(call.name);
          const id = call.id ?? `${node.id}_${iteration}_${call.name}`;
          if (!tool) {
            messages.push(
              new ToolMessage({ content: `Error: unknown tool "${call.name}"`, tool_call_id: id, status: 'error' }),
            );
            continue;
          }
          const res = await invokeToolSafely(tool, call.args, ctx.signal);
          const content = res.ok
            ? typeof res.output === 'string'
              ? res.output
              : JSON.stringify(res.output)
            : `Error: ${res.error}`;
          ctx.emit({
            kind: 'tool_call',
            iteration,
            tool: call.name,
            args: call.args,
            ok: res.ok,
            result: content.length > 500 ? `${content.slice(0, 500)}…` : content,
          });
          messages.push(
            new ToolMessage({ content, tool_call_id: id, name: call.name, status: res.ok ? 'success' : 'error' }),
          );
        }
        return { update: { [conversation]: messages, [iterations]: iteration }, self: true };
      },
    };
  },
});
