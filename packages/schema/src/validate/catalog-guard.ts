import { z } from 'zod';
import type { CatalogEntry, NodeCatalog, ResolvedPorts } from '../catalog.js';
import { PortSpec } from '../ports.js';
import { errorText } from './problems.js';

/**
 * Calls into a node catalog, guarded: node types are plugins, so every call may throw or
 * return malformed data. Each helper returns a value or a message, never throws.
 */

/** `threw`: the call threw; `malformed`: it returned data that breaks the catalog contract. */
export type Guarded<T> = { ok: true; value: T } | { ok: false; reason: 'threw' | 'malformed'; message: string };

const ResolvedPortsShape = z.object({ inputs: z.array(PortSpec), outputs: z.array(PortSpec) });

const ChannelUseShape = z.object({ reads: z.array(z.string()), writes: z.array(z.string()) });

const ConfigIssueShape = z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() });
const ConfigCheckShape = z.union([
  z.object({ ok: z.literal(true), config: z.record(z.string(), z.unknown()) }),
  z.object({ ok: z.literal(false), issues: z.array(ConfigIssueShape) }),
]);
export type CheckedConfig = z.infer<typeof ConfigCheckShape>;

const EntryShape = z.object({
  type: z.string(),
  version: z.number().int().min(1),
  role: z.enum(['start', 'end']).optional(),
  control: z.enum(['all', 'choice', 'map']),
  checkConfig: z.custom<unknown>((v) => typeof v === 'function', 'checkConfig must be a function'),
  ports: z.custom<unknown>((v) => typeof v === 'function', 'ports must be a function'),
  channels: z.custom<unknown>((v) => typeof v === 'function', 'channels must be a function'),
});

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}

function attempt<T>(what: string, call: () => unknown, shape: z.ZodType<T>): Guarded<T> {
  let raw: unknown;
  try {
    raw = call();
  } catch (err) {
    return { ok: false, reason: 'threw', message: `${what} threw: ${errorText(err)}` };
  }
  try {
    const parsed = shape.safeParse(raw);
    if (parsed.success) return { ok: true, value: parsed.data };
    return {
      ok: false,
      reason: 'malformed',
      message: `${what} returned malformed data: ${describeIssues(parsed.error)}`,
    };
  } catch (err) {
    return { ok: false, reason: 'malformed', message: `${what} returned unreadable data: ${errorText(err)}` };
  }
}

/** Look up a node type; `value` is undefined when the type is unknown. */
export function lookupEntry(catalog: NodeCatalog, type: string): Guarded<CatalogEntry | undefined> {
  let entry: CatalogEntry | undefined;
  try {
    entry = catalog.get(type);
  } catch (err) {
    return { ok: false, reason: 'threw', message: `looking up node type "${type}" threw: ${errorText(err)}` };
  }
  if (entry === undefined || entry === null) return { ok: true, value: undefined };
  try {
    const shape = EntryShape.safeParse(entry);
    if (!shape.success)
      return {
        ok: false,
        reason: 'malformed',
        message: `node type "${type}" is malformed: ${describeIssues(shape.error)}`,
      };
  } catch (err) {
    return { ok: false, reason: 'malformed', message: `node type "${type}" is unreadable: ${errorText(err)}` };
  }
  return { ok: true, value: entry };
}

export function checkConfig(entry: CatalogEntry, config: unknown, typeVersion: number): Guarded<CheckedConfig> {
  return attempt(
    `checkConfig of node type "${entry.type}"`,
    () => entry.checkConfig(config, typeVersion),
    ConfigCheckShape,
  );
}

export function resolvePorts(entry: CatalogEntry, config: Record<string, unknown>): Guarded<ResolvedPorts> {
  return attempt(`ports() of node type "${entry.type}"`, () => entry.ports(config), ResolvedPortsShape);
}

export function resolveChannels(
  entry: CatalogEntry,
  config: Record<string, unknown>,
): Guarded<{ reads: string[]; writes: string[] }> {
  return attempt(`channels() of node type "${entry.type}"`, () => entry.channels(config), ChannelUseShape);
}
