import type { NodeType } from './define-node-type.js';
import { isRecord } from './is-record.js';

/** Fields `defineNodeType` results have; an object with some of them but not all is reported. */
export const NODE_TYPE_FIELDS: readonly (keyof NodeType)[] = [
  'type',
  'version',
  'meta',
  'control',
  'config',
  'portsSpec',
  'channels',
  'build',
];

function hasFunction(v: unknown, name: string): boolean {
  return isRecord(v) && typeof v[name] === 'function';
}

/** Fields of `NodeType` a value lacks or has in the wrong shape (structural; works across copies of the SDK). */
export function missingNodeTypeFields(v: Record<string, unknown>): (keyof NodeType)[] {
  const ok: Partial<Record<keyof NodeType, boolean>> = {
    type: typeof v.type === 'string' && v.type.length > 0,
    version: typeof v.version === 'number' && Number.isInteger(v.version) && v.version >= 1,
    meta: isRecord(v.meta) && typeof v.meta.title === 'string',
    control: typeof v.control === 'string',
    config: hasFunction(v.config, 'safeParse') && hasFunction(v.config, 'strict'),
    portsSpec: isRecord(v.portsSpec) && Array.isArray(v.portsSpec.inputs) && Array.isArray(v.portsSpec.outputs),
    channels: typeof v.channels === 'function',
    build: typeof v.build === 'function',
  };
  return NODE_TYPE_FIELDS.filter((f) => ok[f] !== true);
}

/** A value made by `defineNodeType` (possibly by another copy of this package, e.g. a plugin's). */
export function isNodeType(v: unknown): v is NodeType {
  return isRecord(v) && missingNodeTypeFields(v).length === 0;
}
