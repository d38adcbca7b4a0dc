import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EXAMPLES_DIR, RUN_BROWSER_TESTS, api, screenshot, startStack } from './stack.js';
import type { Stack } from './stack.js';
import { canvasGeometry, readabilityProblems } from './canvas-geometry.js';

interface ExampleDoc {
  id: string;
  state: Record<string, { type: string; default?: unknown }>;
  nodes: { id: string; type: string; config: { inputs?: { channel: string }[] } }[];
}

const examples = readdirSync(EXAMPLES_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f): ExampleDoc => JSON.parse(readFileSync(join(EXAMPLES_DIR, f), 'utf8')));

/** A value of the channel's type for each start input without a default. */
function inputFor(doc: ExampleDoc): Record<string, unknown> {
  const sample: Record<string, unknown> = { string: 'A short test request', number: 1, boolean: true, json: {} };
  const out: Record<string, unknown> = {};
  for (const n of doc.nodes)
    for (const i of n.type === 'start' ? (n.config.inputs ?? []) : []) {
      const ch = doc.state[i.channel];
      if (ch && ch.default === undefined) out[i.channel] = sample[ch.type] ?? [];
    }
  return out;
}

describe.runIf(RUN_BROWSER_TESTS)('every example reads clearly on the canvas', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const open = async (id: string, width: number, height: number): Promise<Page> => {
    const page = await stack.browser.newPage({ viewport: { width, height } });
    page.setDefaultTimeout(15_000);
    await page.goto(`${stack.url}/#/w/${id}`);
    await page.locator('[data-testid=canvas-node]').first().waitFor();
    // Cards are measured, then the edges are routed around them.
    await page.waitForFunction(() => document.querySelectorAll('[data-edge-route]').length > 0);
    return page;
  };

  it('has the 18 examples', () => {
    expect(examples.length).toBe(18);
  });

  it.each(examples.map((d) => [d.id, d] as const))(
    '%s: stored layout, after Layout and after a run: no overlapping cards or labels, loops in view',
    async (id, doc) => {
      const page = await open(id, 1440, 900);
      const stored = await canvasGeometry(page);
      expect(stored.nodes.length).toBe(doc.nodes.length);
      expect(readabilityProblems(stored)).toEqual([]);

      await page.getByTestId('auto-layout').click();
      await page.getByTestId('dirty-marker').waitFor();
      // Layout re-fits: every card is inside the canvas.
      await page.waitForFunction(() => {
        const c = document.querySelector('[data-testid=canvas]')?.getBoundingClientRect();
        return (
          c &&
          Array.from(document.querySelectorAll('.react-flow__node-flow')).every((n) => {
            const r = n.getBoundingClientRect();
            return r.left >= c.left && r.right <= c.right && r.top >= c.top && r.bottom <= c.bottom;
          })
        );
      });
      expect(readabilityProblems(await canvasGeometry(page))).toEqual([]);
      await page.close();

      // A run (scripted models) makes the cards show status, time, tokens and model.
      const started = await api<{ runId: string }>(stack, '/v1/runs', {
        method: 'POST',
        body: { workflowId: id, input: inputFor(doc) },
      });
      expect(started.status).toBeLessThan(300);
      await expect
        .poll(async () => (await api<{ status: string }>(stack, `/v1/runs/${started.body.runId}`)).body.status, {
          timeout: 20_000,
        })
        .toMatch(/completed|failed|interrupted/);
      const after = await open(id, 1024, 700);
      await after.waitForFunction(() =>
        Array.from(document.querySelectorAll('[data-testid=canvas-node]')).some(
          (n) => n.getAttribute('data-status') !== 'idle',
        ),
      );
      const ran = await canvasGeometry(after);
      await screenshot(after, `canvas-layout-${id}-after-run-1024`);
      expect(readabilityProblems(ran)).toEqual([]);
      await after.close();
    },
    60_000,
  );
});
