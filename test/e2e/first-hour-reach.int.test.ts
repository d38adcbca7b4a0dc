import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { api, newPage, screenshot, startStack, RUN_BROWSER_TESTS } from './stack.js';
import type { Stack } from './stack.js';

interface Listed {
  items: { id: string; name: string }[];
}

/** Issue 13 item 1: nothing lost, everything reachable — the list page, names, recovery, import. */
describe.runIf(RUN_BROWSER_TESTS)('first hour: everything reachable', () => {
  let stack: Stack;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    stack = await startStack();
    // More workflows than one page of the list (25), so reaching them all takes scrolling.
    for (let i = 1; i <= 16; i++)
      await api(stack, '/v1/workflows', {
        method: 'POST',
        body: { document: { id: `extra-${i}`, name: `Extra workflow ${i}`, nodes: [] } },
      });
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

  const open = async (hash: string, size = { width: 1280, height: 800 }) => {
    errors = [];
    page = await newPage(stack, errors);
    await page.setViewportSize(size);
    await page.goto(`${stack.url}/${hash}`);
    return page;
  };

  const inViewport = async (testId: string, index: number) => {
    const box = await page.getByTestId(testId).nth(index).boundingBox();
    const vp = page.viewportSize();
    return !!box && !!vp && box.y >= 0 && box.y + box.height <= vp.height && box.height > 20;
  };

  for (const size of [
    { width: 1024, height: 700 },
    { width: 1440, height: 900 },
  ]) {
    it(`shows the workflows first and scrolls to every one at ${size.width}×${size.height}`, async () => {
      await open('', size);
      const stored = (await api<Listed>(stack, '/v1/workflows?limit=100')).body.items;
      expect(stored.length).toBeGreaterThanOrEqual(30);
      const rows = page.getByTestId('workflow-row');
      await expect.poll(() => rows.count()).toBeGreaterThan(0);
      // The first workflow is visible without scrolling, above the templates.
      expect(await inViewport('workflow-row', 0)).toBe(true);
      const firstRow = await rows.first().boundingBox();
      const templates = await page.getByTestId('template-list').boundingBox();
      expect(firstRow && templates && firstRow.y < templates.y).toBe(true);
      await screenshot(page, `first-hour-list-${size.width}`);
      // Scroll with the mouse wheel until each row has been on screen.
      const seen = new Set<number>();
      for (let step = 0; step < 60 && seen.size < stored.length; step++) {
        const listed = await rows.count();
        for (let i = 0; i < listed; i++) if (!seen.has(i) && (await inViewport('workflow-row', i))) seen.add(i);
        await page.mouse.move(size.width / 2, size.height / 2);
        await page.mouse.wheel(0, size.height / 2);
        await page.waitForTimeout(50);
      }
      expect(seen.size).toBe(stored.length);
      // Every stored workflow was listed once.
      const names = await page.getByTestId('workflow-name').allTextContents();
      expect(names.sort()).toEqual(stored.map((w) => w.name).sort());
      await screenshot(page, `first-hour-list-${size.width}-scrolled`);
    });
  }

  it('opens templates as distinctly named copies', async () => {
    await open('');
    const card = page.getByTestId('template-card').first();
    const name = (await card.locator('strong').textContent()) ?? '';
    await card.click();
    await page.getByTestId('editor-page').waitFor();
    await expect.poll(() => page.getByTestId('workflow-title').textContent()).toBe(`${name} (copy)`);
    await page.goto(`${stack.url}/#/`);
    await page.getByTestId('template-card').first().click();
    await expect.poll(() => page.getByTestId('workflow-title').textContent()).toBe(`${name} (copy 2)`);
  });

  it('refuses an empty name at the field and keeps the last valid one', async () => {
    const created = await api<{ id: string }>(stack, '/v1/workflows', {
      method: 'POST',
      body: { document: { id: 'named', name: 'Named', nodes: [] } },
    });
    await open(`#/w/${created.body.id}`);
    await page.getByTestId('editor-page').waitFor();
    await page.getByTestId('workflow-name-input').fill('');
    await expect.poll(() => page.getByTestId('field-problem').first().textContent()).toContain('needs a name');
    expect(await page.getByTestId('workflow-title').textContent()).toBe('Named');
    expect(await page.getByTestId('dirty-marker').count()).toBe(0);
  });

  it('keeps invalid field content visible and refuses to save it until fixed', async () => {
    const created = await api<{ id: string; version: number }>(stack, '/v1/workflows', {
      method: 'POST',
      body: { document: { id: 'drafty', name: 'Drafty', nodes: [], state: { data: { type: 'json' } } } },
    });
    await open(`#/w/${created.body.id}`);
    await page.getByTestId('editor-page').waitFor();
    const field = page.getByTestId('channel-default-data');
    await field.fill('{"oops":');
    await field.press('Tab');
    await expect.poll(() => page.getByTestId('field-problem').first().textContent()).toContain('Default of “data”');
    expect(await field.getAttribute('class')).toContain('invalid');
    expect(await field.inputValue()).toBe('{"oops":');
    await page.getByTestId('workflow-name-input').fill('Drafty 2');
    await page.getByTestId('save').click();
    await expect.poll(() => page.getByTestId('toast-error').textContent()).toContain('Not saved');
    expect(await page.getByTestId('dirty-marker').count()).toBe(1);
    const unchanged = await api<{ version: number }>(stack, `/v1/workflows/${created.body.id}`);
    expect(unchanged.body.version).toBe(created.body.version);
    await field.fill('{"ok": 1}');
    await field.press('Tab');
    await page.getByTestId('save').click();
    await page.getByTestId('dirty-marker').waitFor({ state: 'detached' });
    const saved = await api<{ document: { name: string; state: Record<string, { default?: unknown }> } }>(
      stack,
      `/v1/workflows/${created.body.id}`,
    );
    expect(saved.body.document).toMatchObject({ name: 'Drafty 2', state: { data: { default: { ok: 1 } } } });
  });

  it('opens a stored document the canvas cannot show in the recovery view, fixed and saved', async () => {
    const created = await api<{ id: string; version: number }>(stack, '/v1/workflows', {
      method: 'POST',
      body: {
        document: {
          id: 'broken',
          name: '',
          nodes: [{ id: 'start_1', type: 'start', position: { x: 0, y: 0 }, config: {} }],
        },
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await open(`#/w/${id}`);
    await page.getByTestId('recovery-page').waitFor();
    await expect.poll(() => page.getByTestId('recovery-problems').textContent()).toContain('name');
    expect(await page.getByTestId('recovery-save').isDisabled()).toBe(true);
    await page.locator('[data-testid=recovery-json] .monaco-editor').waitFor();
    await screenshot(page, 'first-hour-recovery');
    await page.getByTestId('recovery-fix').click();
    await page.getByTestId('recovery-ok').waitFor();
    await page.getByTestId('recovery-save').click();
    await page.getByTestId('editor-page').waitFor();
    await expect.poll(() => page.locator('[data-testid=canvas-node]').count()).toBe(1);
    const stored = await api<{ version: number; document: { name: string } }>(stack, `/v1/workflows/${id}`);
    expect(stored.body).toMatchObject({ version: created.body.version + 1, document: { name: 'Recovered workflow' } });
  });

  it('reports import syntax errors with line and column and never stores a non-workflow', async () => {
    await open('');
    await page.getByTestId('workflow-row').first().waitFor();
    const before = (await api<Listed>(stack, '/v1/workflows?limit=100')).body.items.length;
    const importText = async (name: string, text: string) => {
      await page
        .getByTestId('import-file')
        .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
      const toast = page.getByTestId('toast-error');
      await toast.waitFor();
      const message = (await toast.textContent()) ?? '';
      await toast.click();
      await toast.waitFor({ state: 'detached' });
      return message;
    };
    expect(await importText('broken.json', '{\n  "id": "x",\n  "name": oops\n}')).toContain(
      'broken.json is not valid JSON: line 3, column 11',
    );
    expect(await importText('shape.json', '{"hello": "world"}')).toMatch(/shape\.json is not a workflow: .*id/);
    expect((await api<Listed>(stack, '/v1/workflows?limit=100')).body.items.length).toBe(before);
  });
});
