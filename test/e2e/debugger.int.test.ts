import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { api, newPage, screenshot, startStack, RUN_BROWSER_TESTS } from './stack.js';
import type { Stack } from './stack.js';
import { nodeStatus, typeInMonaco } from './canvas-actions.js';

interface StoredRun {
  id: string;
  threadId: string;
  status: string;
  output: Record<string, unknown> | null;
  interrupts: { id: string; nodeId?: string; value: unknown }[];
  paused?: { next: string[]; checkpointId: string } | null;
}
interface Checkpoint {
  checkpointId: string;
  parentCheckpointId: string | null;
  step: number;
  source: string;
  values: Record<string, unknown>;
  next: string[];
}
interface RunSummary {
  runId: string;
  path: string[];
  tokens: { input: number; output: number };
}

const EDITED = 'Lumen Trail: 400 lumens, 30 h on low, sun or USB-C, IPX6. Edited in the debugger.';

/** The debugger (design §9) in Chromium against a real engine: breakpoints, stepping, time travel, edit and fork, human answers. */
describe.runIf(RUN_BROWSER_TESTS)('the debugger in Chromium against a real engine', () => {
  let stack: Stack;
  let page: Page;
  let errors: string[];
  // Shared along the file: the reflection run stepped through in the first test.
  let firstRun: StoredRun | undefined;
  let forkRunId: string | undefined;
  let originalEndId: string | undefined;

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

  const open = async (hash: string, nodes: number) => {
    errors = [];
    page = await newPage(stack, errors);
    await page.goto(`${stack.url}/${hash}`);
    await expect.poll(() => page.locator('[data-testid=canvas-node]').count()).toBe(nodes);
    await page.getByTestId('debug-toggle').click();
    await page.getByTestId('debug-dock').waitFor();
    return page;
  };
  const node = (id: string) => page.locator(`[data-testid=canvas-node][data-node-id="${id}"]`);
  const mark = (id: string) => node(id).getAttribute('data-debug');
  const debugRun = () => page.getByTestId('debug-run');
  const history = async (threadId: string) => {
    const all: Checkpoint[] = [];
    let cursor = '';
    do {
      const page = (
        await api<{ items: Checkpoint[]; nextCursor: string | null }>(
          stack,
          `/v1/threads/${threadId}/history?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        )
      ).body;
      all.push(...page.items);
      cursor = page.nextCursor ?? '';
    } while (cursor);
    return all;
  };
  const waitRun = async (runId: string, done: (r: StoredRun) => boolean) => {
    await expect
      .poll(async () => done((await api<StoredRun>(stack, `/v1/runs/${runId}`)).body), { timeout: 15_000 })
      .toBe(true);
    return (await api<StoredRun>(stack, `/v1/runs/${runId}`)).body;
  };
  /** Wait until the panel shows a pause other than `previous`; returns the paused checkpoint id. */
  const nextPause = async (previous: string) => {
    await page.waitForFunction((prev) => {
      const el = document.querySelector('[data-testid=debug-run]');
      return el?.getAttribute('data-paused') === 'true' && el.getAttribute('data-paused-checkpoint') !== prev;
    }, previous);
    return (await debugRun().getAttribute('data-paused-checkpoint')) ?? '';
  };

  it('sets breakpoints on the canvas, debug-runs the reflection example and steps through it', async () => {
    await open('#/w/reflection', 4);
    // A breakpoint before the writer, from its gutter dot; one after the counter, from the context menu.
    await node('write').getByTestId('bp-before').click();
    await node('stats').click({ button: 'right' });
    await page.getByTestId('node-menu').waitFor();
    await page.getByTestId('menu-break-after').click();
    expect(await node('write').getByTestId('bp-before').getAttribute('data-on')).toBe('true');
    expect(await node('stats').getByTestId('bp-after').getAttribute('data-on')).toBe('true');
    expect(await node('stats').getByTestId('bp-before').getAttribute('data-on')).toBe('false');
    expect(
      await page
        .locator('[data-testid=breakpoint]')
        .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-where')}:${e.getAttribute('data-node-id')}`)),
    ).toEqual(['before:write', 'after:stats']);

    await page.getByTestId('debug-run-button').click();
    let paused = await nextPause('');
    const runId = (await debugRun().getAttribute('data-run-id')) ?? '';
    let run = await waitRun(runId, (r) => r.status === 'interrupted');
    expect(run.paused).toEqual({ next: ['write'], checkpointId: paused });
    expect(run.interrupts).toEqual([]);
    // Paused before the writer: it is highlighted as next; the start node has run.
    await expect.poll(() => mark('write')).toBe('next');
    expect(await node('write').getByTestId('node-next').count()).toBe(1);
    expect(await nodeStatus(page, 'start')).toBe('done');
    expect(await page.getByTestId('paused-next').textContent()).toContain('Write & critique');
    // The timeline shows the paused checkpoint, selected, and the state panel its state.
    await expect
      .poll(() => page.locator('[data-testid=checkpoint][aria-selected=true]').getAttribute('data-checkpoint-id'))
      .toBe(paused);
    expect(await page.locator('[data-testid=state-panel] [data-channel=brief]').textContent()).toContain(
      'Lumen Trail solar camping lantern',
    );
    await screenshot(page, 'debugger-paused-before-write');

    // Step: one superstep (a writer round), paused again with a new checkpoint; the round is in the state.
    await page.getByTestId('debug-step').click();
    paused = await nextPause(paused);
    run = await waitRun(runId, (r) => r.status === 'interrupted' && r.paused?.checkpointId === paused);
    const afterStep = (await history(run.threadId)).find((c) => c.checkpointId === paused);
    expect(afterStep?.values.rounds).toHaveLength(1);
    await expect.poll(() => page.locator('[data-testid=state-panel]').getAttribute('data-checkpoint-id')).toBe(paused);
    expect(await page.locator('[data-testid=state-panel] [data-channel=rounds]').textContent()).toContain(
      '"accepted": false',
    );
    // The diff of the stepped checkpoint: the first round appended.
    await page.locator('[data-testid=checkpoint-detail]').getByTestId('cp-view-diff').click();
    await expect
      .poll(() => page.locator('[data-testid=diff-row][data-channel=rounds] [data-testid=diff-summary]').textContent())
      .toBe('+1 item');

    // Continue: to the next breakpoint each time; the last pause is after the counter (next: end).
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) {
      await page.getByTestId('debug-continue').click();
      await page.waitForFunction((prev) => {
        const el = document.querySelector('[data-testid=debug-run]');
        return (
          (el?.getAttribute('data-paused') === 'true' && el.getAttribute('data-paused-checkpoint') !== prev) ||
          el?.getAttribute('data-status') === 'completed'
        );
      }, paused);
      if ((await debugRun().getAttribute('data-status')) === 'completed') break;
      paused = (await debugRun().getAttribute('data-paused-checkpoint')) ?? '';
      seen.push((await debugRun().getAttribute('data-paused-next')) ?? '');
      if (seen.at(-1) === 'end') {
        await expect.poll(() => mark('end')).toBe('next');
        expect(await nodeStatus(page, 'stats')).toBe('done');
        await screenshot(page, 'debugger-paused-after-stats');
      }
    }
    expect(seen.at(-1)).toBe('end');
    expect(seen.slice(0, -1).every((n) => n === 'write')).toBe(true);
    run = await waitRun(runId, (r) => r.status === 'completed');
    expect(String(run.output?.copy)).toContain('Lumen Trail');
    expect(run.output?.revisions).toBe((run.output?.rounds as unknown[] | undefined)?.length);
    expect(run.output?.revisions).toBeGreaterThanOrEqual(1);
    await expect.poll(() => debugRun().getAttribute('data-status')).toBe('completed');
    for (const id of ['start', 'write', 'stats', 'end']) expect(await nodeStatus(page, id)).toBe('done');

    // Every stored checkpoint of the thread is in the timeline, on one branch.
    const stored = await history(run.threadId);
    await expect.poll(() => page.getByTestId('checkpoint').count()).toBe(stored.length);
    expect(await page.getByTestId('timeline').getAttribute('data-branches')).toBe('1');
    firstRun = run;
    await screenshot(page, 'debugger-stepped-to-completion');
  });

  it('time-travels over the checkpoints, edits the state at one and forks; both branches stay browsable', async () => {
    const run = firstRun;
    if (!run) throw new Error('needs the first test');
    await open('#/w/reflection', 4);
    // The editor picks up the latest run; its thread's timeline loads.
    await expect.poll(() => page.getByTestId('timeline').getAttribute('data-thread-id')).toBe(run.threadId);
    const before = await history(run.threadId);
    await expect.poll(() => page.getByTestId('checkpoint').count()).toBe(before.length);

    // The checkpoint where the writer has finished and the counter is next.
    const target = before.find((c) => c.next.includes('stats'));
    if (!target) throw new Error('no checkpoint before stats');
    await page.locator(`[data-testid=checkpoint][data-checkpoint-id="${target.checkpointId}"]`).click();
    const detail = page.getByTestId('checkpoint-detail');
    await expect.poll(() => detail.getAttribute('data-checkpoint-id')).toBe(target.checkpointId);
    expect(await detail.getByTestId('cp-ran').textContent()).toBe('Write & critique');
    expect(await detail.getByTestId('cp-next-nodes').textContent()).toBe('Count rounds');
    await expect.poll(() => mark('stats')).toBe('next');
    expect(await mark('write')).toBe('ran');
    expect(await mark('start')).toBe('ran-before');
    expect(await mark('end')).toBe('');
    // Its diff against the parent: the channels the engine reports, each readable.
    await detail.getByTestId('cp-view-diff').click();
    const diff = (
      await api<{ ran: string[]; changes: { channel: string; kind: string }[] }>(
        stack,
        `/v1/threads/${run.threadId}/state/${target.checkpointId}/diff`,
      )
    ).body;
    expect(diff.ran).toEqual(['write']);
    expect(diff.changes.length).toBeGreaterThan(0);
    await expect
      .poll(() =>
        detail
          .locator('[data-testid=diff-row]')
          .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-channel')}:${e.getAttribute('data-kind')}`)),
      )
      .toEqual(diff.changes.map((c) => `${c.channel}:${c.kind}`));
    const copyRow = detail.locator('[data-testid=diff-row][data-channel=copy]');
    if (diff.changes.some((c) => c.channel === 'copy'))
      expect(await copyRow.locator('ins').first().textContent()).toContain('Lumen Trail');
    await screenshot(page, 'debugger-timeline-diff');

    // Edit the state there: a value that does not fit its channel is refused in the browser.
    await detail.getByTestId('cp-view-edit').click();
    await typeInMonaco(page, 'state-json', '{"revisions": "two"}');
    await expect.poll(() => page.getByTestId('state-problems').textContent()).toContain('"revisions" holds a number');
    expect(await page.getByTestId('edit-continue').isDisabled()).toBe(true);
    await typeInMonaco(page, 'state-json', JSON.stringify({ copy: EDITED }));
    await expect.poll(() => page.getByTestId('state-changes').textContent()).toBe('Writes: copy');
    await page.getByTestId('as-node').selectOption('write');
    await screenshot(page, 'debugger-edit-state');
    await page.getByTestId('edit-continue').click();

    // A new run continues from the new `update` checkpoint, on a branch of its own.
    await page.waitForFunction((old) => {
      const el = document.querySelector('[data-testid=debug-run]');
      return el?.getAttribute('data-run-id') !== old && el?.getAttribute('data-status') === 'completed';
    }, run.id);
    forkRunId = (await debugRun().getAttribute('data-run-id')) ?? '';
    const fork = await waitRun(forkRunId, (r) => r.status === 'completed');
    expect(fork.threadId).toBe(run.threadId);
    expect(fork.output?.copy).toBe(EDITED);
    const after = await history(run.threadId);
    const update = after.find((c) => c.source === 'update');
    expect(update).toMatchObject({ parentCheckpointId: target.checkpointId, values: { copy: EDITED } });
    // The original history is untouched: every earlier checkpoint is still there, and the first run's output too.
    expect(after.map((c) => c.checkpointId)).toEqual(expect.arrayContaining(before.map((c) => c.checkpointId)));
    expect((await api<StoredRun>(stack, `/v1/runs/${run.id}`)).body.output?.copy).toBe(run.output?.copy);

    // Both branches in the tree: the edit starts an indented branch at its fork point.
    await expect.poll(() => page.getByTestId('checkpoint').count()).toBe(after.length);
    expect(await page.getByTestId('timeline').getAttribute('data-branches')).toBe('2');
    const updateRow = page.locator(`[data-testid=checkpoint][data-checkpoint-id="${update?.checkpointId}"]`);
    expect(await updateRow.getAttribute('data-depth')).toBe('1');
    expect(await updateRow.getAttribute('data-source')).toBe('update');
    // Browse each branch: the state there is the one stored.
    await updateRow.click();
    await detail.getByTestId('cp-view-state').click();
    await expect.poll(() => detail.locator('[data-channel=copy]').textContent()).toContain(EDITED);
    const originalEnd = before.find((c) => c.next.length === 0 && c.source === 'loop');
    if (!originalEnd) throw new Error('no final checkpoint');
    await page.locator(`[data-testid=checkpoint][data-checkpoint-id="${originalEnd.checkpointId}"]`).click();
    await expect
      .poll(() => detail.locator('[data-channel=copy]').textContent())
      .toContain(String(run.output?.copy).slice(0, 60));
    expect(
      await page
        .locator(`[data-testid=checkpoint][data-checkpoint-id="${originalEnd.checkpointId}"]`)
        .getAttribute('data-depth'),
    ).toBe('0');
    originalEndId = originalEnd.checkpointId;
    await screenshot(page, 'debugger-two-branches');
  });

  it('opens a finished run from storage, scrubs it event by event and checkpoint by checkpoint, and compares two runs', async () => {
    const run = firstRun;
    if (!run || !forkRunId) throw new Error('needs the earlier tests');
    await open('#/w/reflection', 4);
    await page.getByTestId('tab-debug').click();
    const item = page.locator(`[data-testid=run-item][data-run-id="${run.id}"]`);
    await item.getByTestId('open-run').click();
    const scrubber = page.getByTestId('scrubber');
    await expect.poll(() => scrubber.getAttribute('data-run-id')).toBe(run.id);
    const events = (
      await api<{ items: { seq: number; type: string; checkpointId?: string }[] }>(
        stack,
        `/v1/runs/${run.id}/events?afterSeq=0&limit=5000`,
      )
    ).body.items;
    await expect.poll(() => scrubber.getAttribute('data-total')).toBe(String(events.length));
    expect(await scrubber.getAttribute('data-position')).toBe(String(events.length));
    for (const id of ['start', 'write', 'stats', 'end']) expect(await nodeStatus(page, id)).toBe('done');

    // Back to the start: nothing has run.
    await page.getByTestId('scrub-start').click();
    await expect.poll(() => nodeStatus(page, 'start')).toBe('idle');
    expect(await nodeStatus(page, 'end')).toBe('idle');
    // Event by event.
    await page.getByTestId('scrub-next').click();
    await page.getByTestId('scrub-next').click();
    expect(await scrubber.getAttribute('data-position')).toBe('2');
    // Checkpoint by checkpoint: each stop selects that checkpoint in the timeline.
    const saved = events.map((e, i) => ({ e, at: i + 1 })).filter((x) => x.e.type === 'checkpoint.saved');
    const firstStop = saved.find((x) => x.at > 2);
    if (!firstStop) throw new Error('no checkpoint event');
    await page.getByTestId('scrub-next-checkpoint').click();
    await expect.poll(() => scrubber.getAttribute('data-position')).toBe(String(firstStop.at));
    await expect
      .poll(() => page.getByTestId('checkpoint-detail').getAttribute('data-checkpoint-id'))
      .toBe(firstStop.e.checkpointId);
    await page.getByTestId('scrub-next-checkpoint').click();
    const secondStop = saved.find((x) => x.at > firstStop.at);
    await expect
      .poll(() => page.getByTestId('checkpoint-detail').getAttribute('data-checkpoint-id'))
      .toBe(secondStop?.e.checkpointId);
    // The timeline tab shows the same checkpoint selected in the tree.
    await page.getByTestId('dock-timeline').click();
    expect(await page.locator('[data-testid=checkpoint][aria-selected=true]').getAttribute('data-checkpoint-id')).toBe(
      secondStop?.e.checkpointId,
    );
    await page.getByTestId('dock-events').click();
    // Halfway through the recording: the writer has started, the counter has not.
    const writerDone = events.findIndex(
      (e) => e.type === 'node.finished' && (e as { nodeId?: string }).nodeId === 'write',
    );
    await page.getByTestId('scrub-range').fill(String(writerDone));
    await expect.poll(() => nodeStatus(page, 'write')).toBe('running');
    expect(await nodeStatus(page, 'start')).toBe('done');
    expect(await nodeStatus(page, 'stats')).toBe('idle');
    await screenshot(page, 'debugger-scrub-recorded-run');
    await page.getByTestId('scrub-range').fill(String(events.length));
    await expect.poll(() => nodeStatus(page, 'stats')).toBe('done');

    // Compare the stepped run with the fork: paths, per-node outputs, tokens.
    await page.locator(`[data-testid=run-item][data-run-id="${run.id}"] [data-testid=pick-run]`).check();
    await page.locator(`[data-testid=run-item][data-run-id="${forkRunId}"] [data-testid=pick-run]`).check();
    await page.getByTestId('compare-runs').click();
    const compare = page.getByTestId('compare');
    await compare.waitFor();
    const cmp = (await api<{ a: RunSummary; b: RunSummary }>(stack, `/v1/runs/${run.id}/compare/${forkRunId}`)).body;
    expect(await compare.getByTestId('compare-a').getAttribute('data-run-id')).toBe(run.id);
    expect(await compare.getByTestId('compare-b').getAttribute('data-run-id')).toBe(forkRunId);
    expect(await compare.getByTestId('compare-a').locator('[data-testid=compare-path] li').count()).toBe(
      cmp.a.path.length,
    );
    expect(await compare.getByTestId('compare-b').locator('[data-testid=compare-path] li').count()).toBe(
      cmp.b.path.length,
    );
    expect(await compare.getByTestId('compare-a').getByTestId('compare-totals').textContent()).toContain(
      `${cmp.a.tokens.input + cmp.a.tokens.output} tokens`,
    );
    // The writer's model calls ran only in the first run.
    expect(cmp.a.path).toContain('write');
    expect(cmp.b.path).not.toContain('write');
    expect(await compare.locator('[data-testid=compare-node][data-node-id=write]').getAttribute('data-differs')).toBe(
      'true',
    );
    await screenshot(page, 'debugger-compare-runs');
  });

  it('reruns from a node: a new run on the thread, the upstream writer not run again', async () => {
    const run = firstRun;
    if (!run) throw new Error('needs the first test');
    await open('#/w/reflection', 4);
    await expect.poll(() => page.getByTestId('timeline').getAttribute('data-thread-id')).toBe(run.threadId);
    const runsBefore = (await api<{ items: StoredRun[] }>(stack, `/v1/runs?workflowId=reflection&limit=100`)).body.items
      .length;
    // On the original branch (the fork's latest checkpoint never ran the counter).
    await expect
      .poll(() => page.locator(`[data-testid=checkpoint][data-checkpoint-id="${originalEndId}"]`).count())
      .toBe(1);
    await page.locator(`[data-testid=checkpoint][data-checkpoint-id="${originalEndId}"]`).click();
    await node('stats').click({ button: 'right' });
    await page.getByTestId('menu-rerun').click();
    await page.waitForFunction(
      (known) => {
        const el = document.querySelector('[data-testid=debug-run]');
        return (
          !known.includes(el?.getAttribute('data-run-id') ?? '') && el?.getAttribute('data-status') === 'completed'
        );
      },
      [run.id, forkRunId ?? ''],
    );
    const rerunId = (await debugRun().getAttribute('data-run-id')) ?? '';
    const rerun = await waitRun(rerunId, (r) => r.status === 'completed');
    expect(rerun.threadId).toBe(run.threadId);
    expect(
      (await api<{ items: StoredRun[] }>(stack, `/v1/runs?workflowId=reflection&limit=100`)).body.items.length,
    ).toBe(runsBefore + 1);
    const cmp = (await api<{ a: RunSummary; b: RunSummary }>(stack, `/v1/runs/${run.id}/compare/${rerunId}`)).body;
    expect(cmp.b.path[0]).toBe('stats');
    expect(cmp.b.path).not.toContain('write');
    expect(cmp.b.tokens).toMatchObject({ input: 0, output: 0 });
    expect(rerun.output?.revisions).toBe(run.output?.revisions);
  });

  it('lists a pending human step with its payload and answers it by id, with a free value too', async () => {
    await open('#/w/human-approval', 6);
    await page.getByTestId('tab-debug').click();
    await page.getByTestId('debug-run-button').click();
    const card = page.locator('[data-testid=pending-interrupts] [data-testid=interrupt][data-node-id=review]');
    await card.waitFor();
    const runId = (await debugRun().getAttribute('data-run-id')) ?? '';
    const waiting = await waitRun(runId, (r) => r.status === 'interrupted' && r.interrupts.length === 1);
    const first = waiting.interrupts[0];
    expect(await card.getAttribute('data-interrupt-id')).toBe(first?.id);
    expect(await card.getByTestId('interrupt-message').textContent()).toContain('Publish this announcement?');
    await expect.poll(() => nodeStatus(page, 'review')).toBe('interrupted');

    // A free value: reject with a comment, as JSON. The run revises and asks again, with a new interrupt.
    await card.getByTestId('free-answer').click();
    await card.getByTestId('free-value').fill(JSON.stringify({ action: 'reject', comment: 'Mention the pricing.' }));
    await card.getByTestId('send-free-value').click();
    const again = await waitRun(
      runId,
      (r) => r.status === 'interrupted' && r.interrupts.length === 1 && r.interrupts[0]?.id !== first?.id,
    );
    const second = again.interrupts[0];
    const card2 = page.locator(
      `[data-testid=pending-interrupts] [data-testid=interrupt][data-interrupt-id="${second?.id}"]`,
    );
    await card2.waitFor();
    await screenshot(page, 'debugger-human-step');

    // The answered interrupt is stale now: the API refuses it.
    const stale = await api(stack, `/v1/runs/${runId}/resume`, {
      method: 'POST',
      body: { answers: { [first?.id ?? '']: { action: 'approve' } } },
    });
    expect(stale.status).toBe(409);

    await card2.getByTestId('approve').click();
    const done = await waitRun(runId, (r) => r.status === 'completed');
    expect(done.output).toMatchObject({ status: 'published', decision: { action: 'approve' } });
    await page.locator('[data-testid=debug-run][data-status=completed]').waitFor();
    expect(await nodeStatus(page, 'revise')).toBe('done');
    expect(await nodeStatus(page, 'publish')).toBe('done');
    expect(await page.locator('[data-testid=pending-interrupts]').count()).toBe(0);
  });
});
