import { z } from 'zod';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { defineNodeType } from '../sdk/define-node-type.js';
import { render } from '../sdk/template.js';
import { fieldContext } from '../sdk/expression-context.js';
import { ERROR_OUT, IN, OUT, modelField, modelSpec, policyFields, textOf } from './common.js';

export const reflectionConfig = z.object({
  model: modelField,
  /** Critic model; empty = same as the generator. */
  criticModel: z.string().default(''),
  task: z.string().default('{{ state.input }}'),
  generatorSystem: z
    .string()
    .default('You write high-quality answers. When given feedback, revise your previous draft to address it.'),
  criticSystem: z
    .string()
    .default(
      'You are a demanding critic. Accept the draft only if it fully satisfies the task; otherwise give concrete feedback.',
    ),
  maxRounds: z.number().int().min(1).max(20).default(3),
  /** Channel receiving the final draft. */
  output: z.string().min(1).default('output'),
  /** Optional `list` channel receiving every round's `{ round, draft, accepted, feedback }`. */
  rounds: z.string().optional(),
  ...policyFields,
});

const Verdict = z.object({ accepted: z.boolean(), feedback: z.string().default(''), score: z.number().optional() });
const Progress = z.object({ round: z.number().int(), draft: z.string(), feedback: z.string() });

const verdictSchema = {
  title: 'critique',
  description: 'Whether the draft is accepted, with feedback for a revision.',
  type: 'object',
  properties: { accepted: { type: 'boolean' }, feedback: { type: 'string' }, score: { type: 'number' } },
  required: ['accepted', 'feedback'],
};

export const reflectionNode = defineNodeType({
  type: 'reflection',
  version: 1,
  meta: {
    title: 'Reflection',
    category: 'ai',
    description:
      'Generator → critic → revise until the critic accepts or the round limit is reached; each round is one step in the trace.',
    icon: 'repeat',
  },
  control: 'all',
  boundedSelfLoop: true,
  config: reflectionConfig,
  ui: {
    model: { widget: 'model' },
    criticModel: { widget: 'model' },
    task: { widget: 'template', language: 'markdown' },
    generatorSystem: { widget: 'template', language: 'markdown', advanced: true },
    criticSystem: { widget: 'template', language: 'markdown' },
    output: { widget: 'channel' },
    rounds: { widget: 'channel', advanced: true },
  },
  ports: { inputs: [IN], outputs: [OUT, ERROR_OUT] },
  channels: (c) => ({ reads: [], writes: [c.output, ...(c.rounds ? [c.rounds] : [])] }),
  build: ({ config, node, services, settings, privateChannel }) => {
    const genSpec = modelSpec(config.model, settings.defaultModel);
    const criticSpec = modelSpec(config.criticModel, genSpec);
    const progressChannel = privateChannel('progress');
    const at = fieldContext(node, services);
    return {
      privateChannels: { progress: { type: 'json', reducer: 'replace' } },
      async run(state, ctx) {
        const prev = Progress.safeParse(state[progressChannel]);
        const round = prev.success ? prev.data.round + 1 : 1;
        const task = await render(config.task, state, at('task'));
        const genMessages = [
          new SystemMessage(await render(config.generatorSystem, state, at('generatorSystem'))),
          new HumanMessage(task),
        ];
        if (prev.success) {
          genMessages.push(
            new HumanMessage(
              `Your previous draft:\n${prev.data.draft}\n\nCritic feedback:\n${prev.data.feedback}\n\nWrite the revised draft.`,
            ),
          );
        }
        const draft = textOf(
          (await services.models.chat(genSpec, { nodeId: node.id }).invoke(genMessages, { signal: ctx.signal }))
            .content,
        );
        const raw = await services.models
          .chat(criticSpec, { nodeId: node.id })
          .withStructuredOutput(verdictSchema, { name: 'critique' })
          .invoke(
            [
              new SystemMessage(await render(config.criticSystem, state, at('criticSystem'))),
              new HumanMessage(`Task:\n${task}\n\nDraft (round ${round}):\n${draft}`),
            ],
            { signal: ctx.signal },
          );
        const parsed = Verdict.safeParse(raw);
        const verdict = parsed.success
          ? parsed.data
          : { accepted: false, feedback: 'The critic gave no usable verdict.' };
        const done = verdict.accepted || round >= config.maxRounds;
        ctx.emit({ kind: 'reflection_round', round, accepted: verdict.accepted, feedback: verdict.feedback });
        const update: Record<string, unknown> = {};
        if (config.rounds)
          update[config.rounds] = [{ round, draft, accepted: verdict.accepted, feedback: verdict.feedback }];
        if (done) {
          update[config.output] = draft;
          return { update };
        }
        update[progressChannel] = { round, draft, feedback: verdict.feedback };
        return { update, self: true };
      },
    };
  },
});
