import { z } from 'zod';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { defineNodeType } from '../sdk/define-node-type.js';
import { evaluate, expressionError, render } from '../sdk/template.js';
import { fieldContext } from '../sdk/expression-context.js';
import { duplicateIds } from './common.js';
import { ERROR_OUT, IN, modelField, modelSpec, policyFields } from './common.js';

export const Route = z.strictObject({
  id: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9_-]+$/, 'route ids use letters, digits, _ and -'),
  label: z.string().default(''),
  /** What this branch is for (shown to the classifier model). */
  description: z.string().default(''),
  /** Rules mode: a JSONata condition over `state`, e.g. `state.score > 0.8`. */
  when: z.string().optional(),
});

export const FALLBACK_PORT = 'fallback';

export const routerConfig = z.object({
  mode: z.enum(['llm', 'rules']).default('llm'),
  routes: z
    .array(Route)
    .min(1)
    .default([{ id: 'a', label: 'A', description: '' }]),
  model: modelField,
  /** Text to classify (template). */
  input: z.string().default('{{ state.input }}'),
  instructions: z.string().default('Classify the request into exactly one of the routes.'),
  /** Below this confidence the fallback branch is taken (llm mode). */
  threshold: z.number().min(0).max(1).default(0.5),
  /** Rules mode: take every matching route (fan-out) rather than the first. */
  matchAll: z.boolean().default(false),
  /** Channel receiving `{ route, confidence, reason }`. */
  decision: z.string().optional(),
  ...policyFields,
});
type RouterConfig = z.infer<typeof routerConfig>;

const Decision = z.object({
  route: z.string(),
  confidence: z.number().min(0).max(1).default(1),
  reason: z.string().default(''),
});

function classifierSchema(config: RouterConfig): Record<string, unknown> {
  return {
    title: 'route_decision',
    description: 'The chosen route and how confident you are.',
    type: 'object',
    properties: {
      route: { type: 'string', enum: config.routes.map((r) => r.id) },
      confidence: { type: 'number', minimum: 0, maximum: 1 },
      reason: { type: 'string' },
    },
    required: ['route', 'confidence'],
  };
}

export const routerNode = defineNodeType({
  type: 'router',
  version: 1,
  meta: {
    title: 'Router',
    category: 'control',
    description:
      'Picks the branch to take: by LLM classification with a confidence threshold and a fallback branch, or by rules over state.',
    icon: 'split',
  },
  control: 'choice',
  config: routerConfig,
  ui: {
    mode: { widget: 'select', order: 0 },
    routes: { label: 'Routes', help: 'One output per route; ids name the branches.' },
    model: { widget: 'model' },
    input: { widget: 'template', language: 'markdown', label: 'Text to classify' },
    instructions: { widget: 'template', language: 'markdown' },
    threshold: { widget: 'number' },
    decision: { widget: 'channel', advanced: true },
  },
  ports: {
    inputs: [IN],
    outputs: [{ id: FALLBACK_PORT, label: 'fallback', required: true, multiple: true }, ERROR_OUT],
    outputsFrom: { field: 'routes', idKey: 'id', labelKey: 'label' },
  },
  check: (c) => [
    ...c.routes.flatMap((r, i) => {
      const e = r.when === undefined ? undefined : expressionError(r.when);
      return e ? [{ path: ['routes', i, 'when'], message: `invalid expression: ${e}` }] : [];
    }),
    ...(c.mode === 'rules' && !c.routes.some((r) => r.when)
      ? [{ path: ['routes'], message: 'rules mode needs a `when` condition on at least one route' }]
      : []),
    ...duplicateIds(c.routes.map((r) => r.id)).map((i) => ({
      path: ['routes', i, 'id'],
      message: `duplicate route id "${c.routes[i]?.id}"`,
    })),
  ],
  channels: (c) => ({ reads: [], writes: c.decision ? [c.decision] : [] }),
  build: ({ config, node, services, settings }) => {
    const spec = modelSpec(config.model, settings.defaultModel);
    const ids = new Set(config.routes.map((r) => r.id));
    const at = fieldContext(node, services);
    return {
      async run(state, ctx) {
        let decision: z.infer<typeof Decision>;
        let ports: string[];
        if (config.mode === 'rules') {
          const matched: string[] = [];
          for (const [i, r] of config.routes.entries()) {
            if (!r.when) continue;
            if (await evaluate(r.when, state, at(`routes.${i}.when`))) {
              matched.push(r.id);
              if (!config.matchAll) break;
            }
          }
          ports = matched.length > 0 ? matched : [FALLBACK_PORT];
          decision = {
            route: ports.join(','),
            confidence: 1,
            reason: matched.length > 0 ? 'rule matched' : 'no rule matched',
          };
        } else {
          const model = services.models.chat(spec, { nodeId: node.id });
          const routes = config.routes
            .map((r) => `- ${r.id}${r.label ? ` (${r.label})` : ''}: ${r.description}`)
            .join('\n');
          const system = `${await render(config.instructions, state, at('instructions'))}\n\nRoutes:\n${routes}\n\nAnswer with the route id and a confidence between 0 and 1.`;
          const raw = await model
            .withStructuredOutput(classifierSchema(config), { name: 'route_decision' })
            .invoke([new SystemMessage(system), new HumanMessage(await render(config.input, state, at('input')))], {
              signal: ctx.signal,
            });
          const parsed = Decision.safeParse(raw);
          decision = parsed.success ? parsed.data : { route: '', confidence: 0, reason: 'unparseable classification' };
          ports =
            ids.has(decision.route) && decision.confidence >= config.threshold ? [decision.route] : [FALLBACK_PORT];
        }
        const update = config.decision ? { [config.decision]: { ...decision, taken: ports } } : {};
        return { update, ports };
      },
    };
  },
});
