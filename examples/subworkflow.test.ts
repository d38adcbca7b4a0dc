import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { childLibrary, runDoc } from '@flowcraft/engine/testing';
import { WorkflowDocument } from '@flowcraft/schema';

const load = (name: string) =>
  WorkflowDocument.parse(JSON.parse(readFileSync(new URL(`./${name}.json`, import.meta.url), 'utf8')));

describe('subworkflow-newsletter (calls subworkflow-approval)', () => {
  const parent = load('subworkflow-newsletter');
  const children = childLibrary([load('subworkflow-approval')]);

  it('pauses inside the child, then publishes the signed-off text without calling any model again', async () => {
    const run = await runDoc(parent, {}, { children, threadId: 'newsletter-1' });
    expect(run.outcome).toMatchObject({
      status: 'interrupted',
      interrupts: [{ nodeId: 'sign_off_call › sign_off', value: { kind: 'approval' } }],
    });
    expect(run.calls.map((c) => c.nodeId)).toEqual(['write_item', 'sign_off_call › tighten']);
    const done = await run.resume({ action: 'approve' });
    expect(done.outcome).toMatchObject({
      status: 'completed',
      output: {
        newsletter:
          '📣 Data exports are here: download any table as CSV or Parquet from the Data page, on every paid plan.',
        review: { action: 'approve' },
      },
    });
    expect(done.calls).toHaveLength(2);
    expect(done.path).toEqual([
      'start',
      'write_item',
      'sign_off_call › tighten',
      'sign_off_call › sign_off',
      'sign_off_call › accept',
      'sign_off_call',
      'publish',
      'end',
    ]);
  });

  it('holds the item back when the reviewer rejects it in the child', async () => {
    const run = await runDoc(parent, {}, { children, threadId: 'newsletter-2' });
    const done = await run.resume({ action: 'reject', comment: 'not yet' });
    expect(done.outcome).toMatchObject({
      status: 'completed',
      output: { newsletter: '(held back by the reviewer)', review: { action: 'reject', comment: 'not yet' } },
    });
    expect(done.path).toContain('sign_off_call › decline');
  });

  it('runs the child on its own too', async () => {
    const run = await runDoc(load('subworkflow-approval'), {}, { threadId: 'approval-alone' });
    expect(run.outcome).toMatchObject({ status: 'interrupted', interrupts: [{ nodeId: 'sign_off' }] });
    const done = await run.resume({ action: 'edit', value: 'Edited.' });
    expect(done.outcome).toMatchObject({ status: 'completed', output: { approved_text: 'Edited.' } });
  });
});
