import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { RUN_BROWSER_TESTS, api, newPage, screenshot, startStack } from './stack.js';
import type { Stack } from './stack.js';
import { selectNode } from './canvas-actions.js';

const hashOf = (page: Page) => new URL(page.url()).hash;

describe.runIf(RUN_BROWSER_TESTS)('sub-workflows in the editor (Chromium, real engine, examples imported)', () => {
  let stack: Stack;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    stack = await startStack();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page && !page.isClosed())
      await screenshot(page, `failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
    await page?.close();
    expect(errors).toEqual([]);
  });

  it('shows the child on the card, maps channels with pickers, opens the child by double-click and comes back by the breadcrumb', async () => {
    errors = [];
    page = await newPage(stack, errors);
    await page.goto(`${stack.url}/#/w/subworkflow-newsletter`);
    await page.getByTestId('editor-page').waitFor();
    const card = page.locator('[data-testid=canvas-node][data-node-id="sign_off_call"]');
    await card.waitFor();
    // The card names the called workflow and the version it follows.
    await expect.poll(() => card.textContent()).toContain('subworkflow-approval');
    expect(await card.textContent()).toContain('latest');

    // Inspector: the workflow picker lists saved workflows; mappings offer this workflow's channels on
    // one side and the child's start inputs / end outputs on the other.
    await selectNode(page, 'sign_off_call');
    const workflowPicker = page.getByTestId('field-workflowId');
    expect(await workflowPicker.inputValue()).toBe('subworkflow-approval');
    expect(await workflowPicker.locator('option').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('Sub-workflow (reusable child)')]),
    );
    expect(await page.getByTestId('field-version').inputValue()).toBe('latest');
    const childInput = page.getByTestId('field-inputs.0.to');
    await expect.poll(async () => childInput.locator('option').allTextContents()).toContain('text');
    expect(await childInput.locator('option').allTextContents()).toContain('audience');
    expect(await childInput.inputValue()).toBe('text');
    expect(await page.getByTestId('field-inputs.0.from').locator('option').allTextContents()).toContain('item');
    const childOutput = page.getByTestId('field-outputs.0.from');
    await expect.poll(async () => childOutput.locator('option').allTextContents()).toContain('approved_text');
    expect(await childOutput.locator('option').allTextContents()).toContain('decision');

    // Double-click opens the child; the breadcrumb names the parent.
    await card.locator('[data-testid=node-label]').dblclick();
    await expect.poll(() => hashOf(page)).toBe('#/w/subworkflow-approval');
    await expect
      .poll(() => page.getByTestId('workflow-title').textContent())
      .toBe('Sub-workflow (reusable child): editor pass and human sign-off');
    await page.locator('[data-testid=canvas-node][data-node-id="sign_off"]').waitFor();
    const crumb = page.getByTestId('breadcrumb-0');
    expect(await crumb.textContent()).toBe('Sub-workflow: a newsletter that calls a reusable sign-off workflow');
    await screenshot(page, 'subworkflow-child-open');

    // Back to the parent; no breadcrumb there.
    await crumb.click();
    await expect.poll(() => hashOf(page)).toBe('#/w/subworkflow-newsletter');
    await page.locator('[data-testid=canvas-node][data-node-id="sign_off_call"]').waitFor();
    expect(await page.getByTestId('subworkflow-breadcrumb').count()).toBe(0);
  });

  it('pauses a debug run of the parent at a breakpoint set in the child, steps inside it and lists its nested checkpoints', async () => {
    errors = [];
    page = await newPage(stack, errors);
    const node = (id: string) => page.locator(`[data-testid=canvas-node][data-node-id="${id}"]`);
    const debugRun = () => page.getByTestId('debug-run');
    const nextPause = async (previous: string) => {
      await page.waitForFunction((prev) => {
        const el = document.querySelector('[data-testid=debug-run]');
        return el?.getAttribute('data-paused') === 'true' && el.getAttribute('data-paused-next') !== prev;
      }, previous);
      return (await debugRun().getAttribute('data-paused-next')) ?? '';
    };
    // A breakpoint on the child's own canvas, before its editor pass.
    await page.goto(`${stack.url}/#/w/subworkflow-approval`);
    await node('tighten').waitFor();
    await page.getByTestId('debug-toggle').click();
    await page.getByTestId('debug-dock').waitFor();
    await node('tighten').getByTestId('bp-before').click();
    expect(await node('tighten').getByTestId('bp-before').getAttribute('data-on')).toBe('true');

    // The parent's debug run sends it by path and pauses inside the child; the calling node is marked next.
    await page.goto(`${stack.url}/#/w/subworkflow-newsletter`);
    await node('sign_off_call').waitFor();
    if ((await page.getByTestId('debug-dock').count()) === 0) await page.getByTestId('debug-toggle').click();
    await page.getByTestId('debug-dock').waitFor();
    const topic = page.getByTestId('debug-dock').getByTestId('run-input-topic');
    if ((await topic.count()) > 0) await topic.fill('CSV exports');
    await page.getByTestId('debug-run-button').click();
    expect(await nextPause('')).toBe('sign_off_call › tighten');
    const runId = (await debugRun().getAttribute('data-run-id')) ?? '';
    const stored = (await api<{ paused?: { next: string[] }; threadId: string }>(stack, `/v1/runs/${runId}`)).body;
    expect(stored.paused?.next).toEqual(['sign_off_call › tighten']);
    await expect.poll(() => node('sign_off_call').getAttribute('data-debug')).toBe('next');

    // Step: the child's editor pass runs, the pause moves to the human sign-off inside the child.
    await page.getByTestId('debug-step').click();
    expect(await nextPause('sign_off_call › tighten')).toBe('sign_off_call › sign_off');

    // The parent's step that runs the call lists the child's checkpoints, each with its state.
    const history = (
      await api<{ items: { checkpointId: string; tasks: { nodeId: string; checkpointNs?: string }[] }[] }>(
        stack,
        `/v1/threads/${stored.threadId}/history?limit=100`,
      )
    ).body.items;
    const calling = history.find((c) => c.tasks.some((t) => t.checkpointNs));
    if (!calling) throw new Error('no checkpoint runs the sub-workflow');
    await page.getByTestId('timeline-refresh').click();
    const row = page.locator(`[data-testid=checkpoint][data-checkpoint-id="${calling.checkpointId}"]`);
    await row.click();
    expect(await row.getByTestId('cp-nested').count()).toBe(1);
    const nested = page.getByTestId('nested-checkpoint');
    await expect.poll(() => nested.count()).toBeGreaterThanOrEqual(2);
    const nexts = await nested.evaluateAll((els) => els.map((e) => e.getAttribute('data-next')));
    expect(nexts).toContain('sign_off_call › tighten');
    expect(nexts).toContain('sign_off_call › sign_off');
    await nested.nth(nexts.indexOf('sign_off_call › sign_off')).click();
    await expect.poll(() => page.getByTestId('nested-checkpoints').locator('[data-channel=edited]').count()).toBe(1);
    await screenshot(page, 'subworkflow-debug-nested-checkpoints');
  });
});
