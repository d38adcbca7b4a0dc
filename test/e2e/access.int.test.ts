import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EDITOR_CSP } from '../../apps/engine/src/http/app.js';
import { runFromPanel, selectNode, typeInMonaco } from './canvas-actions.js';
import { RUN_BROWSER_TESTS, type Stack, newPage, screenshot, startStack } from './stack.js';

const ADMIN = { email: 'admin@e2e.test', password: 'admin password e2e' };

/** AUTH_MODE=users in a real browser: sign in, build and run as an editor, a viewer cannot save, CSP with Monaco. */
describe.skipIf(!RUN_BROWSER_TESTS)('users and roles in the editor (AUTH_MODE=users)', () => {
  let stack: Stack;
  const errors: string[] = [];
  const violations: string[] = [];
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({
      env: { AUTH_MODE: 'users', FLOWCRAFT_ADMIN_EMAIL: ADMIN.email, FLOWCRAFT_ADMIN_PASSWORD: ADMIN.password },
    });
  }, 240_000);
  afterAll(() => stack?.stop());

  const signIn = async (email: string, password: string) => {
    page = await newPage(stack, errors);
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
    });
    await page.goto(stack.url);
    await page.getByTestId('login-page').waitFor();
    await page.getByTestId('login-email').fill(email);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('workflows-page').waitFor();
    return page;
  };

  /** A write from the signed-in page: cookie + the CSRF token from its readable cookie, as the editor sends it. */
  const apiFromPage = (method: string, path: string, body?: unknown) =>
    page.evaluate(
      async ({ method, path, body }) => {
        const csrf = /flowcraft_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
        const res = await fetch(path, {
          method,
          headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: res.status, body: (await res.json().catch(() => null)) as unknown };
      },
      { method, path, body },
    );

  const openPipeline = async () => {
    await page
      .locator('[data-testid=workflow-row]', { hasText: 'Sequential pipeline' })
      .first()
      .getByTestId('open-workflow')
      .click();
    await page.locator('[data-testid=canvas-node][data-node-id=researcher]').waitFor();
  };

  it('the editor page carries the CSP and security headers; a signed-out visitor sees the sign-in page', async () => {
    const res = await fetch(`${stack.url}/`);
    expect(res.headers.get('content-security-policy')).toBe(EDITOR_CSP);
    expect(EDITOR_CSP).not.toContain('unsafe-eval');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect((await fetch(`${stack.url}/v1/workflows`)).status).toBe(401);
  });

  it('the admin signs in and adds an editor and a viewer on the account page', async () => {
    await signIn(ADMIN.email, ADMIN.password);
    expect(await page.getByTestId('user-role').textContent()).toBe('admin');
    await page.getByTestId('account-link').click();
    await page.getByTestId('users').waitFor();
    for (const [email, role] of [
      ['editor@e2e.test', 'editor'],
      ['viewer@e2e.test', 'viewer'],
    ] as const) {
      await page.getByLabel("New user's email").fill(email);
      await page.getByLabel("New user's password").fill(`${role} password!`);
      await page.getByLabel("New user's role").selectOption(role);
      await page.getByRole('button', { name: 'Add user' }).click();
      await page.locator('[data-testid=user-row]', { hasText: email }).waitFor();
    }
    await screenshot(page, 'access-account-admin');
    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-page').waitFor();
    await page.close();
  });

  it('an editor builds (edits a prompt in Monaco under the CSP), saves and runs', async () => {
    await signIn('editor@e2e.test', 'editor password!');
    await openPipeline();
    await selectNode(page, 'researcher');
    await typeInMonaco(page, 'field-prompt', 'List three facts about {{ state.topic }}.');
    const save = page.getByTestId('save');
    await expect.poll(() => save.isEnabled()).toBe(true);
    await save.click();
    await page.getByTestId('dirty-marker').waitFor({ state: 'detached' });
    const runId = await runFromPanel(page, { topic: 'tides' });
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('completed');
    const run = await apiFromPage('GET', `/v1/runs/${runId}`);
    expect(run.status).toBe(200);
    expect(violations).toEqual([]);
    await page.close();
  });

  it('a viewer reads the workflow but cannot save: Save is disabled and the API answers 403', async () => {
    await signIn('viewer@e2e.test', 'viewer password!');
    expect(await page.getByTestId('user-role').textContent()).toBe('viewer');
    expect(await page.getByTestId('new-workflow').isDisabled()).toBe(true);
    await openPipeline();
    expect(await page.getByTestId('save').isDisabled()).toBe(true);
    const id = new URL(page.url()).hash.split('/')[2] ?? '';
    const current = await apiFromPage('GET', `/v1/workflows/${id}`);
    expect(current.status).toBe(200);
    const document = Reflect.get(Object(current.body), 'document');
    const put = await apiFromPage('PUT', `/v1/workflows/${id}`, { document });
    expect(put.status).toBe(403);
    expect(Reflect.get(Object(put.body), 'code')).toBe('forbidden');
    await screenshot(page, 'access-viewer-readonly');
    expect(errors).toEqual([]);
    await page.close();
  });
});
