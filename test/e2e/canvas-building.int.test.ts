import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { RUN_BROWSER_TESTS, api, newPage, screenshot, startStack } from './stack.js';
import type { Stack } from './stack.js';

interface StoredDoc {
  nodes: { id: string; type: string; label: string; position: { x: number; y: number } }[];
  edges: { source: string; target: string }[];
  notes?: { id: string; text: string }[];
  groups?: { id: string; nodes: string[] }[];
}

const WORKFLOW = {
  id: 'canvas-building',
  name: 'Canvas building',
  state: { topic: { type: 'string' }, answer: { type: 'string' } },
  nodes: [
    {
      id: 'start',
      type: 'start',
      label: 'Topic',
      position: { x: 0, y: 100 },
      config: { inputs: [{ channel: 'topic', label: 'Topic' }] },
    },
    { id: 'writer', type: 'llm', label: 'Writer', position: { x: 320, y: 100 }, config: { output: 'answer' } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'writer' }],
};

const card = (page: Page, id: string) => page.locator(`[data-testid=canvas-node][data-node-id="${id}"]`);

describe.runIf(RUN_BROWSER_TESTS)('building on the canvas, by mouse and keyboard', () => {
  let stack: Stack;
  let page: Page;
  let errors: string[] = [];
  let workflowId = '';

  beforeAll(async () => {
    stack = await startStack({ examples: false });
    const created = await api<{ id: string }>(stack, '/v1/workflows', { method: 'POST', body: { document: WORKFLOW } });
    expect(created.status).toBe(201);
    workflowId = created.body.id;
    errors = [];
    page = await newPage(stack, errors);
    await page.goto(`${stack.url}/#/w/${workflowId}`);
    await card(page, 'writer').waitFor();
  }, 120_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshot(page, `failed-canvas-${ctx.task.name.slice(0, 30)}`);
    expect(errors).toEqual([]);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const docNodes = () =>
    page.evaluate(() =>
      Array.from(document.querySelectorAll('[data-testid=canvas-node]')).map((n) => ({
        id: n.getAttribute('data-node-id') ?? '',
        type: n.getAttribute('data-node-type') ?? '',
        label: n.querySelector('[data-testid=node-label]')?.textContent ?? '',
      })),
    );

  it('drags from an output into empty canvas, picks a node type, and gets it connected', async () => {
    const out = card(page, 'writer').locator('.port-out').first();
    const box = (await out.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 160, box.y + 120, { steps: 8 });
    await page.mouse.up();
    await page.getByTestId('quick-add').waitFor();
    // Only types that can take this edge: no start node.
    expect(await page.getByTestId('quick-add-item-start').count()).toBe(0);
    await page.getByTestId('quick-add-search').fill('end');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=canvas-node][data-node-type=end]').waitFor();
    const end = (await docNodes()).find((n) => n.type === 'end')!;
    await expect
      .poll(() => page.locator(`[data-edge-route][data-source=writer][data-target="${end.id}"]`).count())
      .toBe(1);
  });

  it('adds a node from the command palette (Ctrl+K)', async () => {
    const before = await page.locator('[data-testid=canvas-node][data-node-type=transform]').count();
    await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
    await page.keyboard.press('Control+k');
    await page.getByTestId('command-palette-search').fill('add transform');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('[data-testid=canvas-node][data-node-type=transform]').count())
      .toBe(before + 1);
    // "/" opens it too; Escape closes it.
    await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
    await page.keyboard.press('/');
    await page.getByTestId('command-palette').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('command-palette').waitFor({ state: 'detached' });
  });

  it('duplicates a node from its context menu, with a fresh label', async () => {
    await card(page, 'writer').locator('[data-testid=node-label]').click({ button: 'right' });
    await page.getByTestId('menu-duplicate').click();
    await expect.poll(async () => (await docNodes()).filter((n) => n.label === 'Writer 2').length).toBe(1);
    expect((await docNodes()).filter((n) => n.label === 'Writer').length).toBe(1);
    // Beside the original, not on top of it.
    const copyId = (await docNodes()).find((n) => n.label === 'Writer 2')!.id;
    const a = (await card(page, 'writer').boundingBox())!;
    const b = (await card(page, copyId).boundingBox())!;
    expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
  });

  it('pastes at the pointer, with fresh labels', async () => {
    await card(page, 'writer').locator('[data-testid=node-label]').click();
    await page.keyboard.press('Control+c');
    const pane = (await page.getByTestId('canvas').boundingBox())!;
    const at = { x: pane.x + pane.width * 0.3, y: pane.y + pane.height * 0.8 };
    await page.mouse.move(at.x, at.y, { steps: 4 });
    await page.keyboard.press('Control+v');
    await expect.poll(async () => (await docNodes()).filter((n) => n.label === 'Writer 3').length).toBe(1);
    const id = (await docNodes()).find((n) => n.label === 'Writer 3')!.id;
    const pasted = (await card(page, id).boundingBox())!;
    // The card's top-left corner is where the pointer was.
    expect(Math.abs(pasted.x - at.x)).toBeLessThan(6);
    expect(Math.abs(pasted.y - at.y)).toBeLessThan(6);
  });

  it('keeps a sticky note through save and reload', async () => {
    await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
    await page.keyboard.press('Control+k');
    await page.getByTestId('command-palette-search').fill('sticky');
    await page.keyboard.press('Enter');
    const note = page.getByTestId('sticky-note');
    await note.waitFor();
    await note.getByRole('button', { name: 'Edit note' }).click();
    await page.getByTestId('note-editor').fill('## Why\nThe writer drafts, **the reviewer** checks.');
    await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
    await page.keyboard.press('Control+s');
    await page.getByTestId('dirty-marker').waitFor({ state: 'detached' });
    const stored = (await api<{ document: StoredDoc }>(stack, `/v1/workflows/${workflowId}`)).body.document;
    expect(stored.notes?.map((n) => n.text)).toEqual(['## Why\nThe writer drafts, **the reviewer** checks.']);
    await page.reload();
    await page.getByTestId('sticky-note').waitFor();
    // Rendered as Markdown.
    expect(await page.locator('[data-testid=note-text] h4').textContent()).toBe('Why');
    expect(await page.locator('[data-testid=note-text] strong').textContent()).toBe('the reviewer');
  });

  it('groups nodes in a frame that moves them', async () => {
    await card(page, 'start').locator('[data-testid=node-label]').click();
    await card(page, 'writer')
      .locator('[data-testid=node-label]')
      .click({ modifiers: ['Shift'] });
    await card(page, 'writer').locator('[data-testid=node-label]').click({ button: 'right' });
    await page.getByTestId('menu-group').click();
    const head = page.getByTestId('group-head');
    await head.waitFor();
    const before = {
      start: (await card(page, 'start').boundingBox())!,
      writer: (await card(page, 'writer').boundingBox())!,
    };
    const h = (await head.boundingBox())!;
    const frame = page.getByTestId('group-frame');
    const frameBefore = (await frame.boundingBox())!;
    await page.mouse.move(h.x + 20, h.y + h.height / 2);
    await page.mouse.down();
    await page.mouse.move(h.x + 80, h.y + h.height / 2 + 50, { steps: 8 });
    await page.mouse.up();
    const after = {
      start: (await card(page, 'start').boundingBox())!,
      writer: (await card(page, 'writer').boundingBox())!,
    };
    const frameAfter = (await frame.boundingBox())!;
    const moved = { x: frameAfter.x - frameBefore.x, y: frameAfter.y - frameBefore.y };
    expect(moved.x).toBeGreaterThan(30);
    expect(moved.y).toBeGreaterThan(30);
    // Its nodes moved with it, by as much.
    for (const k of ['start', 'writer'] as const) {
      expect(Math.abs(after[k].x - before[k].x - moved.x)).toBeLessThan(1.5);
      expect(Math.abs(after[k].y - before[k].y - moved.y)).toBeLessThan(1.5);
    }
    await page.keyboard.press('Control+s');
    await page.getByTestId('dirty-marker').waitFor({ state: 'detached' });
    const stored = (await api<{ document: StoredDoc }>(stack, `/v1/workflows/${workflowId}`)).body.document;
    expect(stored.groups?.[0]?.nodes.sort()).toEqual(['start', 'writer']);
    await screenshot(page, 'canvas-building');
  });
});
