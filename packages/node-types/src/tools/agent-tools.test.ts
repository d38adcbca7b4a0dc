import { FlowError } from '@flowcraft/schema';
import { tool } from '@langchain/core/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentToolSpec, resolveAgentTools } from './agent-tools.js';
import type { McpToolProvider, McpToolSpec } from './mcp-tool-spec.js';

const fetchUnused = () => Promise.reject(new Error('no fetch in this test'));

/** A stand-in for the engine's McpManager: one server "math" with an `add` tool. */
const fakeMcp: McpToolProvider & { requested: McpToolSpec[] } = {
  requested: [],
  async langchainTool(spec) {
    this.requested.push(spec);
    return tool(async ({ a, b }: { a: number; b: number }) => String(a + b), {
      name: spec.name ?? `${spec.server}__${spec.tool}`,
      description: 'adds',
      schema: z.object({ a: z.number(), b: z.number() }),
    });
  },
  async callTool() {
    return { text: 'unused' };
  },
};

describe('resolveAgentTools', () => {
  it('resolves built-in and MCP specs, in order', async () => {
    const specs = z
      .array(AgentToolSpec)
      .parse([
        { kind: 'calculator' },
        { kind: 'mcp', server: 'math', tool: 'add' },
        { kind: 'mcp', server: 'math', tool: 'add', name: 'plus' },
      ]);
    expect(specs[1]).toEqual({ kind: 'mcp', server: 'math', tool: 'add', timeoutMs: 60_000 });
    const tools = await resolveAgentTools(specs, { fetch: fetchUnused, mcp: fakeMcp });
    expect(tools.map((t) => t.name)).toEqual(['calculator', 'math__add', 'plus']);
    expect(await tools[0]?.invoke({ expression: '6 * 7' })).toBe('42');
    expect(await tools[1]?.invoke({ a: 2, b: 3 })).toBe('5');
    expect(fakeMcp.requested.map((s) => s.tool)).toEqual(['add', 'add']);
  });

  it('refuses duplicate names and MCP tools without MCP servers', async () => {
    const twice = z.array(AgentToolSpec).parse([
      { kind: 'mcp', server: 'math', tool: 'add' },
      { kind: 'calculator', name: 'math__add' },
    ]);
    await expect(resolveAgentTools(twice, { fetch: fetchUnused, mcp: fakeMcp })).rejects.toThrow(
      'Two tools are named "math__add"',
    );
    const mcpOnly = z.array(AgentToolSpec).parse([{ kind: 'mcp', server: 'math', tool: 'add' }]);
    const err = await resolveAgentTools(mcpOnly, { fetch: fetchUnused }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowError);
    expect((err as FlowError).code).toBe('tool_error');
    expect((err as FlowError).message).toBe(
      'Tool "add" needs MCP server "math", but the engine has no MCP servers configured',
    );
  });

  it('validates MCP specs', () => {
    expect(AgentToolSpec.safeParse({ kind: 'mcp', server: 'bad name', tool: 'x' }).success).toBe(false);
    expect(AgentToolSpec.safeParse({ kind: 'mcp', server: 'ok', tool: '' }).success).toBe(false);
    expect(AgentToolSpec.safeParse({ kind: 'mcp', server: 'ok', tool: 'x', name: 'has space' }).success).toBe(false);
  });
});
