import { z } from 'zod';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { FlowError, MAX_TIMEOUT_MS, RetrySettings } from '@flowcraft/schema';
import type { ConfigIssue } from '@flowcraft/schema';
import { defineNodeType, render } from '@flowcraft/node-types';
import type { Migration } from '@flowcraft/node-types';
import { LABELS, labelFor, lexiconScore, words } from './lexicon.js';
import type { Sentiment, SentimentLabel } from './lexicon.js';

/**
 * Config of `acme/sentiment`, version 2.
 *
 * Version 1 was binary (positive/negative ports only) and named its fields differently:
 * `{ source, target, useModel, model }`. See `migrateV1`.
 */
export const sentimentConfig = z.object({
  /** `lexicon`: offline word lists (no model call); `model`: a chat model with structured output. */
  mode: z.enum(['lexicon', 'model']).default('lexicon'),
  /** Channel holding the text to classify. */
  input: z.string().min(1).default('input'),
  /** Channel receiving `{ label, score }`. */
  output: z.string().min(1).default('sentiment'),
  /** Add a `neutral` branch; without it every text is positive or negative (the v1 behaviour). */
  neutral: z.boolean().default(true),
  /** Scores within ±neutralBand of 0 are neutral (lexicon mode, and model replies with an unusable label). */
  neutralBand: z.number().min(0).max(1).default(0.2),
  /** `provider:model`; empty = the workflow's default model. Model mode only. */
  model: z.string().default(''),
  /** System prompt for model mode (template over state). */
  instructions: z
    .string()
    .default(
      "You classify the sentiment of customer messages for a support team. Judge the customer's attitude, not the topic.",
    ),
  /** Words added to the built-in lexicon (lexicon mode). */
  positiveWords: z.array(z.string().min(1)).default([]),
  negativeWords: z.array(z.string().min(1)).default([]),
  // Read by the engine for every node type (see README "Custom node types").
  retry: RetrySettings.partial().strict().optional(),
  timeoutMs: z.number().int().min(0).max(MAX_TIMEOUT_MS).optional(),
});
export type SentimentConfig = z.infer<typeof sentimentConfig>;

/** v1 → v2: rename fields, turn `useModel` into `mode`, and keep v1 documents binary (their edges only cover positive/negative). */
export const migrateV1: Migration = {
  to: 2,
  up: (old) => {
    const next: Record<string, unknown> = { mode: old.useModel === true ? 'model' : 'lexicon', neutral: false };
    if (old.source !== undefined) next.input = old.source;
    if (old.target !== undefined) next.output = old.target;
    if (old.model !== undefined) next.model = old.model;
    if (old.retry !== undefined) next.retry = old.retry;
    if (old.timeoutMs !== undefined) next.timeoutMs = old.timeoutMs;
    return next;
  },
};

function labelsOf(config: Pick<SentimentConfig, 'neutral'>): SentimentLabel[] {
  return config.neutral ? [...LABELS] : ['positive', 'negative'];
}

function isLabel(value: unknown, allowed: readonly SentimentLabel[]): value is SentimentLabel {
  return allowed.some((l) => l === value);
}

/** JSON Schema of the model's structured reply. */
function replySchema(labels: readonly SentimentLabel[]): Record<string, unknown> {
  return {
    title: 'sentiment',
    description: 'The sentiment of the message.',
    type: 'object',
    properties: {
      label: { type: 'string', enum: labels },
      score: { type: 'number', minimum: -1, maximum: 1, description: '-1 very negative, 0 neutral, 1 very positive' },
    },
    required: ['label', 'score'],
  };
}

const ModelReply = z.object({ label: z.string().optional(), score: z.number().finite() });

const clampScore = (n: number): number => Math.round(Math.max(-1, Math.min(1, n)) * 100) / 100;

