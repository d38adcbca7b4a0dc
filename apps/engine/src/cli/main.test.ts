import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';

const examples = fileURLToPath(new URL('../../../../examples/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flow-cli-'));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function file(name: string, value: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
}

const approval = {
  id: 'gate',
  name: 'Gate',
  state: { draft: { type: 'string', default: 'Hello' }, status: { type: 'string' } },
  nodes: [
    { id: 'start', type: 'start', config: { inputs: [{ channel: 'draft' }] } },
    {
      id: 'review',
      type: 'human',
      label: 'Review',
      config: { kind: 'approval', message: 'Publish {{ state.draft }}?', channel: 'draft' },
    },
    {
      id: 'yes',
      type: 'transform',
      config: { assignments: [{ channel: 'status', value: 'published {{ state.draft }}' }] },
    },
    { id: 'no', type: 'transform', config: { assignments: [{ channel: 'status', value: 'dropped' }] } },
    { id: 'end', type: 'end', config: { outputs: ['status'] } },
  ],
  edges: [
    { id: 'a', source: 'start', target: 'review' },
    { id: 'b', source: 'review', sourceHandle: 'approved', target: 'yes' },
    { id: 'c', source: 'review', sourceHandle: 'rejected', target: 'no' },
    { id: 'd', source: 'yes', target: 'end' },
    { id: 'e', source: 'no', target: 'end' },
  ],
};

describe('pnpm flow', () => {
  it('runs an example, printing each node start and finish with its update and duration, then the output', async () => {
    const r = await cli('run', join(examples, 'sequential-pipeline.json'), '--input', '{"topic":"tides"}');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/▶ Research \[researcher\]/);
    expect(r.out).toMatch(/✔ Research \[researcher\] \(\d+(\.\d+)? ms, 42\+61 tokens\) \{"research":"1\. Tides/);
    expect(r.out.indexOf('▶ Outline')).toBeGreaterThan(r.out.indexOf('✔ Research'));
    expect(r.out).toContain('Completed in');
    expect(r.out).toContain('"title": "Why the Sea Breathes"');
  });

  it('validate prints every problem with its path and node, and exits 2', async () => {
    const bad = file('bad.json', {
      id: 'x',
      name: 'x',
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'a', type: 'llm', config: { prompt: 1 } },
        { id: 'z', type: 'nope' },
      ],
      edges: [{ id: 'e', source: 'start', target: 'ghost' }],
    });
    const r = await cli('validate', bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/\[invalid_config\] nodes\.1\.config\.prompt \(node a\)/);
    expect(r.err).toMatch(/\[unknown_node_type\] nodes\.2\.type \(node z\)/);
    expect(r.err).toMatch(/\[dangling_edge\] edges\.0\.target/);
    expect(r.err).toMatch(/\[missing_end\]/);
    const run = await cli('run', bad);
    expect(run.code).toBe(2);
  });

  it('validate reports malformed model specs, unknown tiers and providers, and unclosed {{ with path and node', async () => {
    const llm = (id: string, config: Record<string, unknown>) => ({
      id,
      type: 'llm',
      config: { output: 'out', ...config },
    });
    const bad = file('models.json', {
      id: 'm',
      name: 'm',
      state: { topic: { type: 'string' }, out: { type: 'string' } },
      settings: { models: { tiers: { fast: 'openai:gpt-4o-mini' } } },
      nodes: [
        { id: 'start', type: 'start', config: { inputs: [{ channel: 'topic' }] } },
        llm('a', { model: 'nonsense', prompt: 'hi' }),
        llm('b', { model: 'vllm:llama-3', prompt: 'hi' }),
        llm('c', { model: 'tier:smart', prompt: 'hi' }),
        llm('d', { model: 'tier:fast', prompt: 'About {{ state.topic' }),
        { id: 'end', type: 'end', config: { outputs: ['out'] } },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'a' },
        { id: 'e2', source: 'a', target: 'b' },
        { id: 'e3', source: 'b', target: 'c' },
        { id: 'e4', source: 'c', target: 'd' },
        { id: 'e5', source: 'd', target: 'end' },
      ],
    });
    const r = await cli('validate', bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /error \[invalid_model\] nodes\.1\.config\.model \(node a\): .*"nonsense" must be written as provider:model/,
    );
    expect(r.err).toMatch(
      /error \[invalid_model\] nodes\.2\.config\.model \(node b\): .*unknown model provider "vllm"/,
    );
    expect(r.err).toMatch(/error \[invalid_model\] nodes\.3\.config\.model \(node c\): .*unknown model tier "smart"/);
    expect(r.err).toMatch(/error \[invalid_config\] nodes\.4\.config\.prompt \(node d\): .*unclosed "\{\{" at line 1/);
    expect(r.err).toContain('4 problem(s)');
    const json = await cli('validate', bad, '--json');
    const parsed = JSON.parse(json.out) as { ok: boolean; problems: { code: string; nodeId?: string }[] };
    expect(parsed.ok).toBe(false);
    expect(parsed.problems.map((p) => [p.code, p.nodeId])).toEqual([
      ['invalid_config', 'd'],
      ['invalid_model', 'a'],
      ['invalid_model', 'b'],
      ['invalid_model', 'c'],
    ]);
  });

  it('refuses unreadable files, bad JSON and bad flags with exit 2', async () => {
    expect((await cli('run', join(dir, 'missing.json'))).code).toBe(2);
    expect((await cli('validate', file('broken.json', '{ nope'))).err).toContain('not valid JSON');
    expect((await cli('run', join(examples, 'sequential-pipeline.json'), '--input', '[1]')).code).toBe(2);
    expect((await cli('run', join(examples, 'sequential-pipeline.json'), '--bogus')).code).toBe(2);
    expect((await cli('validate', join(examples, 'sequential-pipeline.json'))).code).toBe(0);
  });

  it('answers human nodes with --resume, and stops with a hint without it', async () => {
    const f = file('gate.json', approval);
    const ok = await cli('run', f, '--resume', '{"action":"edit","value":"Hi there"}');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('"status": "published Hi there"');
    const paused = await cli('run', f);
    expect(paused.code).toBe(1);
    expect(paused.err).toContain('--resume');
  });

  it('prints trace events as JSON lines with --json', async () => {
    const r = await cli('run', join(examples, 'sequential-pipeline.json'), '--json');
    const lines = r.out.split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'node.finished').map((l) => l.nodeId)).toEqual([
      'start',
      'researcher',
      'outliner',
      'writer',
      'end',
    ]);
    expect(lines.at(-1)).toMatchObject({ status: 'completed' });
  });

  it('fails a run with a clear message naming the node (exit 1)', async () => {
    const f = file('fail.json', {
      id: 'f',
      name: 'f',
      state: { out: { type: 'string' } },
      nodes: [
        { id: 'start', type: 'start', config: {} },
        { id: 'ask', type: 'llm', label: 'Ask', config: { model: 'scripted:m', prompt: 'x', output: 'out' } },
        { id: 'end', type: 'end', config: {} },
      ],
      edges: [
        { id: 'a', source: 'start', target: 'ask' },
        { id: 'b', source: 'ask', target: 'end' },
      ],
      script: { nodes: { ask: [{ error: { message: 'bad key', status: 401 } }] } },
    });
    const r = await cli('run', f);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Run failed \[model_error\] at node Ask \[ask\]: bad key/);
  });
});
