import { z } from 'zod';
import { defineNodeType } from '../sdk/define-node-type.js';
import { fieldContext } from '../sdk/expression-context.js';
import { render, templateError } from '../sdk/template.js';
import { chunksAsText, requireKnowledge } from '../tools/memory-tools.js';
import { ERROR_OUT, IN, OUT, policyFields } from './common.js';

export const retrieveConfig = z.object({
  /** Knowledge base id (see the Knowledge page or `GET /v1/knowledge`). */
  knowledgeBase: z.string().default(''),
  /** Search text, a template over state. */
  query: z.string().default('{{ state.input }}'),
  topK: z.number().int().min(1).max(100).default(4),
  /** Minimum cosine similarity (−1…1); weaker chunks are left out. */
  threshold: z.number().min(-1).max(1).optional(),
  /** Only chunks whose metadata contains these values (the document's metadata, plus `source`). */
  filter: z.record(z.string(), z.unknown()).optional(),
  /** Channel receiving the chunks: `[{ content, citation, source, score, lineFrom, lineTo, … }]`. */
  output: z.string().min(1).default('context'),
  /** Optional channel receiving the chunks as numbered text with citations, ready for a prompt. */
  textOutput: z.string().optional(),
  ...policyFields,
});

/** Semantic search over a knowledge base: the top-k chunks with their citations into a channel. */
export const retrieveNode = defineNodeType({
  type: 'retrieve',
  version: 1,
  meta: {
    title: 'Retrieve',
    category: 'data',
    description:
      'Searches a knowledge base (top-k, score threshold, metadata filter) and writes the chunks with citations (source and lines) to a channel.',
    icon: 'book-open',
  },
  control: 'all',
  config: retrieveConfig,
  ui: {
    knowledgeBase: { label: 'Knowledge base', order: 0 },
    query: { widget: 'template', label: 'Query' },
    topK: { label: 'Top k' },
    threshold: { label: 'Score threshold', advanced: true },
    filter: { widget: 'json', label: 'Metadata filter', advanced: true },
    output: { widget: 'channel', label: 'Chunks channel' },
    textOutput: { widget: 'channel', label: 'Text channel', advanced: true },
  },
  ports: { inputs: [IN], outputs: [OUT, ERROR_OUT] },
  check: (c) => {
    const problems: { path: (string | number)[]; message: string }[] = [];
    if (c.knowledgeBase.trim() === '') problems.push({ path: ['knowledgeBase'], message: 'choose a knowledge base' });
    const e = templateError(c.query);
    if (e) problems.push({ path: ['query'], message: `invalid template: ${e}` });
    return problems;
  },
  channels: (c) => ({ reads: [], writes: [c.output, ...(c.textOutput ? [c.textOutput] : [])] }),
  build: ({ config, node, services }) => {
    const at = fieldContext(node, services);
    return {
      async run(state, ctx) {
        const knowledge = requireKnowledge(services.knowledge, node.id);
        const query = String(await render(config.query, state, at('query')));
        const chunks = await knowledge.retrieve(
          {
            knowledgeBase: config.knowledgeBase,
            query,
            topK: config.topK,
            ...(config.threshold === undefined ? {} : { threshold: config.threshold }),
            ...(config.filter ? { filter: config.filter } : {}),
          },
          ctx.signal,
        );
        ctx.emit({ kind: 'retrieval', knowledgeBase: config.knowledgeBase, hits: chunks.map((c) => c.citation) });
        const update: Record<string, unknown> = { [config.output]: chunks };
        if (config.textOutput) update[config.textOutput] = chunksAsText(chunks);
        return { update };
      },
    };
  },
});
