import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const run = promisify(execFile);

/**
 * Runs `pnpm flow …` from the repository root exactly as the README shows it, or (`viaPnpm` false)
 * the bin pnpm runs, `node apps/engine/src/cli/bin.mjs …`; stdout and stderr apart.
 */
async function spawnFlow(viaPnpm: boolean, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, argv] = viaPnpm
    ? ['pnpm', ['flow', ...args]]
    : [process.execPath, ['apps/engine/src/cli/bin.mjs', ...args]];
  try {
    const r = await run(cmd, argv, { cwd: root, env: { ...process.env, FORCE_COLOR: '0' } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const f = e as { code: number; stdout: string; stderr: string };
    return { code: f.code, stdout: f.stdout, stderr: f.stderr };
  }
}

const pnpmFlow = (...args: string[]) => spawnFlow(true, args);
const flow = (...args: string[]) => spawnFlow(false, args);

function jsonLines(stdout: string): unknown[] {
  const lines = stdout.split('\n').filter((l) => l !== '');
  expect(lines.length).toBeGreaterThan(0);
  return lines.map((l) => JSON.parse(l) as unknown);
}

describe('pnpm flow --json prints only JSON lines on stdout (spawned, as a shell pipe into jq sees it)', {
  timeout: 120_000,
}, () => {
  it('run: every stdout line parses, the last is the result', async () => {
    const r = await pnpmFlow('run', 'examples/sequential-pipeline.json', '--input', '{"topic":"tides"}', '--json');
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines.at(-1)).toMatchObject({ status: 'completed' });
    expect(lines.some((l) => (l as { type?: string }).type === 'node.finished')).toBe(true);
  });

  it('validate and a failing run too; usage and failure text go to stderr', async () => {
    const v = await flow('validate', 'examples/map-reduce.json', '--json');
    expect(v.code).toBe(0);
    expect(jsonLines(v.stdout)).toEqual([{ ok: true, problems: [] }]);
    const paused = await flow('run', 'examples/human-approval.json', '--json');
    expect(paused.code).toBe(1);
    for (const l of paused.stdout.split('\n').filter((x) => x !== '')) JSON.parse(l);
    expect(paused.stderr).toContain('--resume');
    const usage = await flow('run', '--json');
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
    expect(usage.stderr).toContain('Usage:');
  });

  it('--help prints the usage', async () => {
    const r = await pnpmFlow('--help');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('Usage:')).toBe(true);
  });
});
