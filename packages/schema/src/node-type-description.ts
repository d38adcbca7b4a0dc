import { z } from 'zod';
import { PortsSpec } from './ports.js';

export const NodeCategory = z.enum(['io', 'ai', 'control', 'tools', 'human', 'data', 'custom']);
export type NodeCategory = z.infer<typeof NodeCategory>;

/** Editor hint for one config field. */
export const UiHint = z.object({
  widget: z
    .enum([
      'text',
      'textarea',
      'code',
      'json',
      'template',
      'expression',
      'model',
      'channel',
      'select',
      'number',
      'switch',
      'hidden',
      /** The id of a saved workflow (a sub-workflow's child), picked from the workflow list. */
      'workflow',
    ])
    .optional(),
  language: z.string().optional(),
  label: z.string().optional(),
  help: z.string().optional(),
  placeholder: z.string().optional(),
  order: z.number().optional(),
  advanced: z.boolean().optional(),
});
export type UiHint = z.infer<typeof UiHint>;

/** Everything the editor needs to know about a node type, as plain JSON (`GET /v1/node-types`). */
export const NodeTypeDescription = z.object({
  type: z.string(),
  version: z.number().int().min(1),
  title: z.string(),
  category: NodeCategory,
  description: z.string(),
  icon: z.string().optional(),
  role: z.enum(['start', 'end']).optional(),
  control: z.enum(['all', 'choice', 'map']),
  /** Field whose value `map` selects map control (e.g. parallel's `mode`), see `controlWhen`. */
  controlWhen: z
    .object({ field: z.string(), equals: z.string(), control: z.enum(['all', 'choice', 'map']) })
    .optional(),
  configSchema: z.record(z.string(), z.unknown()),
  defaults: z.record(z.string(), z.unknown()),
  ui: z.record(z.string(), UiHint),
  ports: PortsSpec,
  custom: z.boolean().default(false),
});
export type NodeTypeDescription = z.infer<typeof NodeTypeDescription>;
