import type { z } from 'zod';
import type { ConfigIssue, ControlKind, NodeCategory, PortsSpecInput, UiHint } from '@flowcraft/schema';
import { PortsSpec } from '@flowcraft/schema';
import type { BuildArgs, NodeRuntime } from './node-runtime.js';

/** Upgrade a config from version `to - 1` to version `to`. */
export interface Migration {
  to: number;
  up: (old: Record<string, unknown>) => Record<string, unknown>;
}

export interface NodeTypeSpec<S extends z.ZodObject> {
  type: string;
  version: number;
  meta: { title: string; category: NodeCategory; description: string; icon?: string };
  role?: 'start' | 'end';
  /** How control leaves the node; may depend on one config field (parallel branches vs map). */
  control: ControlKind;
  controlWhen?: { field: string; equals: string; control: ControlKind };
  boundedSelfLoop?: boolean;
  /**
   * The node waits for someone outside the run (it calls `ctx.interrupt`, e.g. a human approval):
   * no node timeout applies to it, since the wait is not work.
   */
  pausesRun?: boolean;
  config: S;
  ui?: Partial<Record<keyof z.infer<S> & string, UiHint>>;
  ports: PortsSpecInput;
  migrations?: Migration[];
  /** Extra checks of a parsed config (e.g. expression syntax inside lists); template/expression fields named in `ui` are checked automatically. */
  check?: (config: z.infer<S>) => ConfigIssue[];
  /** Channels read and written (for validation of channel names and concurrent writes). */
  channels: (config: z.infer<S>) => { reads: string[]; writes: string[] };
  build: (args: BuildArgs<z.infer<S>>) => NodeRuntime;
}

export interface NodeType<S extends z.ZodObject = z.ZodObject> extends NodeTypeSpec<S> {
  readonly portsSpec: PortsSpec;
}

/** Declare a node type: data (schema, ports, hints) plus a pure build function with injected I/O. */
export function defineNodeType<S extends z.ZodObject>(spec: NodeTypeSpec<S>): NodeType<S> {
  if (!/^[a-z][a-z0-9-]*(\/[a-z0-9-]+)?$/.test(spec.type)) {
    throw new Error(`Node type id "${spec.type}" must be lower-case kebab-case (optionally "scope/name")`);
  }
  if (!Number.isInteger(spec.version) || spec.version < 1)
    throw new Error(`Node type ${spec.type}: version must be an integer ≥ 1`);
  const migrations = spec.migrations ?? [];
  for (const m of migrations) {
    if (m.to < 2 || m.to > spec.version)
      throw new Error(`Node type ${spec.type}: migration to ${m.to} is outside 2..${spec.version}`);
  }
  for (let v = 2; v <= spec.version; v++) {
    if (!migrations.some((m) => m.to === v))
      throw new Error(`Node type ${spec.type}: missing migration to version ${v}`);
  }
  return { ...spec, portsSpec: PortsSpec.parse(spec.ports) };
}

/** Apply migrations from `fromVersion` up to the type's current version. */
export function migrateConfig(
  type: Pick<NodeTypeSpec<z.ZodObject>, 'migrations' | 'version'>,
  config: Record<string, unknown>,
  fromVersion: number,
): Record<string, unknown> {
  let current = config;
  for (let v = fromVersion + 1; v <= type.version; v++) {
    const m = type.migrations?.find((x) => x.to === v);
    if (m) current = m.up(current);
  }
  return current;
}
