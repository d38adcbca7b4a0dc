import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { api, newPage, screenshot, startStack, RUN_BROWSER_TESTS } from './stack.js';
import type { Stack } from './stack.js';

/**
 * Issue 17: the Knowledge page. Create a knowledge base (offline scripted embedder), add two documents
 * by typing, query it and read the chunks with their citations; the stored rows are checked over the API.
 */
describe.runIf(RUN_BROWSER_TESTS)('knowledge page', () => {
  let stack: Stack;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    stack = await startStack({ examples: false });
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

  it('creates a knowledge base, adds documents and answers a query with citations', async () => {
    errors = [];
    page = await newPage(stack, errors);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${stack.url}/`);
    await page.getByTestId('open-knowledge').click();
    await page.getByTestId('knowledge-page').waitFor();

    await page.getByTestId('kb-name').fill('Office handbook');
    await page.getByTestId('kb-create').click();
    await expect.poll(() => page.getByTestId('kb-title').textContent()).toBe('Office handbook');
    expect(page.url()).toMatch(/#\/knowledge\/[^/]+$/);

    await page.getByTestId('doc-source').fill('wifi.md');
    await page
      .getByTestId('doc-content')
      .fill('# Wi-Fi\n\nThe guest Wi-Fi network is called Harbor and its password is printed at reception.\n');
    await page.getByTestId('doc-add').click();
    await expect.poll(() => page.getByTestId('doc-row').count()).toBe(1);
    await page.getByTestId('doc-source').fill('kitchen.html');
    await page
      .getByTestId('doc-content')
      .fill('<h1>Kitchen</h1><p>The coffee machine is descaled every Friday by the facilities team.</p>');
    await page.getByTestId('doc-add').click();
    await expect.poll(() => page.getByTestId('doc-row').count()).toBe(2);
    await expect.poll(() => page.getByTestId('kb-item').first().textContent()).toContain('2 documents');

    await page.getByTestId('query-input').fill('when is the coffee machine descaled');
    await page.getByTestId('query-run').click();
    await page.getByTestId('query-result').first().waitFor();
    expect(await page.getByTestId('query-citation').first().textContent()).toBe('kitchen.html:1-3');
    expect(await page.getByTestId('query-result').first().textContent()).toContain('descaled every Friday');
    await screenshot(page, 'knowledge-page-query');

    // What the page did is what the engine stored.
    const kbId = decodeURIComponent(/#\/knowledge\/([^/]+)$/.exec(page.url())?.[1] ?? '');
    const stored = await api<{ documents: { source: string; chunkCount: number }[] }>(stack, `/v1/knowledge/${kbId}`);
    expect(stored.body.documents.map((d) => d.source)).toEqual(['kitchen.html', 'wifi.md']);
    expect(stored.body.documents.every((d) => d.chunkCount >= 1)).toBe(true);

    // Back to the workflow list.
    await page.getByTestId('back-to-workflows').click();
    await page.getByTestId('workflows-page').waitFor();
  }, 90_000);
});
