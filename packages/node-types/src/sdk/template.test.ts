import { describe, expect, it } from 'vitest';
import { evaluate, expressionError, render, renderValue, templateError } from './template.js';

describe('templates ({{ JSONata }} over { state })', () => {
  const state = { topic: 'tides', n: 3, items: ['a', 'b'], user: { name: 'Ada' }, empty: null };
  it('inserts strings, numbers and JSON', async () => {
    expect(await render('About {{ state.topic }} x{{ state.n }}', state)).toBe('About tides x3');
    expect(await render('{{ state.items }}', state)).toBe('[\n  "a",\n  "b"\n]');
    expect(await render('Hi {{ state.missing }}!', state)).toBe('Hi !');
    expect(await render('no placeholders', state)).toBe('no placeholders');
  });
  it('supports JSONata functions and conditionals', async () => {
    expect(await render('{{ $count(state.items) }} items, {{ $join(state.items, "+") }}', state)).toBe('2 items, a+b');
    expect(await render('{{ state.user.name ? state.user.name : "friend" }}', state)).toBe('Ada');
  });
  it('a lone placeholder keeps its value type', async () => {
    expect(await renderValue('{{ state.items }}', state)).toEqual(['a', 'b']);
    expect(await renderValue('{{ state.n * 2 }}', state)).toBe(6);
    expect(await renderValue('n={{ state.n }}', state)).toBe('n=3');
  });
  it('evaluates bare expressions', async () => {
    expect(await evaluate('state.n > 2', state)).toBe(true);
    expect(await evaluate('state.items[0]', state)).toBe('a');
  });
  it('reports what validation can see: unclosed {{, literal ranges over the cap, regexes RE2 cannot run', () => {
    expect(templateError('Hi {{ state.name }}, {{ state.topic')).toBe(
      'unclosed "{{" at line 1 ("{{ state.topic"): close it with "}}"',
    );
    expect(templateError('{{ state.a }} }} stray closers are text')).toBeUndefined();
    expect(expressionError('$count([1..100000000])')).toContain('over the limit of 100000');
    expect(expressionError('$count([1..100])')).toBeUndefined();
    expect(expressionError('$count([1..5000])', { maxItems: 1000 })).toContain('[1..5000] has 5000 items');
    expect(templateError('{{ $match(state.s, /(a)\\1/) }}')).toContain('backreferences');
    expect(expressionError('$contains(state.s, /^[a-z]+$/i)')).toBeUndefined();
  });
  it('reports syntax errors with the placeholder', async () => {
    expect(templateError('ok {{ state.a }}')).toBeUndefined();
    expect(templateError('bad {{ state.( }}')).toContain('state.(');
    expect(templateError('Hello {{ state.name')).toBe('unclosed "{{" at line 1 ("{{ state.name"): close it with "}}"');
    expect(templateError('ok {{ state.a }}\nthen {{ state.b')).toContain('unclosed "{{" at line 2');
    expect(templateError('{{ state.a }} and }} alone')).toBeUndefined();
    await expect(render('bad {{ state.( }}', state)).rejects.toMatchObject({ code: 'invalid_document' });
  });
});
