import { z } from 'zod';
import { ChannelType } from './workflow.js';

/** A port of a node, resolved from its config. */
export const PortSpec = z.object({
  id: z.string().min(1),
  label: z.string().optional(),
  /** Data hint shown in the editor and used to check connections. */
  dataType: z.union([z.literal('any'), ChannelType]).optional(),
  /** Must this output port be connected? (router branches, fallback) */
  required: z.boolean().optional(),
  /** May several edges leave this output port (fan-out)? */
  multiple: z.boolean().optional(),
});
export type PortSpec = z.infer<typeof PortSpec>;

/** Show a port only when a config field equals one of the given values. */
export const PortCondition = z.object({
  field: z.string(),
  in: z.array(z.union([z.string(), z.number(), z.boolean()])),
});

export const DeclaredPort = PortSpec.extend({ when: PortCondition.optional() });
export type DeclaredPort = z.infer<typeof DeclaredPort>;

/**
 * Ports as data, so the editor can compute them from a config without running node-type code
 * (also for custom node types served by the engine). `outputsFrom` adds one output per item of
 * an array field of the config (a router's routes).
 */
export const PortsSpec = z.object({
  inputs: z.array(DeclaredPort),
  outputs: z.array(DeclaredPort),
  outputsFrom: z
    .object({
      field: z.string(),
      idKey: z.string().default('id'),
      labelKey: z.string().optional(),
      when: PortCondition.optional(),
      /** Inserted before the static outputs (default) or after them. */
      placement: z.enum(['before', 'after']).default('before'),
    })
    .optional(),
});
export type PortsSpec = z.infer<typeof PortsSpec>;
export type PortsSpecInput = z.input<typeof PortsSpec>;

export interface ResolvedPorts {
  inputs: PortSpec[];
  outputs: PortSpec[];
}

function matches(cond: z.infer<typeof PortCondition> | undefined, config: Record<string, unknown>): boolean {
  if (!cond) return true;
  const v = config[cond.field];
  return (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && cond.in.includes(v);
}

function strip(p: DeclaredPort): PortSpec {
  const { when: _when, ...rest } = p;
  return rest;
}

/** Resolve declared ports against a node's config. Pure; used by engine, validator and editor. */
export function resolvePorts(spec: PortsSpec, config: Record<string, unknown>): ResolvedPorts {
  const inputs = spec.inputs.filter((p) => matches(p.when, config)).map(strip);
  const statics = spec.outputs.filter((p) => matches(p.when, config)).map(strip);
  const dynamic: PortSpec[] = [];
  const from = spec.outputsFrom;
  if (from && matches(from.when, config)) {
    const items = config[from.field];
    if (Array.isArray(items)) {
      for (const item of items) {
        if (item === null || typeof item !== 'object') continue;
        const rec = new Map<string, unknown>(Object.entries(item));
        const id = rec.get(from.idKey);
        if (typeof id !== 'string' || id.length === 0) continue;
        const label = from.labelKey ? rec.get(from.labelKey) : undefined;
        dynamic.push({ id, label: typeof label === 'string' && label ? label : id, required: true });
      }
    }
  }
  const outputs = from?.placement === 'after' ? [...statics, ...dynamic] : [...dynamic, ...statics];
  return { inputs, outputs };
}

/** The optional failure branch every node may have: taken once its retries are exhausted. Never concurrent with the node's other outputs. */
export const ERROR_PORT = 'error';
