import { z } from '@hono/zod-openapi';

/** One provider as `GET /v1/models` shows it (mirrors models/list-models.ts); never a credential value. */
export const ModelProvider = z
  .object({
    provider: z.string().openapi({ example: 'openai' }),
    kind: z.enum(['scripted', 'openai', 'anthropic', 'ollama']),
    configured: z.boolean().openapi({ description: 'Usable now: its key (or base URL) is set, or it needs none.' }),
    models: z
      .union([z.literal('any'), z.array(z.string())])
      .openapi({ description: 'Models it serves, or `any` (the server decides).' }),
    suggested: z.array(z.string()).openapi({ description: 'Known models for the picker, as `provider:model`.' }),
    credential: z
      .object({ name: z.string(), source: z.enum(['env', 'secret', 'none']), required: z.boolean() })
      .optional()
      .openapi({ description: 'Name of the credential and where it comes from; never its value.' }),
    baseURL: z.string().optional().openapi({ description: 'Base URL without user info, query or fragment.' }),
    streaming: z.boolean(),
    tools: z.boolean(),
    offline: z.boolean(),
  })
  .openapi('ModelProvider');
export type ModelProvider = z.infer<typeof ModelProvider>;

export const ModelList = z
  .object({
    providers: z.array(ModelProvider),
    pricesAsOf: z.string().openapi({
      description: 'When the built-in price table was last checked (override prices in `settings.models.prices`).',
    }),
  })
  .openapi('ModelList');
