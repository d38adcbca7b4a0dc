import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { RUN_BROWSER_TESTS, newPage, screenshot, startStack } from './stack.js';
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
});
