import { existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../../apps/engine/src/config/config.js';
import { startEngine } from '../../apps/engine/src/main/engine.js';
import type { Engine } from '../../apps/engine/src/main/engine.js';
import { openPgliteFromTemplate } from '../../apps/engine/src/store/pglite-template.js';
import { DIST_DIR, ensureEditorBuilt } from './editor-build.js';
import { serveEditorOn } from './serve-editor.js';

export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));
export const ARTIFACTS_DIR = fileURLToPath(new URL('../artifacts/', import.meta.url));

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Browser tests run when Debian's Chromium is installed. Without it they are skipped with a notice on
 * a developer machine, and fail under CI (`CI=true`), which must install it (`.ci/run` does).
 */
export const RUN_BROWSER_TESTS = existsSync(CHROMIUM_PATH) || process.env.CI === 'true';
if (!RUN_BROWSER_TESTS)
  console.warn(
    `Skipping the editor's browser tests: no Chromium at ${CHROMIUM_PATH} (Debian: apt-get install -y chromium).`,
  );

/** Design §12: Debian's Chromium, never a downloaded browser. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Stack {
  engine: Engine;
  url: string;
  browser: Browser;
  /** `engine.server` serves the built editor itself (true), or the test harness does. */
  engineServesEditor: boolean;
  stop(): Promise<void>;
}

/** The built editor + a real engine on an embedded PGlite (examples imported) + Chromium. */
export async function startStack(
  opts: {
    examples?: boolean /** Serve this built editor instead of `apps/editor/dist` (benchmark baselines). */;
    distDir?: string;
    /** More engine settings (e.g. `AUTH_MODE: 'users'`). */
    env?: Record<string, string>;
    /** A PostgreSQL database (`DATABASE_URL`) instead of the embedded one. */
    databaseUrl?: string;
  } = {},
): Promise<Stack> {
  if (opts.distDir === undefined) ensureEditorBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'flowcraft-e2e-'));
  // The engine serves the built editor itself, as `pnpm start` does.
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    EDITOR_DIR: DIST_DIR,
    ...(opts.databaseUrl === undefined ? {} : { DATABASE_URL: opts.databaseUrl }),
    ...opts.env,
  });
  const engine = await startEngine({
    config,
    ...(opts.databaseUrl === undefined ? { database: await openPgliteFromTemplate() } : {}),
    env: {},
    print: () => undefined,
    ...(opts.examples === false ? {} : { examplesDir: EXAMPLES_DIR }),
  });
  const url = engine.server.url;
  const home = await fetch(`${url}/`).then(
    async (r) => (r.ok ? await r.text() : ''),
    () => '',
  );
  const engineServesEditor = opts.distDir === undefined && home.includes('id="root"');
  const httpServer = engine.server.server;
  if (httpServer === undefined) throw new Error('the engine serves no API (FLOWCRAFT_ROLE=worker?)');
  if (!engineServesEditor) serveEditorOn(httpServer, opts.distDir ?? DIST_DIR);
  // `launch` gives every browser a fresh temporary profile (user-data-dir) of its own.
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return {
    engine,
    url,
    browser,
    engineServesEditor,
    async stop() {
      await browser.close().catch(() => undefined);
      await engine.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A 1280×800 page that fails the test on uncaught page errors. */
export async function newPage(stack: Stack, errors: string[]): Promise<Page> {
  const page = await stack.browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (err) => errors.push(err.message));
  page.setDefaultTimeout(15_000);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`) });
}

export async function api<T = Record<string, unknown>>(
  stack: Stack,
  path: string,
  init?: { method: string; body?: unknown },
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${stack.url}${path}`, {
    method: init?.method ?? 'GET',
    headers: init?.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init?.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}
