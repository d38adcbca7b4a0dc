import { describe, expect, it } from 'vitest';
import { Channel } from '@flowcraft/schema';
import { planStateEdit, stateText } from './state-edit.js';

const channels = {
  copy: Channel.parse({ type: 'string' }),
  rounds: Channel.parse({ type: 'list', reducer: 'append' }),
  revisions: Channel.parse({ type: 'number' }),
  total: Channel.parse({ type: 'number', reducer: 'sum' }),
  meta: Channel.parse({ type: 'json' }),
};
const original = { copy: 'draft', rounds: [{ round: 1 }], revisions: 1, total: 10, meta: { a: 1 } };
const edit = (values: Record<string, unknown>) => planStateEdit(original, JSON.stringify(values), channels);

describe('planning a state edit', () => {
  it('sends only the changed channels', () => {
    expect(edit({ ...original, copy: 'better' })).toEqual({ ok: true, values: { copy: 'better' }, changed: ['copy'] });
    expect(planStateEdit(original, stateText(original), channels)).toEqual({ ok: true, values: {}, changed: [] });
  });

  it('writes through the reducers: appended items only, the difference for sums, null to clear', () => {
    const plan = edit({ copy: 'draft', rounds: [{ round: 1 }, { round: 2 }], revisions: 1, total: 15, meta: null });
    expect(plan).toEqual({
      ok: true,
      values: { rounds: [{ round: 2 }], total: 5, meta: null },
      changed: ['meta', 'rounds', 'total'],
    });
  });

  it('leaves the channels out of the JSON as they are', () => {
    expect(edit({ copy: 'short' })).toEqual({ ok: true, values: { copy: 'short' }, changed: ['copy'] });
    expect(edit({})).toEqual({ ok: true, values: {}, changed: [] });
  });

  it('refuses values that do not fit the channel types, unknown channels, and rewrites of an append channel', () => {
    const plan = edit({ ...original, revisions: 'two', nope: 1, rounds: [{ round: 9 }] });
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.problems.map((p) => p.channel).sort()).toEqual(['nope', 'revisions', 'rounds']);
    expect(plan.problems.find((p) => p.channel === 'rounds')?.message).toMatch(/only add items/);
  });

  it('refuses text that is not a JSON object', () => {
    expect(planStateEdit(original, '{ copy: ', channels)).toMatchObject({
      ok: false,
      problems: [{ channel: undefined, message: expect.stringMatching(/^JSON/) }],
    });
    expect(planStateEdit(original, '[1]', channels)).toMatchObject({ ok: false });
  });
});
