import { describe, expect, it } from 'vitest';
import { LinearRegExp, regexError } from './linear-regexp.js';

describe('LinearRegExp (RE2 semantics behind JSONata regex literals)', () => {
  it('iterates matches from lastIndex like a global RegExp, groups included', () => {
    const re = new LinearRegExp(/([a-z])(\d)?/gi);
    const first = re.exec('1A2b');
    expect(first && [...first]).toEqual(['A2', 'A', '2']);
    expect(first?.index).toBe(1);
    const second = re.exec('1A2b');
    expect(second && [...second]).toEqual(['b', 'b', undefined]);
    expect(re.exec('1A2b')).toBeNull();
    expect(re.lastIndex).toBe(0);
  });

  it('reports UTF-16 indexes, as JavaScript strings count them', () => {
    const re = new LinearRegExp(/b/g);
    expect(re.exec('😀éb')?.index).toBe('😀éb'.indexOf('b'));
    expect(re.lastIndex).toBe(4);
  });

  it('matches a catastrophic-backtracking pattern in linear time (returns, does not hang)', () => {
    expect(new LinearRegExp(/^(a+)+$/).exec(`${'a'.repeat(100_000)}!`)).toBeNull();
  });

  it('reports patterns RE2 cannot run', () => {
    expect(regexError(/(a)\1/)).toContain('backreferences');
    expect(regexError(/a(?=b)/)).toContain('not supported');
    expect(regexError(/^\w+@\w+\.[a-z]{2,}$/i)).toBeUndefined();
  });
});
