import { z } from '@hono/zod-openapi';
import { Timestamp } from './common.js';

export const SecretNameParams = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/, 'letters, digits, _ . - (starting with a letter or _), at most 128')
    .openapi({ param: { name: 'name', in: 'path' }, example: 'OPENAI_API_KEY' }),
});

/** What the API shows of a secret: never its value. */
export const SecretInfo = z
  .object({
    name: z.string(),
    keyId: z.string().openapi({ description: 'Id of the key it is encrypted with (not the key).' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('SecretInfo');
export type SecretInfo = z.infer<typeof SecretInfo>;

export const SecretList = z.object({ items: z.array(SecretInfo) }).openapi('SecretList');

export const PutSecretBody = z
  .object({ value: z.string().min(1).max(16_384).openapi({ description: 'The secret; write-only, never returned.' }) })
  .strict()
  .openapi('PutSecretBody');
