import { describe, expect, it } from 'vitest';
import { costOf, DEFAULT_PRICES, priceOf } from './prices.js';

describe('price table', () => {
  it('finds exact models, dated versions by prefix, and provider wildcards', () => {
    expect(priceOf('openai:gpt-4o-mini')).toMatchObject({ key: 'openai:gpt-4o-mini', source: 'default' });
    expect(priceOf('openai:gpt-4o-mini-2024-07-18')?.key).toBe('openai:gpt-4o-mini');
    expect(priceOf('openai:gpt-4o-2024-08-06')?.key).toBe('openai:gpt-4o');
    expect(priceOf('anthropic:claude-sonnet-4-5-20250929')?.key).toBe('anthropic:claude-sonnet-4-5');
    expect(priceOf('anthropic:claude-opus-4-1-20250805')?.key).toBe('anthropic:claude-opus-4-1');
    expect(priceOf('ollama:llama3.2:3b')?.key).toBe('ollama:*');
    expect(priceOf('scripted:default')?.price).toEqual({ input: 0, output: 0 });
    // A prefix must end at a boundary: gpt-4o is not gpt-4 with an "o".
    expect(priceOf('openai:gpt-4')).toBeUndefined();
    expect(priceOf('mistral:large')).toBeUndefined();
  });

  it('user overrides win, including provider wildcards', () => {
    const overrides = { 'openai:gpt-4o-mini': { input: 1, output: 2 }, 'vllm:*': { input: 0.01, output: 0.02 } };
    expect(priceOf('openai:gpt-4o-mini-2024-07-18', overrides)).toMatchObject({
      source: 'override',
      price: { input: 1, output: 2 },
    });
    expect(priceOf('vllm:qwen2.5', overrides)).toMatchObject({ key: 'vllm:*', source: 'override' });
    expect(priceOf('openai:gpt-4o', overrides)?.source).toBe('default');
  });

  it('every built-in price is non-negative with output ≥ input', () => {
    for (const [key, p] of Object.entries(DEFAULT_PRICES)) {
      expect(p.input, key).toBeGreaterThanOrEqual(0);
      expect(p.output, key).toBeGreaterThanOrEqual(p.input);
      if (p.cachedInput !== undefined) expect(p.cachedInput, key).toBeLessThanOrEqual(p.input);
    }
  });
});

describe('costOf', () => {
  it('prices input, output and cached input per million tokens', () => {
    // gpt-4o-mini: 0.15 in, 0.075 cached, 0.60 out per 1M.
    expect(costOf('openai:gpt-4o-mini', { input: 1_000_000, output: 1_000_000 }).usd).toBeCloseTo(0.75, 9);
    expect(costOf('openai:gpt-4o-mini', { input: 1000, output: 500, cached: 400 }).usd).toBeCloseTo(
      (600 * 0.15 + 400 * 0.075 + 500 * 0.6) / 1e6,
      12,
    );
  });

  it('prices Anthropic cache writes and reads', () => {
    // sonnet 4.5: 3 in, 0.30 read, 3.75 write, 15 out.
    const c = costOf('anthropic:claude-sonnet-4-5', { input: 10_000, cached: 6_000, cacheWrite: 2_000, output: 1_000 });
    expect(c.usd).toBeCloseTo((2_000 * 3 + 6_000 * 0.3 + 2_000 * 3.75 + 1_000 * 15) / 1e6, 12);
    expect(c.price?.key).toBe('anthropic:claude-sonnet-4-5');
  });

  it('uses overrides, is zero for local models and undefined (not zero) for unknown ones', () => {
    expect(
      costOf('openai:gpt-4o', { input: 2_000_000, output: 0 }, { 'openai:gpt-4o': { input: 1, output: 1 } }).usd,
    ).toBe(2);
    expect(costOf('ollama:llama3', { input: 5000, output: 5000 }).usd).toBe(0);
    expect(costOf('mistral:large', { input: 1, output: 1 })).toEqual({ usd: undefined });
  });

  it('cached input falls back to the input price and never exceeds input', () => {
    const overrides = { 'x:y': { input: 2, output: 4 } };
    expect(costOf('x:y', { input: 100, output: 0, cached: 500 }, overrides).usd).toBeCloseTo(200 / 1e6, 12);
  });
});
