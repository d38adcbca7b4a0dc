import { FlowError } from '@flowcraft/schema';
import { AgentToolSpec, invokeToolSafely, resolveAgentTools } from '@flowcraft/node-types/tools';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpFixture, type HttpFixture } from './fixtures/http-server.js';
import type { McpServerConfigInput } from './mcp-config.js';
import { McpManager } from './mcp-manager.js';

const engineDir = fileURLToPath(new URL('../..', import.meta.url));
const stdioFixture = fileURLToPath(new URL('./fixtures/stdio-server.ts', import.meta.url));

function stdioServer(
  name: string,
  extra: Partial<Extract<McpServerConfigInput, { transport: 'stdio' }>> = {},
): McpServerConfigInput {
  return {
    name,
    transport: 'stdio',
    command: process.execPath,
    args: ['--import', 'tsx', stdioFixture],
    cwd: engineDir,
    ...extra,
  };
}

async function rejection(promise: Promise<unknown>): Promise<FlowError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(FlowError);
    return err as FlowError;
  }
  throw new Error('expected a rejection');
}

describe('McpManager over stdio', () => {
  let manager: McpManager;
  beforeAll(() => {
    process.env.FLOWCRAFT_TEST_ENGINE_SECRET = 'engine-secret-value';
    manager = new McpManager([stdioServer('local', { env: { FIXTURE_GREETING: 'hello from config' } })]);
  });
  afterAll(async () => {
    delete process.env.FLOWCRAFT_TEST_ENGINE_SECRET;
    await manager.close();
  });

  it('lists the tools as JSON descriptions with their input schemas', async () => {
    expect(manager.status()).toEqual([
      { name: 'local', transport: 'stdio', target: `${process.execPath} (3 arguments)`, state: 'idle' },
    ]);
    const listing = await manager.listTools();
    expect(listing.errors).toEqual([]);
    expect(listing.tools.map((t) => t.name).sort()).toEqual(['add', 'echo', 'env', 'fail', 'list.files', 'slow']);
    const add = listing.tools.find((t) => t.name === 'add');
    expect(add).toMatchObject({ server: 'local', description: 'Adds two numbers' });
    expect(add?.inputSchema).toMatchObject({
      type: 'object',
      properties: { a: { type: 'number', description: 'first addend' }, b: { type: 'number' } },
      required: ['a', 'b'],
    });
    expect(add?.outputSchema).toMatchObject({ properties: { sum: { type: 'number' } } });
    expect(manager.status()[0]?.state).toBe('connected');
  });

  it('calls a tool directly: text and structured content', async () => {
    expect(await manager.callTool({ kind: 'mcp', server: 'local', tool: 'add' }, { a: 2, b: 3 })).toEqual({
      text: '2 + 3 = 5',
      structured: { sum: 5 },
    });
    expect(await manager.callTool({ kind: 'mcp', server: 'local', tool: 'echo' }, { text: 'hi' })).toEqual({
      text: 'stdio: hi',
    });
  });

  it('passes only the configured environment to the server, not the engine secrets', async () => {
    const env = { kind: 'mcp', server: 'local', tool: 'env' } as const;
    expect((await manager.callTool(env, { name: 'FIXTURE_GREETING' })).text).toBe('hello from config');
    expect((await manager.callTool(env, { name: 'FLOWCRAFT_TEST_ENGINE_SECRET' })).text).toBe('(unset)');
  });

  it('returns LangChain tools usable by an agent, with provider-safe names and the server schema', async () => {
    const add = await manager.langchainTool({ kind: 'mcp', server: 'local', tool: 'add' });
    expect(add.name).toBe('local__add');
    expect(add.description).toBe('Adds two numbers');
    const openai = convertToOpenAITool(add);
    expect(openai.function.parameters).toMatchObject({
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' } },
    });
    expect(await add.invoke({ a: 40, b: 2 })).toBe('40 + 2 = 42');
    expect(await invokeToolSafely(add, { a: 1, b: 1 })).toEqual({ ok: true, output: '1 + 1 = 2' });

    const files = await manager.langchainTool({
      kind: 'mcp',
      server: 'local',
      tool: 'list.files',
      name: 'files',
      description: 'Our files',
    });
    expect([files.name, files.description]).toEqual(['files', 'Our files']);
    expect(await files.invoke({})).toBe('a.txt\nb.txt');
    expect((await manager.langchainTool({ kind: 'mcp', server: 'local', tool: 'list.files' })).name).toBe(
      'local__list_files',
    );
  });

  it('serves as the MCP provider when an agent resolves its tool specs', async () => {
    const specs = [{ kind: 'calculator' }, { kind: 'mcp', server: 'local', tool: 'echo' }].map((s) =>
      AgentToolSpec.parse(s),
    );
    const tools = await resolveAgentTools(specs, { fetch: () => Promise.reject(new Error('unused')), mcp: manager });
    expect(tools.map((t) => t.name)).toEqual(['calculator', 'local__echo']);
    expect(await tools[1]?.invoke({ text: 'from the agent' })).toBe('stdio: from the agent');
  });

  it('reports tool errors, unknown tools and servers with their names', async () => {
    const failed = await rejection(manager.callTool({ kind: 'mcp', server: 'local', tool: 'fail' }, {}));
    expect(failed.code).toBe('tool_error');
    expect(failed.message).toBe('MCP tool "fail" on server "local" reported an error: the disk is full');
    const fail = await manager.langchainTool({ kind: 'mcp', server: 'local', tool: 'fail' });
    const safe = await invokeToolSafely(fail, {});
    expect(safe).toMatchObject({
      ok: false,
      error: 'MCP tool "fail" on server "local" reported an error: the disk is full',
    });

    const unknownTool = await rejection(manager.callTool({ kind: 'mcp', server: 'local', tool: 'nope' }, {}));
    expect(unknownTool.message).toBe(
      'MCP server "local" has no tool "nope" (it has: add, echo, fail, slow, env, list.files)',
    );
    const unknownServer = await rejection(manager.callTool({ kind: 'mcp', server: 'other', tool: 'add' }, {}));
    expect(unknownServer.message).toBe('Unknown MCP server "other" (configured: local)');
  });

  it('times out a slow tool call and honours an abort signal', async () => {
    const slow = { kind: 'mcp', server: 'local', tool: 'slow', timeoutMs: 200 } as const;
    const started = Date.now();
    const timedOut = await rejection(manager.callTool(slow, { ms: 10_000 }));
    expect(timedOut.code).toBe('tool_error');
    expect(timedOut.retryable).toBe(true);
    expect(timedOut.message).toBe('MCP server "local" timed out after 200 ms trying to call tool "slow"');
    expect(Date.now() - started).toBeLessThan(5000);

    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user pressed stop')), 50);
    const cancelled = await rejection(
      manager.callTool({ ...slow, timeoutMs: 10_000 }, { ms: 10_000 }, controller.signal),
    );
    expect(cancelled.code).toBe('cancelled');
    // the connection is still usable afterwards
    expect((await manager.callTool({ kind: 'mcp', server: 'local', tool: 'slow' }, { ms: 1 })).text).toBe(
      'waited 1 ms',
    );
  });
});

