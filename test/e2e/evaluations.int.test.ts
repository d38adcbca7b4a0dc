import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EXAMPLES_DIR, RUN_BROWSER_TESTS, api, newPage, screenshot, startStack } from './stack.js';
import type { Stack } from './stack.js';

interface Rules {
  rules: { whenContains?: string; reply: { structured?: Record<string, unknown> } }[];
}

/** Evaluations in the editor: save a case from the debugger, run the dataset, compare two versions. */
describe.runIf(RUN_BROWSER_TESTS)('evaluations in Chromium against a real engine', () => {
  let stack: Stack;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    stack = await startStack({ examples: false });
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page && !page.isClosed())
      await screenshot(page, `failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
    await page?.close();
    expect(errors).toEqual([]);
  });

  it('saves a case from the debugger, runs the dataset, and shows the one regression of a new version first', async () => {
    const doc = JSON.parse(readFileSync(`${EXAMPLES_DIR}router-intent.json`, 'utf8')) as Record<string, unknown>;
    const created = await api<{ id: string }>(stack, '/v1/workflows', {
      method: 'POST',
      body: { document: { ...doc, id: 'triage-tests' } },
    });
    expect(created.status).toBe(201);
    const workflowId = created.body.id;
    const started = await api<{ runId: string }>(stack, '/v1/runs', {
      method: 'POST',
      body: { workflowId, input: { request: 'I found a bug in the checkout loop' } },
    });
    const runId = started.body.runId;
    await expect
      .poll(async () => (await api<{ status: string }>(stack, `/v1/runs/${runId}`)).body.status, { timeout: 20_000 })
      .toBe('completed');

    // The run opens in the debugger from a link; save it as a test case from its checkpoint panel.
    page = await newPage(stack, errors);
    await page.goto(`${stack.url}/#/w/${workflowId}/run/${runId}`);
    await page.getByTestId('debug-dock').waitFor();
    await page.getByTestId('dock-timeline').click();
    await page.getByTestId('checkpoint').first().click();
    await page.getByTestId('checkpoint-detail').getByTestId('cp-view-case').click();
    await page.getByTestId('save-case-name').fill('bug report goes to the coder');
    await page.getByTestId('save-case-submit').click();
    await expect
      .poll(
        async () =>
          (await api<{ items: { caseCount: number }[] }>(stack, `/v1/datasets?workflowId=${workflowId}`)).body.items[0]
            ?.caseCount,
      )
      .toBe(1);
    const datasetId = (await api<{ items: { id: string }[] }>(stack, `/v1/datasets?workflowId=${workflowId}`)).body
      .items[0]?.id;
    const saved = (await api<{ items: Record<string, unknown>[] }>(stack, `/v1/datasets/${datasetId}/cases`)).body
      .items[0];
    expect(saved).toMatchObject({
      name: 'bug report goes to the coder',
      input: { request: 'I found a bug in the checkout loop' },
      source: { kind: 'run', runId },
    });
    expect(saved?.expected).toMatchObject({ intent: { route: 'code' } });
    // A second case, imported as JSONL.
    const blog = {
      name: 'blog post goes to the writer',
      input: { request: 'write a blog post' },
      assertions: [{ type: 'branch_taken', nodeId: 'classify', branch: 'content' }],
    };
    expect(
      (await api(stack, `/v1/datasets/${datasetId}/import`, { method: 'POST', body: { jsonl: JSON.stringify(blog) } }))
        .status,
    ).toBe(201);

    // The Tests page: run the dataset against version 1.
    await page.getByTestId('open-evals').click();
    await page.getByTestId('evals-page').waitFor();
    await expect.poll(() => page.getByTestId('case-row').count()).toBe(2);
    await page.getByTestId('run-dataset').click();
    await expect.poll(() => page.getByTestId('selected-status').textContent(), { timeout: 30_000 }).toBe('completed');
    expect(await page.locator('[data-testid=result-row][data-status=passed]').count()).toBe(2);
    // The heading names the version once (the default experiment name already ends with it).
    const heading = await page.getByTestId('selected-status').locator('xpath=..').textContent();
    expect(heading).toMatch(/· v1 · completed/);
    expect(heading).not.toMatch(/v1 · v1/);
    await screenshot(page, 'evals-results-v1');

    // Version 2 sends bug reports to the writer: the saved case must now fail.
    const script = doc.script as Rules;
    const rules = script.rules.map((r) =>
      r.whenContains === 'bug'
        ? { ...r, reply: { ...r.reply, structured: { ...r.reply.structured, route: 'content' } } }
        : r,
    );
    const v2 = await api(stack, `/v1/workflows/${workflowId}`, {
      method: 'PUT',
      body: { document: { ...doc, id: workflowId, script: { ...script, rules } } },
    });
    expect(v2.status).toBe(200);
    await page.getByTestId('run-version').fill('2');
    await page.getByTestId('run-dataset').click();
    await expect.poll(() => page.getByTestId('experiment-row').count()).toBe(2);
    await expect.poll(() => page.getByTestId('selected-status').textContent(), { timeout: 30_000 }).toBe('completed');
    const failed = page.locator('[data-testid=result-row][data-status=failed]');
    expect(await failed.count()).toBe(1);
    expect(await failed.getAttribute('data-case')).toBe('bug report goes to the coder');
    expect(await failed.textContent()).toMatch(/expected output/);
    const link = await failed.getByTestId('open-case-run').getAttribute('href');
    expect(link).toMatch(new RegExp(`^#/w/${workflowId}/v/2/run/[0-9a-f-]+$`));

    // Compare the two experiments: the regression comes first.
    const picks = page.getByTestId('experiment-pick');
    await picks.nth(0).check();
    await picks.nth(1).check();
    await page.getByTestId('compare-experiments').click();
    await page.getByTestId('comparison').waitFor();
    const rows = page.getByTestId('comparison-row');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).getAttribute('data-change')).toBe('regression');
    expect(await rows.nth(0).getAttribute('data-case')).toBe('bug report goes to the coder');
    expect(await rows.nth(1).getAttribute('data-change')).toBe('still_passing');
    expect(await page.getByTestId('comparison-counts').textContent()).toMatch(/^1 regression\(s\)/);
    await screenshot(page, 'evals-comparison');

    // The failing case's link opens its run in the debugger, on version 2.
    await rows.nth(0).locator('td').nth(3).getByTestId('open-case-run').click();
    await page.getByTestId('debug-dock').waitFor();
    await expect.poll(() => page.getByTestId('workflow-version').textContent()).toMatch(/2/);
  }, 180_000);
});
