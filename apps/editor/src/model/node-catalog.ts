import { resolvePorts } from '@flowcraft/schema';
import type {
  CatalogEntry,
  ConfigCheck,
  ControlKind,
  NodeCatalog,
  NodeTypeDescription,
  ResolvedPorts,
} from '@flowcraft/schema';
import { channelUse } from './channel-fields.js';
import { checkValue, isRecord, readSchema, withDefaults } from './json-schema.js';
import type { JsonSchema } from './json-schema.js';

/** Node-type descriptions by type id, with their parsed config schemas. */
export class DescriptionCatalog implements NodeCatalog {
  private readonly byType = new Map<string, NodeTypeDescription>();
  private readonly schemas = new Map<string, JsonSchema>();
  private readonly entries = new Map<string, CatalogEntry>();

  constructor(readonly descriptions: readonly NodeTypeDescription[]) {
    for (const d of descriptions) {
      this.byType.set(d.type, d);
      this.schemas.set(d.type, readSchema(d.configSchema));
    }
  }

  describe(type: string): NodeTypeDescription | undefined {
    return this.byType.get(type);
  }

  schemaOf(type: string): JsonSchema | undefined {
    return this.schemas.get(type);
  }

  /** The config with the type's defaults filled in (what the engine will see). */
  /** Per config object (documents are immutable): cards mounted again while panning, edges and validation reuse them. */
  private readonly filledCache = new WeakMap<object, { type: string; value: Record<string, unknown> }>();
  private readonly portsCache = new WeakMap<object, { type: string; value: ResolvedPorts }>();

  effectiveConfig(type: string, config: Record<string, unknown>): Record<string, unknown> {
    const hit = this.filledCache.get(config);
    if (hit?.type === type) return hit.value;
    const schema = this.schemas.get(type);
    if (!schema) return config;
    const filled = withDefaults(schema, config);
    const value = isRecord(filled) ? filled : config;
    this.filledCache.set(config, { type, value });
    return value;
  }

  ports(type: string, config: Record<string, unknown>): ResolvedPorts {
    const hit = this.portsCache.get(config);
    if (hit?.type === type) return hit.value;
    const d = this.byType.get(type);
    if (!d) return { inputs: [{ id: 'in' }], outputs: [{ id: 'out' }] };
    const value = resolvePorts(d.ports, this.effectiveConfig(type, config));
    this.portsCache.set(config, { type, value });
    return value;
  }

  /**
   * Validation view for the shared validator, built from the description alone: config checked
   * against its JSON Schema (unknown top-level fields refused, as the engine does), ports resolved
   * from data. Channel use is read from the channel fields (`channelUse`); the engine's validation has the last word.
   */
  get(type: string): CatalogEntry | undefined {
    const cached = this.entries.get(type);
    if (cached) return cached;
    const d = this.byType.get(type);
    const schema = this.schemas.get(type);
    if (!d || !schema) return undefined;
    const controlFor = (config: Record<string, unknown>): ControlKind => {
      const w = d.controlWhen;
      return w && config[w.field] === w.equals ? w.control : d.control;
    };
    const checkConfig = (raw: unknown): ConfigCheck => {
      if (!isRecord(raw)) return { ok: false, issues: [{ path: [], message: 'config must be an object' }] };
      const config = this.effectiveConfig(type, raw);
      const strict: JsonSchema = { ...schema, additionalProperties: schema.additionalProperties ?? false };
      const issues = checkValue(strict, config);
      return issues.length === 0 ? { ok: true, config } : { ok: false, issues };
    };
    const entry: CatalogEntry = {
      type: d.type,
      version: d.version,
      ...(d.role ? { role: d.role } : {}),
      control: d.control,
      controlFor,
      checkConfig,
      ports: (config) => resolvePorts(d.ports, config),
      channels: (config) => channelUse(d, config),
      modelFields: Object.entries(d.ui).flatMap(([field, hint]) => (hint.widget === 'model' ? [field] : [])),
    };
    this.entries.set(type, entry);
    return entry;
  }
}
