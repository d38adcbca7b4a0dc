import { z } from 'zod';
import { defineNodeType } from '../sdk/define-node-type.js';
import { evaluate, render, renderValue, templateError } from '../sdk/template.js';
import { fieldContext } from '../sdk/expression-context.js';
import { FlowError } from '@flowcraft/schema';
import { calculate, httpRequest, McpServerName, runSandboxedCode } from '../tools/index.js';
import { ERROR_OUT, IN, OUT, policyFields } from './common.js';

export const toolConfig = z.object({
  tool: z.enum(['calculator', 'http', 'code', 'mcp']).default('calculator'),
  /** Calculator: a mathjs expression (template), e.g. `{{ state.a }} * 2`. */
  expression: z.string().default('1 + 1'),
  /** HTTP request; url, header values and body are templates. */
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  url: z.string().default(''),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  /** Code: the body of a JavaScript function of `input`, run in a QuickJS sandbox. */
  code: z.string().default('return input;'),
  /** Code: JSONata expression giving `input` (default: the whole state). */
  input: z.string().default('state'),
  codeTimeoutMs: z.number().int().min(1).max(60_000).default(1000),
  memoryMb: z.number().int().min(1).max(512).default(32),
  /** MCP: a server configured in the engine (`GET /v1/mcp/servers`) and one of its tools. */
  mcpServer: z.union([McpServerName, z.literal('')]).default(''),
  mcpTool: z.string().max(128).default(''),
  /** MCP: JSONata expression giving the tool's arguments object, e.g. `{ "query": state.topic }`. */
  args: z.string().default('{}'),
  mcpTimeoutMs: z.number().int().min(1).max(600_000).default(60_000),
  /** Channel receiving the result. */
  output: z.string().min(1).default('output'),
  ...policyFields,
});

export const toolNode = defineNodeType({
  type: 'tool',
  version: 1,
  meta: {
    title: 'Tool',
    category: 'tools',
    description:
      "Calls one tool: an HTTP request, JavaScript in a QuickJS sandbox (time and memory bounded), a calculator, or a tool of one of the engine's MCP servers.",
    icon: 'wrench',
  },
  control: 'all',
  config: toolConfig,
  ui: {
    tool: { widget: 'select', order: 0 },
    expression: { widget: 'template', label: 'Expression (calculator)' },
    url: { widget: 'template', label: 'URL (http)' },
    headers: { widget: 'json', advanced: true },
    body: { widget: 'template', language: 'json', label: 'Body (http)' },
    code: { widget: 'code', language: 'javascript', label: 'Code' },
    input: { widget: 'expression', label: 'Input (code)' },
    mcpServer: { label: 'MCP server' },
    mcpTool: { label: 'MCP tool' },
    args: { widget: 'expression', label: 'Arguments (mcp)' },
    mcpTimeoutMs: { advanced: true },
    output: { widget: 'channel' },
  },
  ports: { inputs: [IN], outputs: [OUT, ERROR_OUT] },
  check: (c) => [
    ...Object.entries(c.headers).flatMap(([k, v]) => {
      const e = templateError(v);
      return e ? [{ path: ['headers', k], message: `invalid template: ${e}` }] : [];
    }),
    ...(c.tool !== 'mcp'
      ? []
      : [
          ...(c.mcpServer === '' ? [{ path: ['mcpServer'], message: 'Choose an MCP server' }] : []),
          ...(c.mcpTool === '' ? [{ path: ['mcpTool'], message: 'Choose a tool of the MCP server' }] : []),
        ]),
  ],
  channels: (c) => ({ reads: [], writes: [c.output] }),
  build: ({ config, node, services }) => {
    const at = fieldContext(node, services);
    return {
      async run(state, ctx) {
        let result: unknown;
        if (config.tool === 'calculator') {
          result = calculate(await render(config.expression, state, at('expression')));
        } else if (config.tool === 'http') {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(config.headers)) headers[k] = await render(v, state, at(`headers.${k}`));
          const body = config.body === undefined ? undefined : await renderValue(config.body, state, at('body'));
          const res = await httpRequest(
            { method: config.method, url: await render(config.url, state, at('url')), headers, body },
            { fetch: services.fetch, signal: ctx.signal },
          );
          result = res.body;
        } else if (config.tool === 'mcp') {
          const mcp = services.mcp;
          if (!mcp) {
            throw new FlowError(
              'tool_error',
              `Tool "${config.mcpTool}" needs MCP server "${config.mcpServer}", but the engine has no MCP servers configured`,
              {
                nodeId: node.id,
                details: { server: config.mcpServer, tool: config.mcpTool },
              },
            );
          }
          const args = await evaluate(config.args, state, at('args'));
          if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) {
            throw new FlowError(
              'tool_error',
              `The arguments of MCP tool "${config.mcpTool}" must be an object; "${config.args}" gave ${JSON.stringify(args)}`,
              { nodeId: node.id },
            );
          }
          const res = await mcp.callTool(
            { kind: 'mcp', server: config.mcpServer, tool: config.mcpTool, timeoutMs: config.mcpTimeoutMs },
            args === undefined ? {} : Object.fromEntries(Object.entries(args)),
            ctx.signal,
          );
          result = res.structured ?? res.text;
        } else {
          const input = await evaluate(config.input, state, at('input'));
          const res = await runSandboxedCode(config.code, input, {
            timeoutMs: config.codeTimeoutMs,
            memoryBytes: config.memoryMb * 1024 * 1024,
            signal: ctx.signal,
          });
          result = res.result;
        }
        return { update: { [config.output]: result } };
      },
    };
  },
});
