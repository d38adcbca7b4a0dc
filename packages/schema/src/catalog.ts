import type { ResolvedPorts } from './ports.js';

export type { PortSpec, ResolvedPorts } from './ports.js';

/**
 * How control leaves a node:
 * - `all`: every outgoing edge is taken (a plain step, or a static fan-out);
 * - `choice`: the node picks one or more output ports at run time (router, human approval, loops);
 * - `map`: the node sends one task per list item down a port (LangGraph `Send`).
 */
export type ControlKind = 'all' | 'choice' | 'map';

export interface ConfigIssue {
  path: (string | number)[];
  message: string;
}

export type ConfigCheck = { ok: true; config: Record<string, unknown> } | { ok: false; issues: ConfigIssue[] };

/** What the validator needs to know about one node type; implemented by the node-type registry. */
export interface CatalogEntry {
  type: string;
  version: number;
  role?: 'start' | 'end';
  control: ControlKind;
  /** Control for a given config (a parallel node maps in `map` mode); defaults to `control`. */
  controlFor?(config: Record<string, unknown>): ControlKind;
  /** True when the node may loop on itself (agent iterations, reflection rounds) with a bound in its config. */
  boundedSelfLoop?: boolean;
  /** Migrate a config written for `typeVersion` to the current version and validate it strictly. */
  checkConfig(config: unknown, typeVersion: number): ConfigCheck;
  ports(config: Record<string, unknown>): ResolvedPorts;
  /** Channels read and written, from a valid config. */
  channels(config: Record<string, unknown>): { reads: string[]; writes: string[] };
  /** Config fields holding a model spec (`provider:model` or `tier:<name>`), checked by the validator. */
  modelFields?: readonly string[];
}

export interface NodeCatalog {
  get(type: string): CatalogEntry | undefined;
  /**
   * Model providers the engine can reach (`openai`, `anthropic`, `ollama`, configured
   * OpenAI-compatible endpoints; `scripted` is always allowed). Undefined: providers are not checked.
   */
  readonly modelProviders?: readonly string[];
}
