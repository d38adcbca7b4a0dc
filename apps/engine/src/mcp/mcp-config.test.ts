import { FlowError } from '@flowcraft/schema';
import { describe, expect, it } from 'vitest';
import { parseMcpConfig, summarizeServer } from './mcp-config.js';

describe('parseMcpConfig', () => {
  it('parses stdio and http servers with defaults, from JSON text or values', () => {
    const servers = parseMcpConfig(
      JSON.stringify([
        {
          name: 'files',
          transport: 'stdio',
          command: 'npx',
          args: ['-y', 'server-filesystem', '/data'],
          env: { TOKEN: 's3cret' },
        },
        {
          name: 'search',
          transport: 'http',
          url: 'https://mcp.example.com/mcp?key=abc',
          headers: { Authorization: 'Bearer t' },
        },
      ]),
    );
    expect(servers[0]).toEqual({
      name: 'files',
      transport: 'stdio',
      command: 'npx',
      args: ['-y', 'server-filesystem', '/data'],
      env: { TOKEN: 's3cret' },
      stderr: 'pipe',
      connectTimeoutMs: 15_000,
      toolTimeoutMs: 60_000,
    });
    expect(servers[1]).toMatchObject({ name: 'search', transport: 'http', headers: { Authorization: 'Bearer t' } });
    expect(parseMcpConfig('')).toEqual([]);
    expect(parseMcpConfig(undefined)).toEqual([]);
  });

  it('summaries never show env, headers, arguments or query strings', () => {
    const [files, search] = parseMcpConfig([
      { name: 'files', transport: 'stdio', command: 'npx', args: ['--token', 'abc'], env: { TOKEN: 's3cret' } },
      {
        name: 'search',
        transport: 'http',
        url: 'https://user:pw@mcp.example.com/mcp?key=abc',
        headers: { Authorization: 'Bearer t' },
      },
    ]);
    expect(summarizeServer(files!)).toEqual({ name: 'files', transport: 'stdio', target: 'npx (2 arguments)' });
    expect(summarizeServer(search!)).toEqual({
      name: 'search',
      transport: 'http',
      target: 'https://mcp.example.com/mcp',
    });
    expect(JSON.stringify([summarizeServer(files!), summarizeServer(search!)])).not.toMatch(/s3cret|abc|Bearer|pw/);
  });

  it('rejects invalid configurations listing every problem', () => {
    const problems = (input: unknown): string => {
      try {
        parseMcpConfig(input);
      } catch (err) {
        expect(err).toBeInstanceOf(FlowError);
        expect((err as FlowError).code).toBe('invalid_input');
        return (err as FlowError).message;
      }
      throw new Error('expected a failure');
    };
    expect(problems('{oops')).toMatch(/^MCP server configuration is not valid JSON/);
    const message = problems([
      { name: 'a b', transport: 'stdio', command: 'x' },
      { name: 'web', transport: 'http', url: 'ftp://x' },
      { name: 'dup', transport: 'stdio', command: 'x' },
      { name: 'dup', transport: 'stdio', command: 'y' },
      { name: 'ws', transport: 'websocket', url: 'ws://x' },
    ]);
    expect(message).toMatch(/0\.name: Use 1 to 32 letters/);
    expect(message).toMatch(/1\.url: Expected an absolute http\(s\) URL/);
    expect(message).toMatch(/4\.transport: /);
    expect(
      problems([
        { name: 'dup', transport: 'stdio', command: 'x' },
        { name: 'dup', transport: 'stdio', command: 'y' },
      ]),
    ).toMatch(/1\.name: Duplicate MCP server name "dup"/);
  });
});
