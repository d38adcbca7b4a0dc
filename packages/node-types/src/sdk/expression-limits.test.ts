import { describe, expect, it } from 'vitest';
import { FlowError } from '@flowcraft/schema';
import {
  EXPRESSION_TIMEOUT_ENV,
  type ExpressionLimitsInput,
  expressionLimitsFromEnv,
  resolveExpressionLimits,
} from './expression-limits.js';
import { withLagProbe } from './lag-probe.js';
import { evaluate, render } from './template.js';

/** Expressions that froze the engine (issue 12) or blow up one built-in; each must fail with expression_limit. */
const POISON: Record<string, { expr: string; limit: string; limits?: ExpressionLimitsInput }> = {
  'unbounded recursion (tail call)': { expr: '($f := function($n){ $f($n + 1) }; $f(0))', limit: 'timeoutMs' },
  // A generous time budget, so depth (not a loaded machine's clock) is what cuts it.
  'deep recursion': {
    expr: '($f := function($n){ 1 + $f($n + 1) }; $f(0))',
    limit: 'maxDepth',
    limits: { timeoutMs: 5000 },
  },
  'nested ranges': { expr: '$count([1..1000].([1..1000].([1..100])))', limit: 'timeoutMs' },
  'range over the item cap': { expr: '$count([1..(state.n * 10000000)])', limit: 'maxItems' },
  'string doubling': { expr: '$length($reduce([1..40], function($a, $v){ $a & $a }, "a"))', limit: 'maxStringLength' },
  'list doubling': { expr: '$count($reduce([1..40], function($a, $v){ $append($a, $a) }, [1]))', limit: 'maxItems' },
  'huge $pad': { expr: '$length($pad("", 500000000 * state.n))', limit: 'maxStringArgument' },
  '$sort of many objects': { expr: '$count($sort(state.objects))', limit: 'maxSortItems' },
  'huge $formatNumber picture': { expr: '$formatNumber(1, $pad("", 5000, "#"))', limit: 'maxStringArgument' },
  'poison inside $eval': { expr: '$eval("($f := function($n){ $f($n + 1) }; $f(0))")', limit: 'timeoutMs' },
};

const STATE = { n: 1, objects: Array.from({ length: 6000 }, (_, i) => ({ a: i })) };

