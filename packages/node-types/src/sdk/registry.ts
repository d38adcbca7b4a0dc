import { z } from 'zod';
import type {
  CatalogEntry,
  ConfigCheck,
  ConfigIssue,
  ControlKind,
  NodeCatalog,
  NodeTypeDescription,
} from '@flowcraft/schema';
import { expressionError, templateError } from './template.js';
import { resolvePorts } from '@flowcraft/schema';
import type { NodeType } from './define-node-type.js';
import { migrateConfig } from './define-node-type.js';

function controlFor(type: NodeType, config: Record<string, unknown>): ControlKind {
  const w = type.controlWhen;
  return w && config[w.field] === w.equals ? w.control : type.control;
}

const strictSchemas = new WeakMap<NodeType, z.ZodObject>();

/** The type's config schema refusing unknown fields (built once per type). */
function strictSchema(type: NodeType): z.ZodObject {
  let s = strictSchemas.get(type);
  if (!s) {
    s = type.config.strict();
    strictSchemas.set(type, s);
  }
  return s;
}

/** Template and expression syntax of the fields the type marks as such, plus its own checks. */
function syntaxIssues(type: NodeType, config: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [field, hint] of Object.entries(type.ui ?? {})) {
    const value = config[field];
    if (typeof value !== 'string' || !hint) continue;
    const message =
      hint.widget === 'template'
        ? templateError(value)
        : hint.widget === 'expression'
          ? expressionError(value)
          : undefined;
    if (message) issues.push({ path: [field], message: `invalid ${hint.widget}: ${message}` });
  }
  if (type.check) {
    try {
      issues.push(...type.check(type.config.parse(config)));
    } catch (err) {
      issues.push({ path: [], message: `check failed: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  return issues;
}

function checkConfig(type: NodeType, raw: unknown, typeVersion: number): ConfigCheck {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, issues: [{ path: [], message: 'config must be an object' }] };
  }
  let migrated: Record<string, unknown>;
  try {
    migrated = migrateConfig(type, Object.fromEntries(Object.entries(raw)), Math.min(typeVersion, type.version));
  } catch (err) {
    return {
      ok: false,
      issues: [
        {
          path: [],
          message: `migration from version ${typeVersion} failed: ${err instanceof Error ? err.message : String(err)}`,
        },
      ],
    };
  }
  const parsed = strictSchema(type).safeParse(migrated);
  if (parsed.success) {
    const issues = syntaxIssues(type, parsed.data);
    return issues.length === 0 ? { ok: true, config: parsed.data } : { ok: false, issues };
  }
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => ({
      path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      message: i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
    })),
  };
}

/** Node types by id. Refuses duplicates; serves JSON descriptions and a validation catalog. */
export class NodeTypeRegistry implements NodeCatalog {
  /** Model providers the engine can reach (see `NodeCatalog.modelProviders`); set by the engine. */
  modelProviders: readonly string[] | undefined;
  private readonly types = new Map<string, NodeType>();
  private readonly entries = new Map<string, CatalogEntry>();
  private readonly custom = new Set<string>();

  register(type: NodeType, opts: { custom?: boolean } = {}): this {
    if (this.types.has(type.type)) throw new Error(`Node type "${type.type}" is already registered`);
    this.types.set(type.type, type);
    if (opts.custom) this.custom.add(type.type);
    return this;
  }

  has(id: string): boolean {
    return this.types.has(id);
  }

  type(id: string): NodeType | undefined {
    return this.types.get(id);
  }

  list(): NodeType[] {
    return [...this.types.values()];
  }

  /** Validation view of a node type (see `NodeCatalog`). */
  get(id: string): CatalogEntry | undefined {
    const cached = this.entries.get(id);
    if (cached) return cached;
    const t = this.types.get(id);
    if (!t) return undefined;
    const entry: CatalogEntry = {
      type: t.type,
      version: t.version,
      role: t.role,
      control: t.control,
      controlFor: (config) => controlFor(t, config),
      boundedSelfLoop: t.boundedSelfLoop,
      checkConfig: (config, typeVersion) => checkConfig(t, config, typeVersion),
      ports: (config) => resolvePorts(t.portsSpec, config),
      channels: (config) => t.channels(t.config.parse(config)),
      modelFields: Object.entries(t.ui ?? {}).flatMap(([field, hint]) => (hint?.widget === 'model' ? [field] : [])),
    };
    this.entries.set(id, entry);
    return entry;
  }

  describe(id: string): NodeTypeDescription | undefined {
    const t = this.types.get(id);
    if (!t) return undefined;
    const parsedDefaults = t.config.safeParse({});
    return {
      type: t.type,
      version: t.version,
      title: t.meta.title,
      category: t.meta.category,
      description: t.meta.description,
      icon: t.meta.icon,
      role: t.role,
      control: t.control,
      controlWhen: t.controlWhen,
      configSchema: z.toJSONSchema(t.config, { io: 'input', unrepresentable: 'any' }),
      defaults: parsedDefaults.success ? parsedDefaults.data : {},
      ui: Object.fromEntries(
        Object.entries(t.ui ?? {}).filter((e): e is [string, NonNullable<(typeof e)[1]>] => e[1] !== undefined),
      ),
      ports: t.portsSpec,
      custom: this.custom.has(t.type),
    };
  }

  describeAll(): NodeTypeDescription[] {
    return this.list()
      .map((t) => this.describe(t.type))
      .filter((d): d is NodeTypeDescription => d !== undefined);
  }
}
