import { z } from 'zod';
import { AIMessage, HumanMessage, SystemMessage, isBaseMessage } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';
import { FlowError } from '@flowcraft/schema';
import { defineNodeType } from '../sdk/define-node-type.js';
import { render } from '../sdk/template.js';
import { fieldContext } from '../sdk/expression-context.js';
import { ERROR_OUT, IN, OUT, modelField, modelSpec, policyFields, textOf } from './common.js';

export const llmConfig = z.object({
  model: modelField,
  system: z.string().default(''),
  prompt: z.string().default('{{ state.input }}'),
  /** Channel receiving the reply text, or the structured object when `schema` is set. */
  output: z.string().min(1).default('output'),
  /** JSON Schema of a structured reply (an object schema). */
  schema: z.record(z.string(), z.unknown()).optional(),
  /** Prior conversation to send before the prompt (a `messages` channel). */
  history: z.string().optional(),
  /** Append the prompt and the reply to this `messages` channel. */
  appendTo: z.string().optional(),
  ...policyFields,
});

export function historyMessages(value: unknown): BaseMessage[] {
  return Array.isArray(value) ? value.filter((m): m is BaseMessage => isBaseMessage(m)) : [];
}

export const llmNode = defineNodeType({
  type: 'llm',
  version: 1,
  meta: {
    title: 'LLM',
    category: 'ai',
    description: 'One chat-model call from a prompt template over state; optional structured (JSON Schema) output.',
    icon: 'sparkles',
  },
  control: 'all',
  config: llmConfig,
  ui: {
    model: { widget: 'model', order: 0 },
    system: { widget: 'template', language: 'markdown', label: 'System prompt' },
    prompt: { widget: 'template', language: 'markdown', label: 'Prompt' },
    output: { widget: 'channel', label: 'Output channel' },
    schema: { widget: 'json', label: 'Structured output (JSON Schema)', advanced: true },
    history: { widget: 'channel', advanced: true },
    appendTo: { widget: 'channel', advanced: true },
  },
  ports: { inputs: [IN], outputs: [OUT, ERROR_OUT] },
  channels: (c) => ({ reads: c.history ? [c.history] : [], writes: [c.output, ...(c.appendTo ? [c.appendTo] : [])] }),
  build: ({ config, node, services, settings }) => {
    const spec = modelSpec(config.model, settings.defaultModel);
    const at = fieldContext(node, services);
    return {
      async run(state, ctx) {
        const model = services.models.chat(spec, { nodeId: node.id });
        const prompt = await render(config.prompt, state, at('prompt'));
        const messages: BaseMessage[] = [];
        if (config.system) messages.push(new SystemMessage(await render(config.system, state, at('system'))));
        if (config.history) messages.push(...historyMessages(state[config.history]));
        const human = new HumanMessage(prompt);
        messages.push(human);
        const callOpts = { signal: ctx.signal };
        let value: unknown;
        let reply: AIMessage;
        if (config.schema) {
          const schema = { title: 'output', ...config.schema };
          const structured = model.withStructuredOutput(schema, { name: 'output', includeRaw: true });
          const res = await structured.invoke(messages, callOpts);
          if (res.parsed === null || res.parsed === undefined)
            throw new FlowError('model_error', 'The model returned no structured output', { nodeId: node.id });
          value = res.parsed;
          reply = new AIMessage(JSON.stringify(res.parsed));
        } else {
          const res = await model.invoke(messages, callOpts);
          value = textOf(res.content);
          reply = new AIMessage({ content: textOf(res.content), id: res.id });
        }
        const update: Record<string, unknown> = { [config.output]: value };
        if (config.appendTo) update[config.appendTo] = [human, reply];
        return { update };
      },
    };
  },
});
