import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadConfig } from '../../apps/engine/src/config/config.js';
import { startEngine } from '../../apps/engine/src/main/engine.js';
import type { Engine } from '../../apps/engine/src/main/engine.js';
import { createServerDatabase } from '../../apps/engine/src/store/server-database.js';
import type { ServerDatabase } from '../../apps/engine/src/store/server-database.js';
import { api, newPage, screenshot, startStack, RUN_BROWSER_TESTS } from './stack.js';
import type { Stack } from './stack.js';
import { nodeStatus, runFromPanel } from './canvas-actions.js';

interface StoredRun {
  status: string;
  worker: string | null;
  attempt: number;
  output: Record<string, unknown> | null;
}

/**
 * Scaled out as the README describes: the editor served by an API process (`FLOWCRAFT_ROLE=api`,
 * executes nothing) and a worker process (`FLOWCRAFT_ROLE=worker`) on one PostgreSQL database. A
 * user presses Run and answers an approval in the browser; the worker executes; the trace reaches
 * the page through the API process (NOTIFY, Socket.IO).
 */
describe.runIf(RUN_BROWSER_TESTS)(
  'the editor on an API process, runs executed by a worker process (PostgreSQL)',
  () => {
    let server: ServerDatabase;
    let stack: Stack;
    let worker: Engine;
    let page: Page;
    let errors: string[] = [];

    beforeAll(async () => {
      server = await createServerDatabase(process.env.DATABASE_URL || undefined, 'flowcraft_e2e_scale');
      stack = await startStack({ databaseUrl: server.url, env: { FLOWCRAFT_ROLE: 'api' } });
      worker = await startEngine({
        config: loadConfig({
          PORT: '0',
          LOG_LEVEL: 'silent',
          DATABASE_URL: server.url,
          FLOWCRAFT_ROLE: 'worker',
          WORKER_ID: 'e2e-worker',
          QUEUE_POLL_SECONDS: '1',
        }),
        env: {},
        print: () => undefined,
      });
    }, 120_000);
    afterAll(async () => {
      await worker?.stop();
      await stack?.stop();
      await server?.drop();
    });
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail' && page && !page.isClosed())
        await screenshot(page, `failed-scale-out-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`);
      await page?.close();
      expect(errors).toEqual([]);
    });

    const open = async (hash: string) => {
      errors = [];
      page = await newPage(stack, errors);
      await page.goto(`${stack.url}/${hash}`);
      return page;
    };

    it('runs an example from the panel: live node statuses and the output, executed by the worker', async () => {
      await open('#/w/sequential-pipeline');
      await expect.poll(() => page.locator('[data-testid=canvas-node]').count()).toBeGreaterThan(2);
      const runId = await runFromPanel(page);
      expect(await page.locator('[data-testid=run-status]').getAttribute('data-status')).toBe('completed');
      for (const node of ['researcher', 'outliner', 'writer']) expect(await nodeStatus(page, node)).toBe('done');
      const run = await api<StoredRun>(stack, `/v1/runs/${runId}`);
      expect(run.body).toMatchObject({ status: 'completed', worker: 'e2e-worker', attempt: 1 });
      expect(await page.getByTestId('run-output').textContent()).toContain(String(run.body.output?.draft).slice(0, 40));
      await screenshot(page, 'scale-out-editor-run');
    });

    it('answers a human approval in the browser: the worker paused the run, resumes it and finishes', async () => {
      await open('#/w/human-approval');
      await expect.poll(() => page.locator('[data-testid=canvas-node]').count()).toBe(6);
      const runId = await runFromPanel(page);
      expect(await page.locator('[data-testid=run-status]').getAttribute('data-status')).toBe('interrupted');
      expect(await nodeStatus(page, 'review')).toBe('interrupted');
      const card = page.locator('[data-testid=interrupt][data-node-id=review]');
      await card.getByTestId('approve').click();
      await page.locator('[data-testid=run-status][data-status=completed]').waitFor();
      expect(await nodeStatus(page, 'publish')).toBe('done');
      const run = await api<StoredRun>(stack, `/v1/runs/${runId}`);
      expect(run.body).toMatchObject({
        status: 'completed',
        worker: 'e2e-worker',
        output: { status: 'published', decision: { action: 'approve' } },
      });
      await screenshot(page, 'scale-out-editor-approval');
    });
  },
);
