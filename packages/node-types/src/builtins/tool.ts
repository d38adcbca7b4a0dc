import { z } from 'zod';
import { defineNodeType } from '../sdk/define-node-type.js';
import { evaluate, render, renderValue } from '../sdk/template.js';
import { calculate, httpRequest, runSandboxedCode } from '../tools/index.js';
import { ERROR_OUT, IN, OUT, policyFields } from './common.js';

export const toolConfig = z.object({
  tool: z.enum(['calculator', 'http', 'code']).default('calculator'),
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
  /** Channel receiving the result. */
  output: z.string().min(1).default('output'),
  ...policyFields,
});

export const toolNode = defineNodeType({
  type: 'tool',
  version: 1,
  meta: { title: 'Tool', category: 'tools', description: 'Calls one tool: an HTTP request, JavaScript in a QuickJS sandbox (time and memory bounded), or a calculator.', icon: 'wrench' },
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
    output: { widget: 'channel' },
  },
  ports: { inputs: [IN], outputs: [OUT, ERROR_OUT] },
  channels: (c) => ({ reads: [], writes: [c.output] }),
  build: ({ config, services }) => ({
    async run(state, ctx) {
      let result: unknown;
      if (config.tool === 'calculator') {
        result = calculate(await render(config.expression, state));
      } else if (config.tool === 'http') {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(config.headers)) headers[k] = await render(v, state);
        const body = config.body === undefined ? undefined : await renderValue(config.body, state);
        const res = await httpRequest({ method: config.method, url: await render(config.url, state), headers, body }, { fetch: services.fetch, signal: ctx.signal });
        result = res.body;
      } else {
        const input = await evaluate(config.input, state);
        const res = await runSandboxedCode(config.code, input, { timeoutMs: config.codeTimeoutMs, memoryBytes: config.memoryMb * 1024 * 1024, signal: ctx.signal });
        result = res.result;
      }
      return { update: { [config.output]: result } };
    },
  }),
});
