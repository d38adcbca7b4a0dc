/**
 * A small fake node catalog for validator tests (not exported from the package).
 *
 * | type          | role  | control | outputs                                      |
 * |---------------|-------|---------|----------------------------------------------|
 * | start         | start | all     | out (multiple)                               |
 * | end           | end   | all     | none                                         |
 * | step (v2)     |       | all     | out (single); v1 config `{write}` migrates   |
 * | fanout        |       | all     | out (multiple)                               |
 * | router        |       | choice  | one required port per config.routes + fallback |
 * | map           |       | map     | out                                          |
 * | broken-ports  |       | all     | ports() throws                               |
 * | broken-check  |       | all     | checkConfig() throws                         |
 * | ask           |       | all     | out (single); `config.model` is a model spec |
 */
import { z } from 'zod';
import type { CatalogEntry, ConfigCheck, ControlKind, NodeCatalog, ResolvedPorts } from '../catalog.js';

const Io = { reads: z.array(z.string()).default([]), writes: z.array(z.string()).default([]) };
const StepConfig = z.object(Io).strict();
const RouterConfig = z.object({ routes: z.array(z.string().min(1)).min(1), ...Io }).strict();
const MapConfig = z.object({ over: z.string().min(1), ...Io }).strict();
const AskConfig = z.object({ model: z.string().optional(), ...Io }).strict();

function check(schema: z.ZodType<Record<string, unknown>>, config: unknown): ConfigCheck {
  const parsed = schema.safeParse(config);
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => ({
      path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      message: i.message,
    })),
  };
}

const Names = z.array(z.string()).catch([]);

function channelsOf(config: Record<string, unknown>): { reads: string[]; writes: string[] } {
  const reads = Names.parse(config['reads']);
  if (typeof config['over'] === 'string') reads.push(config['over']);
  return { reads, writes: Names.parse(config['writes']) };
}

const IN = [{ id: 'in' }];

interface EntryOptions {
  version?: number;
  role?: 'start' | 'end';
  control?: ControlKind;
  schema?: z.ZodType<Record<string, unknown>>;
  migrate?: (config: unknown, typeVersion: number) => unknown;
  ports: (config: Record<string, unknown>) => ResolvedPorts;
}

function entry(type: string, options: EntryOptions): CatalogEntry {
  const schema = options.schema ?? StepConfig;
  const migrate = options.migrate ?? ((config: unknown) => config);
  const result: CatalogEntry = {
    type,
    version: options.version ?? 1,
    control: options.control ?? 'all',
    checkConfig: (config, typeVersion) => check(schema, migrate(config, typeVersion)),
    ports: options.ports,
    channels: channelsOf,
  };
  if (options.role) result.role = options.role;
  return result;
}

/** step v1 stored `{ write: "x" }`; v2 stores `{ writes: ["x"] }`. */
function migrateStep(config: unknown, typeVersion: number): unknown {
  if (typeVersion >= 2 || typeof config !== 'object' || config === null) return config;
  const { write, ...rest } = Object.fromEntries(Object.entries(config));
  return typeof write === 'string' ? { ...rest, writes: [write] } : rest;
}

const entries: CatalogEntry[] = [
  entry('start', { role: 'start', ports: () => ({ inputs: [], outputs: [{ id: 'out', multiple: true }] }) }),
  entry('end', { role: 'end', ports: () => ({ inputs: IN, outputs: [] }) }),
  entry('step', { version: 2, migrate: migrateStep, ports: () => ({ inputs: IN, outputs: [{ id: 'out' }] }) }),
  entry('fanout', { ports: () => ({ inputs: IN, outputs: [{ id: 'out', multiple: true }] }) }),
  entry('guarded', { ports: () => ({ inputs: IN, outputs: [{ id: 'out' }, { id: 'error' }] }) }),
  entry('router', {
    control: 'choice',
    schema: RouterConfig,
    ports: (config) => ({
      inputs: IN,
      outputs: [
        ...RouterConfig.parse(config).routes.map((id) => ({ id, required: true })),
        { id: 'fallback', required: true },
      ],
    }),
  }),
  entry('map', { control: 'map', schema: MapConfig, ports: () => ({ inputs: IN, outputs: [{ id: 'out' }] }) }),
  {
    ...entry('ask', { schema: AskConfig, ports: () => ({ inputs: IN, outputs: [{ id: 'out' }] }) }),
    modelFields: ['model'],
  },
  entry('broken-ports', {
    ports: () => {
      throw new Error('ports exploded');
    },
  }),
  {
    ...entry('broken-check', { ports: () => ({ inputs: IN, outputs: [{ id: 'out' }] }) }),
    checkConfig: () => {
      throw new Error('migration exploded');
    },
  },
];

const byType = new Map(entries.map((e) => [e.type, e]));

export const testCatalog: NodeCatalog = { get: (type) => byType.get(type) };

/** The same catalog, for an engine that can reach these model providers. */
export function catalogWithProviders(modelProviders: readonly string[]): NodeCatalog {
  return { get: (type) => byType.get(type), modelProviders };
}
