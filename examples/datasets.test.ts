import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli } from '@flowcraft/engine';

const here = fileURLToPath(new URL('.', import.meta.url));
const examples = readdirSync(here)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length));

async function flowTest(name: string) {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = await cli(
    ['test', `${here}${name}.json`, '--dataset', `${here}datasets/${name}.jsonl`, '--json'],
    (l) => lines.push(l),
    (l) => errors.push(l),
  );
  return { code, lines: lines.map((l) => JSON.parse(l)), errors };
}

describe('every example ships a passing dataset (pnpm flow test)', () => {
  it('has one dataset per example', () => {
    const datasets = readdirSync(`${here}datasets`).filter((f) => f.endsWith('.jsonl'));
    expect(datasets.map((f) => f.slice(0, -'.jsonl'.length)).sort()).toEqual([...examples].sort());
  });

  for (const name of examples) {
    it(name, async () => {
      const { code, lines, errors } = await flowTest(name);
      const failing = lines.filter((l) => l.pass === false).map((l) => `${l.case}: ${l.reason}`);
      expect(failing, errors.join('\n')).toEqual([]);
      expect(code).toBe(0);
      const summary = lines.at(-1);
      expect(summary).toMatchObject({ summary: true, failed: 0 });
      expect(summary.passed).toBeGreaterThan(0);
      // Each case checks something: at least two assertions per case, every one passing with a reason.
      for (const l of lines.slice(0, -1)) {
        expect(l.results.length).toBeGreaterThanOrEqual(2);
        for (const r of l.results) expect(r.reason).not.toBe('');
      }
    });
  }
});