describe('expression budget', () => {
  for (const [name, { expr, limit, limits }] of Object.entries(POISON)) {
    it(`cuts ${name} with expression_limit naming node and field; the event loop keeps turning`, async () => {
      const probe = await withLagProbe(() =>
        evaluate(expr, STATE, { nodeId: 'writer', field: 'prompt', ...(limits ? { limits } : {}) }),
      );
      expect(probe.error).toBeInstanceOf(FlowError);
      expect(probe.error).toMatchObject({
        code: 'expression_limit',
        nodeId: 'writer',
        details: { field: 'prompt', limit },
      });
      expect(String(probe.error instanceof Error ? probe.error.message : '')).toContain(
        'field "prompt" of node "writer"',
      );
      // Outcome, not a timing of our code: the loop stayed responsive (generous bound for a shared CI machine).
      expect(probe.maxLagMs).toBeLessThan(1000);
    });
  }

  it('a catastrophic-backtracking regex runs in linear time (RE2 engine) and still matches', async () => {
    const probe = await withLagProbe(() =>
      evaluate('[$contains(state.s, /^(a+)+$/), $contains("aaa", /^(a+)+$/)]', { s: `${'a'.repeat(5000)}!` }),
    );
    expect(probe.value).toEqual([false, true]);
    expect(probe.maxLagMs).toBeLessThan(1000);
  });

  it('a long series of cheap evaluations lets the event loop turn in between', async () => {
    const state = { items: Array.from({ length: 20_000 }, (_, i) => ({ price: i })) };
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    let seenBeforeEnd = false;
    // Straight-line expressions (no per-step hooks) awaited back to back only settle microtasks;
    // without a yield between them the immediate above could not run until the series ended.
    for (let i = 0; i < 60; i++) {
      const prices = await evaluate('state.items.price', state);
      expect(Array.isArray(prices) && prices.length).toBe(20_000);
      if (turned) seenBeforeEnd = true;
    }
    expect(seenBeforeEnd).toBe(true);
  });

  it('concurrent evaluations are each charged for their own steps only, not the wall clock', async () => {
    const expr = '$count([1..3000].($ * 2))';
    const generous = { timeoutMs: 10_000 };
    for (let i = 0; i < 3; i++) await evaluate(expr, {}, { limits: generous }); // warm up
    const t0 = performance.now();
    await evaluate(expr, {}, { limits: generous });
    const alone = performance.now() - t0;
    const limits = { timeoutMs: Math.max(20, Math.ceil(alone * 4)) };
    const t1 = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 24 }, () => evaluate(expr, {}, { limits })));
    const wall = performance.now() - t1;
    expect(results.map((r) => r.status)).toEqual(Array(24).fill('fulfilled'));
    // Each took longer than its budget on the wall clock (interleaved with 23 others), so a wall-clock
    // budget would have cut them all.
    expect(wall).toBeGreaterThan(limits.timeoutMs);
  });

  it('takes the default timeout from FLOWCRAFT_EXPRESSION_TIMEOUT_MS; injected limits win', async () => {
    expect(expressionLimitsFromEnv({ [EXPRESSION_TIMEOUT_ENV]: '40' }).timeoutMs).toBe(40);
    expect(expressionLimitsFromEnv({ [EXPRESSION_TIMEOUT_ENV]: 'nonsense' }).timeoutMs).toBe(100);
    expect(expressionLimitsFromEnv({}).timeoutMs).toBe(100);
    expect(resolveExpressionLimits({ timeoutMs: 250 }).timeoutMs).toBe(250);
    await expect(
      evaluate('($f := function($n){ $f($n + 1) }; $f(0))', {}, { limits: { timeoutMs: 40 } }),
    ).rejects.toMatchObject({ code: 'expression_limit', details: { limit: 'timeoutMs', value: 40 } });
  });

  it('a large string in the state can be read and sliced; building one is cut', async () => {
    const doc = 'x'.repeat(50);
    const limits = { maxStringLength: 20 };
    expect(await evaluate('$substring(state.doc, 0, 5)', { doc }, { limits })).toBe('xxxxx');
    expect(await evaluate('($d := state.doc; $length($d))', { doc }, { limits })).toBe(50);
    await expect(evaluate('$length(state.doc & "!")', { doc }, { limits })).rejects.toMatchObject({
      code: 'expression_limit',
      details: { limit: 'maxStringLength' },
    });
  });

  it('injected size limits apply', async () => {
    await expect(evaluate('$count([1..(state.n)])', { n: 50 }, { limits: { maxItems: 10 } })).rejects.toMatchObject({
      code: 'expression_limit',
      details: { limit: 'maxItems', value: 10 },
    });
    expect(await evaluate('$count([1..(state.n)])', { n: 50 }, { limits: { maxItems: 100 } })).toBe(50);
  });

  it('ordinary errors stay node_failed with the field', async () => {
    await expect(render('{{ $number("x") }}', {}, { nodeId: 'n', field: 'url' })).rejects.toMatchObject({
      code: 'node_failed',
      nodeId: 'n',
      details: { field: 'url' },
    });
  });

  it('capped built-ins keep JSONata semantics under the caps', async () => {
    const state = { words: ['pear', 'apple', 'fig', 'apple'], nums: [3, 1, 2, 3], people: [{ n: 'b' }, { n: 'a' }] };
    expect(await evaluate('$sort(state.words)', state)).toEqual(['apple', 'apple', 'fig', 'pear']);
    expect(await evaluate('$sort(state.nums)', state)).toEqual([1, 2, 3, 3]);
    expect(await evaluate('$sort(state.people, function($a, $b){ $a.n > $b.n }).n', state)).toEqual(['a', 'b']);
    expect(await evaluate('$distinct(state.words)', state)).toEqual(['pear', 'apple', 'fig']);
    expect(await evaluate('$distinct([{"a":1,"b":[2]},{"b":[2],"a":1},{"a":2}])', state)).toEqual([
      { a: 1, b: [2] },
      { a: 2 },
    ]);
    expect(await evaluate('$distinct([1, "1", true, "true", 1])', state)).toEqual([1, '1', true, 'true']);
    expect(await evaluate('$count($distinct(state.objects))', STATE)).toBe(6000);
    expect(await evaluate('$pad("7", -3, "0")', state)).toBe('007');
    expect(await evaluate('$replace("a-b-c", "-", "+")', state)).toBe('a+b+c');
    expect(await evaluate('$replace("a1b22", /[0-9]+/, "#")', state)).toBe('a#b#');
    expect(await evaluate('$split("a, b,c", /,\\s*/)', state)).toEqual(['a', 'b', 'c']);
    expect(await evaluate('$match("x12y345", /([0-9])([0-9]+)/).groups', state)).toEqual(['1', '2', '3', '45']);
    expect(await evaluate('$uppercase("abc") & $base64encode("hi")', state)).toBe('ABCaGk=');
    await expect(evaluate('$sort([1, "a"])', state)).rejects.toMatchObject({ code: 'node_failed' });
  });
});