/** The text to classify from a channel value: strings as is, nothing as '', anything else as JSON. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}

function checkWords(config: SentimentConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const fields: ('positiveWords' | 'negativeWords')[] = ['positiveWords', 'negativeWords'];
  for (const field of fields) {
    config[field].forEach((w, i) => {
      if (words(w).length !== 1) issues.push({ path: [field, i], message: `"${w}" is not a single word` });
    });
  }
  const positives = new Set(config.positiveWords.map((w) => w.toLowerCase()));
  config.negativeWords.forEach((w, i) => {
    if (positives.has(w.toLowerCase()))
      issues.push({ path: ['negativeWords', i], message: `"${w}" is also a positive word` });
  });
  return issues;
}

const branch = (id: SentimentLabel, label: string) => ({ id, label, required: true, multiple: true });

/** `acme/sentiment`: classifies a text channel and routes by the result, like a router with fixed branches. */
export const sentimentNode = defineNodeType({
  type: 'acme/sentiment',
  version: 2,
  meta: {
    title: 'Sentiment',
    category: 'ai',
    description:
      'Classifies the sentiment of a text channel (offline word lists or a chat model), writes { label, score } and takes the positive, negative or neutral branch.',
    icon: 'smile',
  },
  control: 'choice',
  config: sentimentConfig,
  ui: {
    mode: {
      widget: 'select',
      order: 0,
      label: 'Classifier',
      help: 'lexicon: built-in word lists, no model call; model: a chat model with structured output',
    },
    input: { widget: 'channel', order: 1, label: 'Text channel' },
    output: {
      widget: 'channel',
      order: 2,
      label: 'Result channel',
      help: 'Receives { label, score }, score from -1 to 1',
    },
    neutral: { widget: 'switch', label: 'Neutral branch' },
    neutralBand: { widget: 'number', label: 'Neutral band', help: 'Scores within ± this of 0 are neutral' },
    model: { widget: 'model' },
    instructions: { widget: 'template', language: 'markdown', label: 'Instructions', advanced: true },
    positiveWords: { label: 'Extra positive words', advanced: true },
    negativeWords: { label: 'Extra negative words', advanced: true },
  },
  ports: {
    inputs: [{ id: 'in', label: 'in', multiple: true }],
    outputs: [
      branch('positive', 'positive'),
      branch('negative', 'negative'),
      { ...branch('neutral', 'neutral'), when: { field: 'neutral', in: [true] } },
      { id: 'error', label: 'on error', multiple: true },
    ],
  },
  migrations: [migrateV1],
  check: checkWords,
  channels: (c) => ({ reads: [c.input], writes: [c.output] }),
  build: ({ config, node, services, settings }) => {
    const labels = labelsOf(config);
    const banding = { neutral: config.neutral, neutralBand: config.neutralBand };
    const modelSpec = config.model.trim() || settings.defaultModel;

    async function classifyWithModel(
      text: string,
      state: Record<string, unknown>,
      signal: AbortSignal,
    ): Promise<Sentiment> {
      const model = services.models.chat(modelSpec, { nodeId: node.id });
      const system = `${await render(config.instructions, state)}\n\nAnswer with one label of: ${labels.join(', ')}, and a score from -1 (very negative) to 1 (very positive).`;
      const raw = await model
        .withStructuredOutput(replySchema(labels), { name: 'sentiment' })
        .invoke([new SystemMessage(system), new HumanMessage(text)], { signal });
      const reply = ModelReply.safeParse(raw);
      if (!reply.success)
        throw new FlowError(
          'model_error',
          `The model returned no usable sentiment: ${reply.error.issues[0]?.message ?? 'invalid reply'}`,
          { nodeId: node.id },
        );
      const score = clampScore(reply.data.score);
      // Trust the model's label when it is one of ours; otherwise derive it from the score.
      return { label: isLabel(reply.data.label, labels) ? reply.data.label : labelFor(score, banding), score };
    }

    return {
      async run(state, ctx) {
        const text = textOf(state[config.input]).trim();
        let result: Sentiment;
        if (text === '') result = { label: labelFor(0, banding), score: 0 };
        else if (config.mode === 'model') result = await classifyWithModel(text, state, ctx.signal);
        else {
          const { score } = lexiconScore(text, {
            positiveWords: config.positiveWords,
            negativeWords: config.negativeWords,
          });
          result = { label: labelFor(score, banding), score };
        }
        return { update: { [config.output]: result }, ports: [result.label] };
      },
    };
  },
});
