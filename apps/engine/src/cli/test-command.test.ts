import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const routerIntent = join(root, 'examples/router-intent.json');
const dir = mkdtempSync(join(tmpdir(), 'flow-test-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function flow(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    args,
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

const good = JSON.stringify({
  name: 'blog goes to the writer',
  input: { request: 'write a blog post' },
  assertions: [{ type: 'branch_taken', nodeId: 'classify', branch: 'content' }],
});
const broken = JSON.stringify({
  name: 'bug goes to the writer (wrong on purpose)',
  input: { request: 'a bug in my function' },
  assertions: [{ type: 'branch_taken', nodeId: 'classify', branch: 'content' }],
});

describe('pnpm flow test', () => {
  it('exit 0 when every case passes: one line per case, then "N passed, 0 failed"', async () => {
    const r = await flow('test', routerIntent, '--dataset', file('ok.jsonl', `${good}\n\n${good}\n`));
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(3);
    expect(r.out[0]).toMatch(/^✓ blog goes to the writer \(\d+ ms, \d+ tokens\)$/);
    expect(r.out.at(-1)).toBe('2 passed, 0 failed');
  });

  it('exit 1 when a case fails, with its reason on its line', async () => {
    const r = await flow('test', routerIntent, '--dataset', file('mixed.jsonl', `${good}\n${broken}\n`), '-c', '2');
    expect(r.code).toBe(1);
    expect(r.out[1]).toMatch(
      /^✗ bug goes to the writer .* — classify → content: classify took code, expected content$/,
    );
    expect(r.out.at(-1)).toBe('1 passed, 1 failed');
  });

  it('--json: one JSON object per case and a summary, nothing else on stdout', async () => {
    const r = await flow('test', routerIntent, '--dataset', file('mixed2.jsonl', `${good}\n${broken}\n`), '--json');
    expect(r.code).toBe(1);
    const lines = r.out.map((l) => JSON.parse(l));
    expect(lines.at(-1)).toEqual({ summary: true, passed: 1, failed: 1, total: 2 });
    expect(
      lines
        .slice(0, 2)
        .map((l) => l.pass)
        .sort(),
    ).toEqual([false, true]);
  });

  it('exit 2 on invalid input: bad JSONL lines (with line numbers), no dataset, bad workflow, bad concurrency', async () => {
    const bad = await flow('test', routerIntent, '--dataset', file('bad.jsonl', `${good}\n{nope\n{"name":""}\n`));
    expect(bad.code).toBe(2);
    expect(bad.err.join('\n')).toMatch(/2 invalid line\(s\)[\s\S]*line 2: not JSON[\s\S]*line 3: name/);
    expect((await flow('test', routerIntent)).code).toBe(2);
    expect((await flow('test', routerIntent, '--dataset', join(dir, 'missing.jsonl'))).code).toBe(2);
    expect((await flow('test', routerIntent, '--dataset', file('empty.jsonl', '\n'))).code).toBe(2);
    expect((await flow('test', routerIntent, '--dataset', file('c.jsonl', good), '-c', '0')).code).toBe(2);
    const doc = file('wf.json', JSON.stringify({ id: 'x', name: 'x', nodes: [{ id: 'a', type: 'nope' }], edges: [] }));
    expect((await flow('test', doc, '--dataset', file('d.jsonl', good))).code).toBe(2);
  });

  it('--evaluators loads custom evaluators made with defineEvaluator', async () => {
    const mod = file(
      'words.mjs',
      `export const words = { kind: 'evaluator', name: 'max-words', description: '', config: { safeParse: (v) => ({ success: true, data: v }) },
        evaluate: (s, c) => { const n = String(s.output?.answer ?? '').split(/\\s+/).length; return n <= c.max ? { pass: true, reason: n + ' words' } : { pass: false, reason: n + ' words > ' + c.max }; } };`,
    );
    const line = (max: number) =>
      JSON.stringify({
        name: `at most ${max} words`,
        input: { request: 'blog' },
        assertions: [{ type: 'custom', evaluator: 'max-words', config: { max } }],
      });
    const r = await flow(
      'test',
      routerIntent,
      '--dataset',
      file('w.jsonl', `${line(500)}\n${line(3)}\n`),
      '--evaluators',
      mod,
    );
    expect(r.out.at(-1)).toBe('1 passed, 1 failed');
    expect(r.out[1]).toMatch(/words > 3$/);
    expect(
      (
        await flow(
          'test',
          routerIntent,
          '--dataset',
          file('w2.jsonl', line(3)),
          '--evaluators',
          file('none.mjs', 'export const x = 1;'),
        )
      ).code,
    ).toBe(2);
  });

  it('the spawned command exits with the same codes', { timeout: 60_000 }, async () => {
    const run = promisify(execFile);
    const spawn = async (dataset: string) => {
      try {
        const r = await run(
          process.execPath,
          ['apps/engine/src/cli/bin.mjs', 'test', 'examples/router-intent.json', '--dataset', dataset],
          { cwd: root },
        );
        return { code: 0, stdout: r.stdout };
      } catch (e) {
        const f = e as { code: number; stdout: string };
        return { code: f.code, stdout: f.stdout };
      }
    };
    const ok = await spawn('examples/datasets/router-intent.jsonl');
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim().split('\n').at(-1)).toBe('3 passed, 0 failed');
    expect((await spawn(file('s.jsonl', `${broken}\n`))).code).toBe(1);
    expect((await spawn(file('s2.jsonl', 'x\n'))).code).toBe(2);
  });
});
