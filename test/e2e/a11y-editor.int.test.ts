import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { RUN_BROWSER_TESTS, newPage, screenshot, startStack } from './stack.js';
import type { Stack } from './stack.js';
import { describeFindings, seriousViolations } from './axe.js';
import { runFromPanel } from './canvas-actions.js';

const THEMES = ['light', 'dark'] as const;

describe.runIf(RUN_BROWSER_TESTS)('accessibility (axe-core: no serious or critical violations)', () => {
  let stack: Stack;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    stack = await startStack();
    page = await newPage(stack, errors);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const withTheme = async (hash: string, theme: (typeof THEMES)[number]) => {
    await page.goto(`${stack.url}/${hash}`);
    await page.evaluate((t) => localStorage.setItem('flowcraft.theme', t), theme);
    await page.reload();
    await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme);
  };

  const check = async (name: string) => {
    await screenshot(page, `a11y-${name}`);
    expect(describeFindings(await seriousViolations(page)).map((f) => `${name}: ${f}`)).toEqual([]);
  };

  it.each(THEMES)('list page, %s', async (theme) => {
    await withTheme('#/', theme);
    await page.locator('main').first().waitFor();
    expect(await page.locator('h1').count()).toBeGreaterThan(0);
    await check(`list-${theme}`);
  });

  it.each(THEMES)('canvas, run panel and debugger, %s', async (theme) => {
    await withTheme('#/w/reflection', theme);
    await page.locator('[data-testid=canvas-node]').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-edge-route]').length > 0);
    expect(await page.locator('main').count()).toBe(1);
    expect(await page.locator('h1').count()).toBe(1);
    await check(`canvas-${theme}`);

    await runFromPanel(page);
    await check(`run-panel-${theme}`);

    await page.getByTestId('debug-toggle').click();
    await page.getByTestId('debug-dock').waitFor();
    await page.locator('[data-testid=debug-dock] .timeline-row').first().waitFor();
    await page.locator('[data-testid=debug-dock] .timeline-row').first().click();
    await check(`debugger-${theme}`);
    await page.getByTestId('debug-toggle').click();
  });

  it('shows where the keyboard is (a visible focus ring)', async () => {
    await withTheme('#/w/reflection', 'light');
    await page.locator('[data-testid=canvas-node]').first().waitFor();
    await page.getByTestId('palette-search').focus();
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => {
      const el = document.activeElement;
      if (!(el instanceof HTMLElement)) return null;
      const s = getComputedStyle(el);
      return { tag: el.tagName, outline: s.outlineStyle, width: s.outlineWidth };
    });
    expect(ring?.tag).toBe('BUTTON');
    expect(ring?.outline).not.toBe('none');
    expect(Number.parseFloat(ring?.width ?? '0')).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
  });
});
