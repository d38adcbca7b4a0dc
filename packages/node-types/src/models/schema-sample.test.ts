import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createScriptedModels } from './index.js';
import { SAMPLE_TEXT, sampleFromSchema } from './schema-sample.js';

const routeDecision = {
  title: 'route_decision',
  type: 'object',
  properties: {
    route: { type: 'string', enum: ['billing', 'tech'] },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    reason: { type: 'string' },
  },
  required: ['route', 'confidence'],
};

describe('sampleFromSchema', () => {
  it('takes defaults, consts, the first enum value and union branch, and the upper bound of numbers', () => {
    expect(sampleFromSchema(routeDecision)).toEqual({
      route: 'billing',
      confidence: 1,
      reason: `${SAMPLE_TEXT} (reason)`,
    });
    expect(sampleFromSchema({ type: 'string', default: 'd' })).toBe('d');
    expect(sampleFromSchema({ const: 7 })).toBe(7);
    expect(sampleFromSchema({ anyOf: [{ type: 'null' }, { type: 'integer', minimum: 3 }] })).toBe(3);
    expect(sampleFromSchema({ type: ['null', 'boolean'] })).toBe(true);
  });

  it('fills arrays up to minItems and strings up to minLength, so the sample validates', () => {
    const Tags = z.object({ tags: z.array(z.string().min(40)).min(2) });
    const sample = sampleFromSchema(z.toJSONSchema(Tags));
    const parsed = Tags.safeParse(sample);
    expect(parsed.success).toBe(true);
    expect(sample).toMatchObject({ tags: [expect.stringContaining(SAMPLE_TEXT), expect.any(String)] });
  });
});

describe('a scripted model with nothing scripted', () => {
  it('answers a structured call with a schema-valid sample (source "sample"), a plain call with an echo', async () => {
    const models = createScriptedModels(undefined);
    const model = models.chat('scripted:default', { nodeId: 'router_1' });
    const decision = await model.withStructuredOutput(routeDecision, { name: 'route_decision' }).invoke('help me');
    expect(decision).toEqual({ route: 'billing', confidence: 1, reason: `${SAMPLE_TEXT} (reason)` });
    expect((await model.invoke('hello')).text).toBe('hello');
    expect(models.calls.map((c) => c.source)).toEqual(['sample', 'echo']);
  });

  it('samples a zod structured output too, and never replaces a scripted default', async () => {
    const Person = z.object({ name: z.string(), age: z.number().int().min(18) });
    const sampled = await createScriptedModels(undefined)
      .chat('scripted:x', { nodeId: 'n1' })
      .withStructuredOutput(Person)
      .invoke('who?');
    expect(Person.parse(sampled)).toEqual({ name: `${SAMPLE_TEXT} (name)`, age: 18 });
    const scripted = await createScriptedModels({ default: { structured: { name: 'Ada', age: 36 } } })
      .chat('scripted:x', { nodeId: 'n1' })
      .withStructuredOutput(Person)
      .invoke('who?');
    expect(scripted).toEqual({ name: 'Ada', age: 36 });
  });
});
