import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../apps/engine/src/config/config.js';
import { startEngine } from '../../apps/engine/src/main/engine.js';
import type { Engine } from '../../apps/engine/src/main/engine.js';
import { openPgliteFromTemplate } from '../../apps/engine/src/store/pglite-template.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, EXAMPLES_DIR, RUN_BROWSER_TESTS } from './stack.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The page bundled for the browser (React and the SDK's React hook from the workspace's node_modules). */
async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./use-stream-page.tsx', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    nodePaths: [join(ROOT, 'apps/editor/node_modules'), join(ROOT, 'apps/engine/node_modules')],
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

/**
 * `useStream` from `@langchain/langgraph-sdk/react` in Chromium against a real engine (PGlite, the
 * examples imported): the page is served on the engine's own origin (a routed URL), so it talks to
 * the Agent Server API as an app deployed beside it would.
 */
describe.skipIf(!RUN_BROWSER_TESTS)('useStream in Chromium', () => {
  let engine: Engine;
  let browser: Browser;
  let dataDir: string;
  let script: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'flowcraft-usestream-'));
    engine = await startEngine({
      config: loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir }),
      database: await openPgliteFromTemplate(),
      env: {},
      print: () => undefined,
      examplesDir: EXAMPLES_DIR,
    });
    script = await bundlePage();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  }, 120_000);
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await engine?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function open(query: Record<string, string>, errors: string[]): Promise<Page> {
    const page = await browser.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    page.setDefaultTimeout(20_000);
    const base = engine.server.url;
    await page.route(`${base}/app/**`, (route) =>
      route.request().url().endsWith('.js')
        ? route.fulfill({ contentType: 'text/javascript', body: script })
        : route.fulfill({
            contentType: 'text/html',
            body: '<!doctype html><html><body><div id="root"></div><script type="module" src="/app/page.js"></script></body></html>',
          }),
    );
    await page.goto(`${base}/app/index.html?${new URLSearchParams(query).toString()}`);
    return page;
  }

  it('renders a streamed conversation', { timeout: 60_000 }, async () => {
    const errors: string[] = [];
    const page = await open(
      {
        assistant: 'swarm-handoff',
        messages: 'conversation',
        input: JSON.stringify({ message: 'My invoice is wrong' }),
      },
      errors,
    );
    await page.click('#start');
    await page.waitForFunction(
      () =>
        document.querySelector('#loading')?.textContent === 'idle' &&
        document.querySelectorAll('#messages li[data-type="ai"]').length > 0,
    );
    const items = await page.$$eval('#messages li', (lis) =>
      lis.map((li) => [li.getAttribute('data-type'), li.textContent]),
    );
    expect(items[0]).toEqual(['human', expect.stringContaining('invoice')]);
    expect(items.filter(([type]) => type === 'ai').length).toBeGreaterThan(0);
    const values = JSON.parse((await page.textContent('#values')) ?? '{}') as { conversation?: unknown[] };
    expect(values.conversation?.length).toBe(items.length);
    expect(await page.textContent('#error')).toBe('');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows an interrupt and resumes it with a command', { timeout: 60_000 }, async () => {
    const errors: string[] = [];
    const page = await open({ assistant: 'human-approval', input: JSON.stringify({ topic: 'CSV export' }) }, errors);
    await page.click('#start');
    await page.waitForFunction(() => (document.querySelector('#interrupt')?.textContent ?? '') !== '');
    expect(await page.textContent('#interrupt')).toMatch(/Publish this announcement/);
    await page.click('#approve');
    await page.waitForFunction(
      () =>
        document.querySelector('#interrupt')?.textContent === '' &&
        document.querySelector('#loading')?.textContent === 'idle' &&
        (document.querySelector('#values')?.textContent ?? '').includes('"decision"'),
    );
    const values = JSON.parse((await page.textContent('#values')) ?? '{}') as { decision?: { action?: string } };
    expect(values.decision?.action).toBe('approve');
    expect(errors).toEqual([]);
    await page.close();
  });
});
