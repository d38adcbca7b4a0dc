import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EXAMPLES_DIR, api, newPage, screenshot, startStack, RUN_BROWSER_TESTS } from './stack.js';
import type { Stack } from './stack.js';
import {
  connect,
  dropFromPalette,
  handle,
  nodeStatus,
  runFromPanel,
  selectNode,
  typeInMonaco,
} from './canvas-actions.js';

interface StoredWorkflow {
  id: string;
  version: number;
  valid: boolean;
  document: {
    nodes: {
      id: string;
      type: string;
      label: string;
      position: { x: number; y: number };
      config: Record<string, unknown>;
    }[];
    edges: { source: string; sourceHandle?: string; target: string }[];
  };
  problems: unknown[];
}
interface StoredRun {
  status: string;
  output: Record<string, unknown> | null;
}

const workflowIdOf = (page: Page) => decodeURIComponent(/#\/w\/([^/]+)/.exec(page.url())?.[1] ?? '');

describe.runIf(RUN_BROWSER_TESTS)('the editor in Chromium against a real engine', () => {
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

  const open = async (hash = '') => {
    errors = [];
    page = await newPage(stack, errors);
    await page.goto(`${stack.url}/${hash}`);
    return page;
  };

  it('builds a router workflow from an empty canvas, saves it, reloads it unchanged and runs it', async () => {
    await open();
    await page.getByTestId('new-workflow').click();
    await page.getByTestId('dialog-input').fill('E2E greeting router');
    await page.getByTestId('dialog-confirm').click();
    await page.getByTestId('editor-page').waitFor();
    await expect.poll(() => page.getByTestId('workflow-title').textContent()).toBe('E2E greeting router');
    const workflowId = workflowIdOf(page);
    expect(workflowId).not.toBe('');
    expect(await page.locator('[data-testid=canvas-node]').count()).toBe(0);

    // State channels, in the workflow inspector.
    for (const name of ['input', 'output']) {
      await page.getByTestId('new-channel-name').fill(name);
      await page.getByTestId('add-channel').click();
      await page.getByTestId(`channel-${name}`).waitFor();
    }

    // Drag the nodes from the palette; each dropped node opens in the inspector.
    // A dropped start node comes with one run input, `input` (issue 13: zero-config state).
    const start = await dropFromPalette(page, 'start', { x: 120, y: 120 });
    expect(await page.getByTestId('field-inputs.0.channel').inputValue()).toBe('input');

    const router = await dropFromPalette(page, 'router', { x: 120, y: 330 });
    await page.getByTestId('node-label-input').fill('Greeting?');
    await page.getByTestId('field-mode').selectOption('rules');
    await page.getByTestId('field-routes.0.id').fill('greet');
    await page.getByTestId('field-routes.0.label').fill('Greet');
    await page.getByTestId('field-routes.0.when').fill('$contains(state.input, "hello")');

    const greeter = await dropFromPalette(page, 'llm', { x: 440, y: 200 });
    await page.getByTestId('node-label-input').fill('Greeter');
    // The model picker lists the engine's providers (GET /v1/models): the scripted one, labelled.
    const picker = page.getByTestId('field-model-picker');
    await expect
      .poll(async () => (await picker.locator('option').allTextContents()).join('|'))
      .toContain('scripted:default — scripted');
    await picker.selectOption('scripted:default');
    await expect.poll(async () => await page.getByTestId('field-model-info').textContent()).toMatch(/Scripted model/);
    await typeInMonaco(page, 'field-prompt', 'Greeting: {{ state.input }}');

    const fallback = await dropFromPalette(page, 'llm', { x: 440, y: 440 });
    await page.getByTestId('node-label-input').fill('Fallback');

    const end = await dropFromPalette(page, 'end', { x: 220, y: 650 });
    await page.getByTestId('field-add-outputs').click();
    await page.getByTestId('field-outputs.0').fill('greeter');
    expect([start, router, greeter, fallback, end]).toEqual(['start_1', 'router_1', 'llm_1', 'llm_2', 'end_1']);

    // The router's outputs are labelled handles computed from its routes.
    await expect
      .poll(() => page.locator(`[data-node-id=${router}] .port-label`).allTextContents())
      .toEqual(['Greet', 'fallback', 'on error']);

    // Wire it up by dragging between handles.
    await connect(page, handle(page, start, 'out', 'out'), handle(page, router, 'in', 'in'));
    await connect(page, handle(page, router, 'out', 'greet'), handle(page, greeter, 'in', 'in'));
    await connect(page, handle(page, router, 'out', 'fallback'), handle(page, fallback, 'in', 'in'));
    await connect(page, handle(page, greeter, 'out', 'out'), handle(page, end, 'in', 'in'));
    await connect(page, handle(page, fallback, 'out', 'out'), handle(page, end, 'in', 'in'));
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(5);
    await expect.poll(() => page.getByTestId('problems-count').textContent(), { timeout: 5000 }).toContain('valid');
    expect(await page.getByTestId('dirty-marker').isVisible()).toBe(true);

    await page.getByTestId('save').click();
    await page.getByTestId('dirty-marker').waitFor({ state: 'detached' });
    const saved = await api<StoredWorkflow>(stack, `/v1/workflows/${workflowId}`);
    expect(saved.body).toMatchObject({ version: 2, valid: true, problems: [] });
    const doc = saved.body.document;
    expect(doc.nodes.map((n) => [n.id, n.type, n.label])).toEqual([
      ['start_1', 'start', 'Start'],
      ['router_1', 'router', 'Greeting?'],
      ['llm_1', 'llm', 'Greeter'],
      ['llm_2', 'llm', 'Fallback'],
      ['end_1', 'end', 'End'],
    ]);
    expect(doc.nodes[1]?.config).toMatchObject({
      mode: 'rules',
      routes: [{ id: 'greet', label: 'Greet', when: '$contains(state.input, "hello")' }],
    });
    // Each LLM writes a channel named after its label, declared for it.
    expect(doc.nodes[2]?.config).toMatchObject({ prompt: 'Greeting: {{ state.input }}', output: 'greeter' });
    expect(doc.edges.map((e) => `${e.source}:${e.sourceHandle ?? ''}>${e.target}`).sort()).toEqual(
      [
        'start_1:out>router_1',
        'router_1:greet>llm_1',
        'router_1:fallback>llm_2',
        'llm_1:out>end_1',
        'llm_2:out>end_1',
      ].sort(),
    );

    // Reload: the same workflow comes back, nothing to save.
    await page.reload();
    await expect.poll(() => page.locator('[data-testid=canvas-node]').count()).toBe(5);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(5);
    expect(await page.getByTestId('dirty-marker').count()).toBe(0);
    expect(await page.locator('[data-testid=canvas-node] [data-testid=node-label]').allTextContents()).toEqual([
      'Start',
      'Greeting?',
      'Greeter',
      'Fallback',
      'End',
    ]);
    await selectNode(page, router);
    expect(await page.getByTestId('field-mode').inputValue()).toBe('rules');
    expect(await page.getByTestId('field-routes.0.when').inputValue()).toBe('$contains(state.input, "hello")');
    const afterReload = await api<StoredWorkflow>(stack, `/v1/workflows/${workflowId}`);
    expect(afterReload.body.version).toBe(2);
    expect(afterReload.body.document).toEqual(doc);

    // Run it: live status per node, the output in the panel and in the engine.
    const runId = await runFromPanel(page, { input: 'hello world' });
    expect(await page.locator('[data-testid=run-status]').getAttribute('data-status')).toBe('completed');
    expect(await nodeStatus(page, start)).toBe('done');
    expect(await nodeStatus(page, router)).toBe('done');
    expect(await nodeStatus(page, greeter)).toBe('done');
    expect(await nodeStatus(page, fallback)).toBe('idle');
    expect(await nodeStatus(page, end)).toBe('done');
    expect(await page.getByTestId('run-output').textContent()).toContain('Greeting: hello world');
    const run = await api<StoredRun>(stack, `/v1/runs/${runId}`);
    expect(run.body).toMatchObject({ status: 'completed', output: { greeter: 'Greeting: hello world' } });
    // Per-node output on click.
    await page.locator(`[data-testid=node-run][data-node-id=${router}]`).click();
    expect(await page.getByTestId('node-output').textContent()).toContain(`Took: ${greeter}`);
    await screenshot(page, 'editor-build-router-and-run');
  });

  it('imports an example file and runs it', async () => {
    await open();
    await page.getByTestId('workflow-row').first().waitFor();
    await page.getByTestId('import-file').setInputFiles(join(EXAMPLES_DIR, 'sequential-pipeline.json'));
    await page.getByTestId('editor-page').waitFor();
    await expect.poll(() => page.locator('[data-testid=canvas-node]').count()).toBeGreaterThan(2);
    const workflowId = workflowIdOf(page);
    expect(workflowId).not.toBe('sequential-pipeline'); // the example is already there: imported as a copy
    const stored = await api<StoredWorkflow>(stack, `/v1/workflows/${workflowId}`);
    const example = JSON.parse(readFileSync(join(EXAMPLES_DIR, 'sequential-pipeline.json'), 'utf8')) as {
      nodes: { id: string }[];
    };
    expect(stored.body.document.nodes.map((n) => n.id)).toEqual(example.nodes.map((n) => n.id));

    const runId = await runFromPanel(page);
    expect(await page.locator('[data-testid=run-status]').getAttribute('data-status')).toBe('completed');
    for (const n of example.nodes) expect(await nodeStatus(page, n.id)).toBe('done');
    const run = await api<StoredRun>(stack, `/v1/runs/${runId}`);
    expect(run.body.status).toBe('completed');
    expect(typeof run.body.output?.draft).toBe('string');
    expect(await page.getByTestId('run-output').textContent()).toContain(String(run.body.output?.draft).slice(0, 40));
    await screenshot(page, 'editor-import-and-run');
  });

  it('answers a human approval in the UI, also after reloading while the run waits', async () => {
    await open('#/w/human-approval');
    await expect.poll(() => page.locator('[data-testid=canvas-node]').count()).toBe(6);
    const runId = await runFromPanel(page);
    expect(await page.locator('[data-testid=run-status]').getAttribute('data-status')).toBe('interrupted');
    expect(await nodeStatus(page, 'review')).toBe('interrupted');
    expect(await nodeStatus(page, 'write_draft')).toBe('done');

    // Reload during the run: the editor picks the run up where it is.
    await page.reload();
    const card = page.locator('[data-testid=interrupt][data-node-id=review]');
    await card.waitFor();
    expect(await page.locator('[data-testid=run-status]').getAttribute('data-run-id')).toBe(runId);
    expect(await card.getByTestId('interrupt-message').textContent()).toContain('Publish this announcement?');
    await expect.poll(() => nodeStatus(page, 'review')).toBe('interrupted');
    await screenshot(page, 'editor-human-approval-waiting');

    await card.getByTestId('approve').click();
    await page.locator('[data-testid=run-status][data-status=completed]').waitFor();
    expect(await nodeStatus(page, 'publish')).toBe('done');
    expect(await nodeStatus(page, 'revise')).toBe('idle');
    const run = await api<StoredRun>(stack, `/v1/runs/${runId}`);
    expect(run.body).toMatchObject({
      status: 'completed',
      output: { status: 'published', decision: { action: 'approve' } },
    });
    await screenshot(page, 'editor-human-approval-done');
  });

  it('refuses an invalid connection while dragging', async () => {
    await open('#/w/router-intent');
    await expect.poll(() => page.locator('[data-testid=canvas-node]').count()).toBe(6);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(7);
    // "content" allows one edge and already goes to the writer.
    await connect(page, handle(page, 'classify', 'out', 'content'), handle(page, 'clarify', 'in', 'in'));
    await page.getByTestId('toast-error').filter({ hasText: 'Connection refused' }).waitFor();
    // One toast at a time (issue 13): read each refusal before the next replaces it.
    expect(await page.getByTestId('toast-error').textContent()).toMatch(/only one edge/);
    // A node cannot feed itself.
    await connect(page, handle(page, 'write', 'out', 'out'), handle(page, 'write', 'in', 'in'));
    expect(await page.locator('.react-flow__edge').count()).toBe(7);
    expect(await page.getByTestId('dirty-marker').count()).toBe(0);
    await expect.poll(() => page.getByTestId('toast-error').textContent()).toMatch(/cannot connect to itself/);
    await screenshot(page, 'editor-connection-refused');
    // A valid one is accepted (and can be undone).
    await connect(page, handle(page, 'write', 'out', 'error'), handle(page, 'clarify', 'in', 'in'));
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(8);
    await page.keyboard.press('ControlOrMeta+Z');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(7);
    expect((await api<StoredWorkflow>(stack, '/v1/workflows/router-intent')).body.document.edges).toHaveLength(7);
  });

  it('shows the problems of an invalid workflow on the right nodes and fields', async () => {
    const example = JSON.parse(
      readFileSync(join(EXAMPLES_DIR, 'router-intent.json'), 'utf8'),
    ) as StoredWorkflow['document'] & { id: string; name: string };
    const broken = {
      ...example,
      name: 'Broken router',
      nodes: [
        ...example.nodes.map((n) => (n.id === 'classify' ? { ...n, config: { ...n.config, threshold: 5 } } : n)),
        {
          id: 'orphan',
          type: 'llm',
          typeVersion: 1,
          label: 'Orphan',
          position: { x: 520, y: 520 },
          config: { output: 'answer' },
        },
      ],
    };
    const created = await api<StoredWorkflow>(stack, '/v1/workflows', { method: 'POST', body: { document: broken } });
    expect(created.body.valid).toBe(false);
    await open(`#/w/${created.body.id}`);
    await expect.poll(() => page.locator('[data-testid=canvas-node]').count()).toBe(7);
    const problemsOn = (id: string) =>
      page.locator(`[data-testid=canvas-node][data-node-id="${id}"]`).getAttribute('data-problems');
    await expect.poll(() => problemsOn('orphan')).not.toBe('0');
    await expect.poll(() => problemsOn('classify')).not.toBe('0');
    for (const fine of ['start', 'write', 'code', 'end']) expect(await problemsOn(fine)).toBe('0');

    await page.getByTestId('problems-count').click();
    const items = page.getByTestId('problem-item');
    await expect
      .poll(async () => (await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')))).sort())
      .toEqual(expect.arrayContaining(['classify', 'orphan']));
    const codes = await items.evaluateAll((els) =>
      els.map((e) => `${e.getAttribute('data-node-id')}:${e.getAttribute('data-code')}`),
    );
    expect(codes).toContain('classify:invalid_config');
    expect(codes.some((c) => c.startsWith('orphan:'))).toBe(true);
    const theme = await page.evaluate(() => document.documentElement.dataset.theme);
    await page.getByTestId('theme-toggle').click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme === 'dark' ? 'light' : 'dark');
    await screenshot(page, 'editor-invalid-workflow-problems');

    // Clicking a problem focuses its node; the field shows its own message.
    await items.filter({ hasText: 'Orphan' }).first().click();
    await page.locator('[data-testid=node-inspector][data-node-id=orphan]').waitFor();
    await page.getByTestId('tab-problems').click();
    await page.locator('[data-testid=problem-item][data-code=invalid_config][data-node-id=classify]').first().click();
    await page.locator('[data-testid=node-inspector][data-node-id=classify]').waitFor();
    expect(await page.getByTestId('field-row-threshold').getByTestId('field-problem').count()).toBeGreaterThan(0);

    // Fixing the field in the inspector clears the problem on the node.
    await page.getByTestId('field-threshold').fill('0.6');
    await expect.poll(() => problemsOn('classify')).toBe('0');
  });
});
