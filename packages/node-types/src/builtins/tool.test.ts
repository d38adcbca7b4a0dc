import { describe, expect, it } from 'vitest';
import { toolNode } from './tool.js';
import { configOf, portIds, runNode } from './test-node.js';
import type { FetchLike } from '../sdk/services.js';

const POISON = '($f := function($n){ $f($n + 1) }; $f(0))';

describe('tool node', () => {
  it('defaults to the calculator writing `output`', () => {
    expect(configOf(toolNode)).toMatchObject({
      tool: 'calculator',
      expression: '1 + 1',
      method: 'GET',
      output: 'output',
    });
    expect(portIds(toolNode)).toEqual({ inputs: ['in'], outputs: ['out', 'error'] });
    expect(toolNode.channels(configOf(toolNode, { output: 'sum' }))).toEqual({ reads: [], writes: ['sum'] });
    expect(toolNode.migrations ?? []).toEqual([]);
  });

  it('calculator renders its expression over state', async () => {
    const run = await runNode(toolNode, { expression: '{{ state.a }} * 2' }, { a: 21 });
    expect(run.result).toEqual({ update: { output: 42 } });
  });

  it('http renders url and headers and returns the body', async () => {
    const seen: string[] = [];
    const fetch: FetchLike = async (input, init) => {
      seen.push(`${init?.method ?? 'GET'} ${String(input)} ${new Headers(init?.headers).get('x-user') ?? ''}`);
      return new Response(JSON.stringify({ ok: true }), { headers: { 'content-type': 'application/json' } });
    };
    const run = await runNode(
      toolNode,
      { tool: 'http', url: 'https://api.example.com/u/{{ state.id }}', headers: { 'x-user': '{{ state.id }}' } },
      { id: 7 },
      { fetch },
    );
    expect(run.result).toEqual({ update: { output: { ok: true } } });
    expect(seen).toEqual(['GET https://api.example.com/u/7 7']);
  });

  it('a poison URL fails with expression_limit naming `url` before any request', async () => {
    const fetch: FetchLike = async () => {
      throw new Error('must not be called');
    };
    await expect(
      runNode(toolNode, { tool: 'http', url: `https://x.example/{{ ${POISON} }}` }, {}, { id: 'get', fetch }),
    ).rejects.toMatchObject({ code: 'expression_limit', nodeId: 'get', details: { field: 'url' } });
  });

  it('a poison code-tool input fails with expression_limit naming `input`', async () => {
    await expect(
      runNode(toolNode, { tool: 'code', code: 'return input;', input: POISON }, {}, { id: 'js' }),
    ).rejects.toMatchObject({ code: 'expression_limit', nodeId: 'js', details: { field: 'input' } });
  });

  it('checks header templates statically', () => {
    expect(toolNode.check?.(configOf(toolNode, { headers: { a: '{{ state.x' } }))).toEqual([
      { path: ['headers', 'a'], message: expect.stringContaining('unclosed "{{"') },
    ]);
  });
});
