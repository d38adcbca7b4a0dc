import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { api, newPage, screenshot, startStack, RUN_BROWSER_TESTS } from './stack.js';
import type { Stack } from './stack.js';

/** A chat workflow: the LLM reads its history and appends each exchange to it (memory on the thread). */
const chatWorkflow = {
  id: 'chat-memory',
  name: 'Chat with memory',
  state: {
    input: { type: 'string' },
    answer: { type: 'string' },
    chat: { type: 'messages', reducer: 'messages' },
  },
  nodes: [
    {
      id: 'start',
      type: 'start',
      label: 'Start',
      position: { x: 0, y: 0 },
      config: { inputs: [{ channel: 'input' }] },
    },
    {
      id: 'reply',
      type: 'llm',
      label: 'Reply',
      position: { x: 0, y: 160 },
      config: { prompt: '{{ state.input }}', output: 'answer', history: 'chat', appendTo: 'chat' },
    },
    { id: 'end', type: 'end', label: 'End', position: { x: 0, y: 320 }, config: { outputs: ['answer'] } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'reply' },
    { id: 'e2', source: 'reply', target: 'end' },
  ],
  script: {
    rules: [
      { whenContains: 'first', reply: { content: 'Hello, **Ada**. Noted.' } },
      { whenContains: 'second', reply: { content: 'Two things:\n\n- one\n- two' } },
      { whenContains: 'third', reply: { content: 'Third answer <img src=x onerror="window.__xss=1">' } },
    ],
  },
};

interface ThreadState {
  values: { chat?: { kwargs?: { content?: unknown }; content?: unknown }[] };
}

describe.runIf(RUN_BROWSER_TESTS)('first hour: the playground', () => {
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

  it('keeps a 3-turn conversation on one thread, with Markdown answers and node steps', async () => {
    const created = await api<{ id: string }>(stack, '/v1/workflows', {
      method: 'POST',
      body: { document: chatWorkflow },
    });
    expect(created.status).toBe(201);
    errors = [];
    page = await newPage(stack, errors);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${stack.url}/#/w/${created.body.id}`);
    await page.getByTestId('editor-page').waitFor();
    await page.getByTestId('tab-playground').click();

    const turns = page.getByTestId('chat-turn');
    const messages = ['My first message, I am Ada', 'A second question', 'And a third one'];
    for (const [i, text] of messages.entries()) {
      await page.getByTestId('chat-message').fill(text);
      await page.getByTestId('chat-send').click();
      await expect.poll(() => turns.nth(i).getAttribute('data-status'), { timeout: 15_000 }).toBe('completed');
      // The tab stays open between turns (switching away and back keeps the conversation).
      if (i === 0) {
        await page.getByTestId('tab-inspector').click();
        await page.getByTestId('tab-playground').click();
      }
    }
    expect(await page.getByTestId('chat-user').allTextContents()).toEqual(messages);
    // Markdown rendered (bold, a list), sanitized (no handler survives).
    const replies = page.getByTestId('chat-reply');
    await expect.poll(() => replies.nth(0).locator('strong').textContent()).toBe('Ada');
    expect(await replies.nth(1).locator('li').allTextContents()).toEqual(['one', 'two']);
    await expect.poll(() => replies.nth(2).getAttribute('data-rendered')).toBe('true');
    expect(await replies.nth(2).locator('img').getAttribute('onerror')).toBeNull();
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    // Node steps inline, collapsible.
    await page.getByTestId('chat-steps').first().locator('summary').click();
    expect(await page.getByTestId('chat-steps').first().locator('li').allTextContents()).toEqual([
      expect.stringContaining('Start'),
      expect.stringContaining('Reply'),
      expect.stringContaining('End'),
    ]);
    // Raw JSON toggle.
    await page.getByTestId('chat-toggle-raw').nth(1).click();
    expect(JSON.parse((await page.getByTestId('chat-raw').textContent()) ?? '')).toEqual({
      answer: 'Two things:\n\n- one\n- two',
    });
    await screenshot(page, 'first-hour-playground-1440');

    // One thread: every run on it, and the memory holds all three exchanges.
    const threadId = await page.getByTestId('playground-thread').getAttribute('data-thread-id');
    expect(threadId).toBeTruthy();
    const runIds = await turns.evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')));
    expect(new Set(runIds).size).toBe(3);
    for (const id of runIds) {
      const run = await api<{ threadId: string; status: string }>(stack, `/v1/runs/${id}`);
      expect(run.body).toMatchObject({ threadId, status: 'completed' });
    }
    const state = await api<ThreadState>(stack, `/v1/threads/${threadId}/state`);
    const chat = (state.body.values.chat ?? []).map((m) => m.kwargs?.content ?? m.content);
    expect(chat).toEqual([
      messages[0],
      'Hello, **Ada**. Noted.',
      messages[1],
      'Two things:\n\n- one\n- two',
      messages[2],
      'Third answer <img src=x onerror="window.__xss=1">',
    ]);
  });
});