describe('McpManager over streamable HTTP', () => {
  let fixture: HttpFixture;
  let manager: McpManager;
  beforeAll(async () => {
    fixture = await startHttpFixture();
    manager = new McpManager([
      { name: 'remote', transport: 'http', url: fixture.url, headers: { Authorization: 'Bearer mcp-token' } },
    ]);
  });
  afterAll(async () => {
    await manager.close();
    await fixture.close();
  });

  it('lists and calls tools, through the manager and through a LangChain tool', async () => {
    const listing = await manager.listTools();
    expect(listing.tools.filter((t) => t.server === 'remote').map((t) => t.name)).toContain('add');
    expect(await manager.callTool({ kind: 'mcp', server: 'remote', tool: 'add' }, { a: 0.5, b: 0.25 })).toEqual({
      text: '0.5 + 0.25 = 0.75',
      structured: { sum: 0.75 },
    });
    const echo = await manager.langchainTool({ kind: 'mcp', server: 'remote', tool: 'echo' });
    expect(echo.name).toBe('remote__echo');
    expect(await echo.invoke({ text: 'over http' })).toBe('http: over http');
    expect(fixture.authorizations.length).toBeGreaterThan(0);
    expect(fixture.authorizations.every((a) => a === 'Bearer mcp-token')).toBe(true);
    expect(manager.status()).toEqual([{ name: 'remote', transport: 'http', target: fixture.url, state: 'connected' }]);
  });
});

describe('McpManager connection failures', () => {
  it('names the server, keeps the others listed, and includes the stderr of a crashed server', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const manager = new McpManager([
      stdioServer('good'),
      stdioServer('crashes', { args: ['--import', 'tsx', stdioFixture, '--crash'] }),
      { name: 'missing', transport: 'stdio', command: '/nonexistent/mcp-server' },
      { name: 'down', transport: 'http', url: `http://127.0.0.1:${port}/mcp` },
    ]);
    try {
      const listing = await manager.listTools();
      expect(new Set(listing.tools.map((t) => t.server))).toEqual(new Set(['good']));
      const errors = Object.fromEntries(listing.errors.map((e) => [e.server, e.message]));
      expect(Object.keys(errors).sort()).toEqual(['crashes', 'down', 'missing']);
      expect(errors.crashes).toMatch(
        /^Could not connect to MCP server "crashes": .+; its stderr: fixture: cannot open database \/nonexistent\.db$/,
      );
      expect(errors.missing).toMatch(/^Could not connect to MCP server "missing": .*ENOENT/);
      expect(errors.down).toMatch(/^Could not connect to MCP server "down": /);
      const state = Object.fromEntries(manager.status().map((s) => [s.name, s.state]));
      expect(state).toEqual({ good: 'connected', crashes: 'failed', missing: 'failed', down: 'failed' });
      const direct = await rejection(manager.callTool({ kind: 'mcp', server: 'missing', tool: 'add' }, {}));
      expect(direct.code).toBe('tool_error');
      expect(direct.retryable).toBe(true);
    } finally {
      await manager.close();
    }
  });

  it('gives up on a server that never answers the handshake', async () => {
    const manager = new McpManager([
      {
        name: 'mute',
        transport: 'stdio',
        command: process.execPath,
        args: ['-e', 'setInterval(() => {}, 1000)'],
        connectTimeoutMs: 300,
      },
    ]);
    const started = Date.now();
    const err = await rejection(manager.callTool({ kind: 'mcp', server: 'mute', tool: 'x' }, {}));
    expect(err.message).toBe('Could not connect to MCP server "mute": no answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(5000);
    await manager.close();
  });

  it('refuses use after close', async () => {
    const manager = new McpManager([stdioServer('local')]);
    expect((await manager.callTool({ kind: 'mcp', server: 'local', tool: 'echo' }, { text: 'x' })).text).toBe(
      'stdio: x',
    );
    await manager.close();
    const err = await rejection(manager.callTool({ kind: 'mcp', server: 'local', tool: 'echo' }, { text: 'x' }));
    expect(err.code).toBe('cancelled');
  });
});
