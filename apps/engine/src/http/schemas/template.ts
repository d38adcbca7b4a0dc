import { z } from '@hono/zod-openapi';
import { JsonObject } from './common.js';

/** An example workflow offered as a starting point (`GET /v1/templates`). */
export const Template = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    labels: z.array(z.string()),
    document: JsonObject.openapi({ description: 'The workflow document, to open as a new workflow.' }),
  })
  .openapi('Template');
export type Template = z.infer<typeof Template>;

export const TemplateList = z.object({ items: z.array(Template) }).openapi('TemplateList');
