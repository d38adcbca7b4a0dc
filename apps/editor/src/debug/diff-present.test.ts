import { describe, expect, it } from 'vitest';
import { diffState } from '@flowcraft/schema';
import { diffText, diffTokens, itemView, presentChange, presentDiff } from './diff-present.js';

const join = (parts: { op: string; text: string }[], ops: string[]) =>
  parts
    .filter((p) => ops.includes(p.op))
    .map((p) => p.text)
    .join('');

describe('diff presentation', () => {
  it('diffs prose word by word; both sides can be rebuilt from the parts', () => {
    const before = 'Meet the Lumen Trail, the lantern that turns every campsite into a cosy living room.';
    const after = 'Meet the Lumen Trail solar lantern: 400 lumens that turns every campsite into a cosy living room.';
    const parts = diffText(before, after);
    expect(join(parts, ['same', 'del'])).toBe(before);
    expect(join(parts, ['same', 'add'])).toBe(after);
    expect(parts.filter((p) => p.op === 'del').map((p) => p.text.trim())).toEqual(expect.arrayContaining(['Trail,']));
    expect(parts.some((p) => p.op === 'add' && p.text.includes('400 lumens'))).toBe(true);
    expect(parts[0]).toEqual({ op: 'same', text: 'Meet the Lumen ' });
  });

  it('diffs multi-line text by lines and falls back to whole blocks when too large to compare', () => {
    const parts = diffText('a\nb\nc\nd\n', 'a\nB\nc\nd\n');
    expect(parts).toEqual([
      { op: 'same', text: 'a\n' },
      { op: 'del', text: 'b\n' },
      { op: 'add', text: 'B\n' },
      { op: 'same', text: 'c\nd\n' },
    ]);
    const big = Array.from({ length: 3000 }, (_, i) => `w${i} `);
    const other = Array.from({ length: 3000 }, (_, i) => `x${i} `);
    const fallback = diffTokens(['same ', ...big, 'end'], ['same ', ...other, 'end']);
    expect(fallback.map((p) => p.op)).toEqual(['same', 'del', 'add', 'same']);
  });

  it('shows the items appended to a message list as a conversation, not the whole list', () => {
    const before = { messages: [{ role: 'user', content: 'hi' }] };
    const after = {
      messages: [
        { role: 'user', content: 'hi' },
        {
          lc: 1,
          type: 'constructor',
          id: ['langchain_core', 'messages', 'AIMessage'],
          kwargs: { content: '', tool_calls: [{ name: 'search', args: { q: 'tides' } }] },
        },
        { type: 'tool', content: [{ type: 'text', text: 'high tide 6am' }] },
      ],
    };
    const [row] = presentDiff(diffState(before, after));
    expect(row).toMatchObject({ channel: 'messages', kind: 'changed', summary: '+2 messages' });
    expect(row?.view).toEqual({
      type: 'items',
      total: 3,
      items: [
        { role: 'assistant', text: '→ search({"q":"tides"})' },
        { role: 'tool', text: 'high tide 6am' },
      ],
    });
  });

  it('summarises scalars, long strings, additions, removals and objects', () => {
    expect(presentChange({ channel: 'n', kind: 'changed', before: 1, after: 2 }).summary).toBe('1 → 2');
    expect(
      presentChange({ channel: 's', kind: 'changed', before: 'x'.repeat(50), after: 'y'.repeat(60) }).summary,
    ).toBe('50 → 60 chars');
    expect(presentChange({ channel: 's', kind: 'changed', before: 'yes', after: 'no' })).toMatchObject({
      summary: '"yes" → "no"',
      view: { type: 'text' },
    });
    expect(presentChange({ channel: 'l', kind: 'added', after: [1, 2] })).toMatchObject({
      summary: '2 items',
      view: { type: 'items', total: 2 },
    });
    expect(presentChange({ channel: 'o', kind: 'removed', before: { a: 1 } })).toMatchObject({
      summary: 'removed',
      view: { type: 'json', parts: [{ op: 'del' }] },
    });
    expect(
      presentChange({ channel: 'c', kind: 'changed', before: null, after: 'a long draft '.repeat(5) }),
    ).toMatchObject({ kind: 'changed', summary: 'set: 65 chars', view: { type: 'text', parts: [{ op: 'add' }] } });
    expect(presentChange({ channel: 'c', kind: 'changed', before: 'x', after: null })).toMatchObject({
      summary: 'cleared',
      view: { parts: [{ op: 'del', text: 'x' }] },
    });
    const obj = presentChange({ channel: 'o', kind: 'changed', before: { a: 1, b: 2 }, after: { a: 1, b: 3 } });
    expect(obj.summary).toBe('2 keys → 2 keys');
    expect(obj.view.type === 'json' && obj.view.parts.filter((p) => p.op !== 'same').map((p) => p.text.trim())).toEqual(
      ['"b": 2', '"b": 3'],
    );
  });

  it('reads plain items as themselves', () => {
    expect(itemView({ round: 1, accepted: false })).toEqual({
      role: undefined,
      text: '{\n  "round": 1,\n  "accepted": false\n}',
    });
    expect(itemView('text')).toEqual({ role: undefined, text: 'text' });
    expect(itemView({ role: 'human', content: 'q' })).toEqual({ role: 'user', text: 'q' });
  });
});
