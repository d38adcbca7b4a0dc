import type { ChannelType, NodeTypeDescription } from '@flowcraft/schema';
import { isRecord, kindOf, readSchema } from './json-schema.js';

/** One place in a node's config that names a state channel. */
export interface ChannelRef {
  /** Path inside the config, e.g. `["output"]`, `["inputs", 0, "channel"]`, `["outputs", 1]`. */
  path: (string | number)[];
  name: string;
  role: 'read' | 'write';
}

/** Channel fields that read (everything else named by a channel widget writes). */
const READ_FIELDS = new Set(['history', 'outputs']);
/** The field a new node's automatic output channel goes into. */
export const OUTPUT_FIELD = 'output';

/**
 * The channel references in a config, read from the node type's description alone (the engine's
 * `channels()` is code): top-level fields with the `channel` widget (strings or lists of strings) and
 * list items with a `channel` property (start inputs, transform assignments), which write.
 */
export function channelRefs(desc: NodeTypeDescription, config: Record<string, unknown>): ChannelRef[] {
  const refs: ChannelRef[] = [];
  const props = readSchema(desc.configSchema).properties ?? {};
  for (const [key, schema] of Object.entries(props)) {
    const value = config[key];
    const role = READ_FIELDS.has(key) ? 'read' : 'write';
    if (desc.ui[key]?.widget === 'channel') {
      if (typeof value === 'string' && value !== '') refs.push({ path: [key], name: value, role });
      if (Array.isArray(value))
        value.forEach((v, i) => {
          if (typeof v === 'string' && v !== '') refs.push({ path: [key, i], name: v, role });
        });
      continue;
    }
    if (kindOf(schema) === 'array' && schema.items?.properties?.channel && Array.isArray(value)) {
      value.forEach((item, i) => {
        const name = isRecord(item) ? item.channel : undefined;
        if (typeof name === 'string' && name !== '') refs.push({ path: [key, i, 'channel'], name, role: 'write' });
      });
    }
  }
  return refs;
}

/** Reads and writes of a config, as the shared validator's catalog entry reports them. */
export function channelUse(
  desc: NodeTypeDescription,
  config: Record<string, unknown>,
): { reads: string[]; writes: string[] } {
  const refs = channelRefs(desc, config);
  return {
    reads: [...new Set(refs.filter((r) => r.role === 'read').map((r) => r.name))],
    writes: [...new Set(refs.filter((r) => r.role === 'write').map((r) => r.name))],
  };
}

/** The type to declare for a channel a node writes: text for model answers, JSON for the rest. */
export function channelTypeFor(desc: NodeTypeDescription, config: Record<string, unknown>, path: string): ChannelType {
  if (path === OUTPUT_FIELD && desc.category === 'ai' && config.schema === undefined) return 'string';
  if (desc.role === 'start') return 'string';
  if (path === 'appendTo') return 'messages';
  return 'json';
}
