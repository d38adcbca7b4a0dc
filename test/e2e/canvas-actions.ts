import type { Locator, Page } from 'playwright-core';

async function centerOf(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('element is not visible');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drag a palette item onto the canvas (HTML5 drag and drop) at a point relative to the canvas. */
export async function dropFromPalette(page: Page, type: string, at: { x: number; y: number }): Promise<string> {
  const before = await page.locator('[data-testid=canvas-node]').count();
  await page.dragAndDrop(`[data-testid=palette-item-${type}]`, '[data-testid=canvas]', { targetPosition: at });
  await page.locator('[data-testid=canvas-node]').nth(before).waitFor();
  const id = await page.locator('[data-testid=node-inspector]').getAttribute('data-node-id');
  if (!id) throw new Error(`no node selected after dropping ${type}`);
  return id;
}

export function handle(page: Page, nodeId: string, kind: 'in' | 'out', port: string): Locator {
  return page.locator(`[data-testid=canvas-node][data-node-id="${nodeId}"] [data-testid=handle-${kind}-${port}]`);
}

/** Drag a connection from an output handle to an input handle with the mouse, as a user does. */
export async function connect(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = await centerOf(from);
  const b = await centerOf(to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 6 });
  await page.mouse.move(b.x, b.y, { steps: 6 });
  await page.mouse.up();
}

/** Replace the text of a Monaco field (waits for Monaco, which loads lazily). */
export async function typeInMonaco(page: Page, testId: string, text: string): Promise<void> {
  const editor = page.locator(`[data-testid="${testId}"] .monaco-editor`);
  await editor.waitFor();
  await editor.locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}

export async function selectNode(page: Page, nodeId: string): Promise<void> {
  await page.locator(`[data-testid=canvas-node][data-node-id="${nodeId}"] [data-testid=node-label]`).click();
  await page.locator(`[data-testid=node-inspector][data-node-id="${nodeId}"]`).waitFor();
}

export async function nodeStatus(page: Page, nodeId: string): Promise<string | null> {
  return page.locator(`[data-testid=canvas-node][data-node-id="${nodeId}"]`).getAttribute('data-status');
}

/** Start a run from the run panel and wait until it is no longer queued or running. */
export async function runFromPanel(page: Page, inputs: Record<string, string> = {}): Promise<string> {
  await page.getByTestId('tab-run').click();
  const previous = await page
    .locator('[data-testid=run-status]')
    .getAttribute('data-run-id', { timeout: 500 })
    .catch(() => null);
  for (const [channel, value] of Object.entries(inputs)) await page.getByTestId(`run-input-${channel}`).fill(value);
  await page.getByTestId('run-button').click();
  const status = page.locator('[data-testid=run-status]');
  await page.waitForFunction((prev) => {
    const el = document.querySelector('[data-testid=run-status]');
    const id = el?.getAttribute('data-run-id');
    const s = el?.getAttribute('data-status');
    return id && id !== prev && s && s !== 'queued' && s !== 'running';
  }, previous);
  const runId = await status.getAttribute('data-run-id');
  if (!runId) throw new Error('no run id');
  return runId;
}
