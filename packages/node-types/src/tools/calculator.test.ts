import { FlowError } from '@flowcraft/schema';
import { describe, expect, it } from 'vitest';
import { calculate, MAX_EXPRESSION_LENGTH } from './calculator.js';

function errorOf(fn: () => unknown): FlowError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FlowError);
    return err as FlowError;
  }
  throw new Error('expected a FlowError');
}

describe('calculate', () => {
  it('does arithmetic and returns numbers', () => {
    expect(calculate('1 + 2 * 3')).toBe(7);
    expect(calculate('(2 + 3)^2 / 5')).toBe(5);
    expect(calculate('10 % 4')).toBe(2);
    expect(calculate('-2.5 * 4')).toBe(-10);
  });

  it('supports functions, constants, units, complex numbers and matrices', () => {
    expect(calculate('sqrt(16) + abs(-2)')).toBe(6);
    expect(calculate('sin(pi / 2)')).toBe(1);
    expect(calculate('round(e, 3)')).toBe(2.718);
    expect(calculate('2 inch to cm')).toBe('5.08 cm');
    expect(calculate('5 cm + 2 inch')).toBe('10.08 cm');
    expect(calculate('sqrt(-4)')).toBe('2i');
    expect(calculate('det([1, 2; 3, 4])')).toBe(-2);
    expect(calculate('[1, 2] * 2')).toBe('[2, 4]');
    expect(calculate('mean([1, 2, 3, 4])')).toBe(2.5);
  });

  it('returns the last value of a multi-statement expression and keeps no state between calls', () => {
    expect(calculate('x = 3; y = x^2; y + 1')).toBe(10);
    expect(calculate('f(a) = a * 2; f(21)')).toBe(42);
    expect(() => calculate('x + 1')).toThrow(/Undefined symbol x/);
  });

  it('returns non-finite and non-numeric results as text', () => {
    expect(calculate('1 / 0')).toBe('Infinity');
    expect(calculate('2 > 1')).toBe('true');
    expect(calculate('bignumber(1) / 3')).toBe('0.33333333333333');
  });

  it('rejects the functions the mathjs security guide disables', () => {
    for (const expression of [
      'import({ x: 1 })',
      'createUnit("foo")',
      'evaluate("1 + 1")',
      'parse("2")',
      'compile("2")',
      'simplify("x + x")',
      'derivative("x^2", "x")',
      'config({ number: "BigNumber" })',
    ]) {
      const err = errorOf(() => calculate(expression));
      expect(err.code).toBe('tool_error');
      expect(err.message).toMatch(/is disabled/);
    }
  });

  it('keeps the restrictions after a rejected call (the instance cannot be altered)', () => {
    expect(() => calculate('import({ sqrt: 1 }, { override: true })')).toThrow(/disabled/);
    expect(calculate('sqrt(9)')).toBe(3);
  });

  it('rejects expressions that allocate without bound', () => {
    expect(() => calculate('range(1, 1e9)')).toThrow(/range is disabled/);
    expect(() => calculate('sum(1:1e9)')).toThrow(/range is disabled/);
    expect(() => calculate('zeros(1e9)')).toThrow(/zeros is disabled/);
    expect(() => calculate('fraction(2)^1e9')).toThrow(/fraction is disabled/);
    expect(() => calculate('a = [1]; a[1e9] = 2')).toThrow(/assigning to an index/);
  });

  it('blocks escapes to JavaScript', () => {
    for (const expression of [
      'cos.constructor("return process")()',
      'cos.constructor',
      'a = {}; a.constructor',
      'a = {}; a.__proto__',
      'a = {}; a["__proto__"]',
      '[1, 2].map',
    ]) {
      const err = errorOf(() => calculate(expression));
      expect(err.code).toBe('tool_error');
    }
  });

  it('reports syntax errors, empty input and over-long input clearly', () => {
    const syntax = errorOf(() => calculate('2 +* 3'));
    expect(syntax.code).toBe('tool_error');
    expect(syntax.message).toMatch(/^Invalid expression: /);
    expect(errorOf(() => calculate('   ')).message).toMatch(/non-empty string/);
    expect(errorOf(() => calculate('1+'.repeat(MAX_EXPRESSION_LENGTH))).message).toMatch(/longer than/);
    expect(errorOf(() => calculate('foo(1)')).message).toMatch(/Could not evaluate "foo\(1\)"/);
  });
});
