import { describe, expect, it } from 'vitest';
import { checkStateValues, diffState } from './state-diff.js';

describe('diffState', () => {
  it('reports added, removed and changed channels, and what was appended to a list', () => {
    const before = { a: 1, b: 'x', msgs: [{ role: 'user', content: 'hi' }], gone: true, same: { k: [1, 2] } };
    const after = {
      a: 2,
      b: 'x',
      msgs: [
        { role: 'user', content: 'hi' },
        { role: 'ai', content: 'hello' },
      ],
      same: { k: [1, 2] },
      fresh: 'new',
    };
    expect(diffState(before, after)).toEqual([
      { channel: 'a', kind: 'changed', before: 1, after: 2 },
      { channel: 'fresh', kind: 'added', after: 'new' },
      { channel: 'gone', kind: 'removed', before: true },
      {
        channel: 'msgs',
        kind: 'changed',
        before: before.msgs,
        after: after.msgs,
        appended: [{ role: 'ai', content: 'hello' }],
      },
    ]);
  });

  it('finds no change between equal states, whatever the key order', () => {
    expect(diffState({ x: { a: 1, b: [1, { c: 2 }] } }, { x: { b: [1, { c: 2 }], a: 1 } })).toEqual([]);
  });

  it('does not report a replaced list as appended', () => {
    expect(diffState({ l: [1, 2] }, { l: [3, 2, 1] })[0]).not.toHaveProperty('appended');
  });
});

describe('checkStateValues', () => {
  const channels = {
    topic: { type: 'string' as const, reducer: 'replace' as const },
    n: { type: 'number' as const, reducer: 'replace' as const },
    log: { type: 'list' as const, reducer: 'append' as const },
    data: { type: 'json' as const, reducer: 'replace' as const },
  };

  it('accepts values that fit their channels', () => {
    expect(checkStateValues({ topic: 'tides', n: 3, log: [], data: { any: 1 } }, channels)).toEqual([]);
  });

  it('names unknown channels and type mismatches', () => {
    expect(checkStateValues({ nope: 1, topic: 5, log: 'x', toString: 1 }, channels).map((p) => p.channel)).toEqual([
      'nope',
      'topic',
      'log',
      'toString',
    ]);
  });
});
