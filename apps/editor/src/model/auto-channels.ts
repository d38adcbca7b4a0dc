import type { Channel, ChannelType, NodeTypeDescription, WorkflowDocument } from '@flowcraft/schema';
import { OUTPUT_FIELD, channelTypeFor } from './channel-fields.js';
import { isRecord } from './json-schema.js';

/**
 * Zero-config state: a new node writes a channel named after its label, declared for it; the name
 * follows the label while it is still the automatic one; references move with a rename; a deleted
 * node's automatic channel goes when nothing else uses it. Pure functions over the document.
 */

/** Config keys whose string values (or list items) name channels, in every built-in node type. */
const CHANNEL_KEYS = new Set([
  'output',
  'channel',
  'history',
  'appendTo',
  'decision',
  'itemChannel',
  'rounds',
  'outputs',
]);

/** The channel name a label suggests: lower snake case, starting with a letter (`Support triage` → `support_triage`). */
export function channelSlug(label: string): string {
  const s = label
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (s === '') return '';
  return /^[a-z]/.test(s) ? s : `c_${s}`;
}

/** `base`, else `base_2`, `base_3`… not in `taken`. */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
}

/** True when `name` is what the automatic naming gives for `label` (its slug, maybe numbered). */
export function isAutoName(name: string, label: string): boolean {
  const slug = channelSlug(label);
  return slug !== '' && (name === slug || new RegExp(`^${slug}_\\d+$`).test(name));
}

/** Channel and node names in use (a channel may not share a node's name). */
export function namesInUse(doc: WorkflowDocument): Set<string> {
  return new Set([...doc.nodes.map((n) => n.id), ...Object.keys(doc.state)]);
}

function channelOf(type: ChannelType): Channel {
  return { type, reducer: type === 'messages' ? 'messages' : 'replace' };
}

export function declareChannel(doc: WorkflowDocument, name: string, type: ChannelType = 'string'): WorkflowDocument {
  if (doc.state[name]) return doc;
  return { ...doc, state: { ...doc.state, [name]: channelOf(type) } };
}

/**
 * A node just added: its output field gets a fresh channel named after its label, a start node gets
 * one run input (`input`, what new prompts read), and those channels are declared.
 */
export function autoDeclareForNewNode(
  doc: WorkflowDocument,
  nodeId: string,
  desc: NodeTypeDescription,
): WorkflowDocument {
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node) return doc;
  if (desc.role === 'start') {
    const inputs = Array.isArray(node.config.inputs) ? node.config.inputs : [];
    if (inputs.length > 0) return doc;
    const config = { ...node.config, inputs: [{ channel: 'input', label: 'Input', required: true }] };
    const next = { ...doc, nodes: doc.nodes.map((n) => (n.id === nodeId ? { ...n, config } : n)) };
    return declareChannel(next, 'input', 'string');
  }
  if (desc.ui[OUTPUT_FIELD]?.widget !== 'channel') return doc;
  const name = uniqueName(channelSlug(node.label) || 'output', namesInUse(doc));
  const config = { ...node.config, [OUTPUT_FIELD]: name };
  const next = { ...doc, nodes: doc.nodes.map((n) => (n.id === nodeId ? { ...n, config } : n)) };
  return declareChannel(next, name, channelTypeFor(desc, config, OUTPUT_FIELD));
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `state.name` inside templates and expressions. */
function templateRef(name: string): RegExp {
  return new RegExp(`(\\bstate\\.)${escapeRe(name)}(?![A-Za-z0-9_])`, 'g');
}

/** Every string of a config, rewritten by `fn(key, text)` (key: the nearest object key). */
function mapStrings(value: unknown, key: string, fn: (key: string, text: string) => string): unknown {
  if (typeof value === 'string') return fn(key, value);
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const m = mapStrings(v, key, fn);
      if (m !== v) changed = true;
      return m;
    });
    return changed ? out : value;
  }
  if (isRecord(value)) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const m = mapStrings(v, k, fn);
      if (m !== v) changed = true;
      out[k] = m;
    }
    return changed ? out : value;
  }
  return value;
}

/** True when some node other than `except` names the channel (a channel field or `state.name` in a template). */
export function isReferenced(doc: WorkflowDocument, name: string, except?: string): boolean {
  const re = templateRef(name);
  let found = false;
  for (const n of doc.nodes) {
    if (n.id === except || found) continue;
    mapStrings(n.config, '', (key, text) => {
      if ((CHANNEL_KEYS.has(key) && text === name) || re.test(text)) found = true;
      re.lastIndex = 0;
      return text;
    });
  }
  return found;
}

/** Rename a channel: its declaration and every reference (channel fields, `state.x` in templates). */
export function renameChannel(doc: WorkflowDocument, from: string, to: string): WorkflowDocument {
  if (from === to) return doc;
  const re = templateRef(from);
  const rewrite = (key: string, text: string) =>
    CHANNEL_KEYS.has(key) && text === from ? to : text.includes(from) ? text.replace(re, `$1${to}`) : text;
  const nodes = doc.nodes.map((n) => {
    const config = mapStrings(n.config, '', rewrite);
    return config === n.config || !isRecord(config) ? n : { ...n, config };
  });
  const state: WorkflowDocument['state'] = {};
  for (const [k, v] of Object.entries(doc.state)) state[k === from ? to : k] = v;
  return { ...doc, nodes, state: doc.state[from] ? state : doc.state };
}

/** A start input's channel: `inputs[i].channel` strings of start nodes. */
function startChannels(doc: WorkflowDocument): Set<string> {
  const out = new Set<string>();
  for (const n of doc.nodes)
    if (Array.isArray(n.config.inputs))
      for (const i of n.config.inputs) if (isRecord(i) && typeof i.channel === 'string') out.add(i.channel);
  return out;
}

/** A label change: the node's automatic output channel follows it, with every reference. */
export function followLabel(
  doc: WorkflowDocument,
  nodeId: string,
  oldLabel: string,
  newLabel: string,
): WorkflowDocument {
  const node = doc.nodes.find((n) => n.id === nodeId);
  const current = node?.config[OUTPUT_FIELD];
  if (typeof current !== 'string' || !isAutoName(current, oldLabel)) return doc;
  const slug = channelSlug(newLabel);
  if (slug === '' || isAutoName(current, newLabel)) return doc;
  const taken = namesInUse(doc);
  taken.delete(current);
  for (const c of startChannels(doc)) taken.add(c);
  return renameChannel(doc, current, uniqueName(slug, taken));
}

/** After nodes are removed: drop the automatic output channels they wrote that nothing uses any more. */
export function dropOrphanChannels(before: WorkflowDocument, after: WorkflowDocument): WorkflowDocument {
  const kept = new Set(after.nodes.map((n) => n.id));
  let state = after.state;
  for (const n of before.nodes) {
    if (kept.has(n.id)) continue;
    const name = n.config[OUTPUT_FIELD];
    if (typeof name !== 'string' || !state[name] || !isAutoName(name, n.label)) continue;
    if (isReferenced(after, name)) continue;
    const { [name]: _gone, ...rest } = state;
    state = rest;
  }
  return state === after.state ? after : { ...after, state };
}

/** Path inside a config of the channel field (or list item) naming `name`, if any. */
export function channelPathIn(config: Record<string, unknown>, name: string): (string | number)[] | undefined {
  const walk = (value: unknown, key: string, path: (string | number)[]): (string | number)[] | undefined => {
    if (typeof value === 'string') return CHANNEL_KEYS.has(key) && value === name ? path : undefined;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const hit = walk(value[i], key, [...path, i]);
        if (hit) return hit;
      }
    } else if (isRecord(value)) {
      for (const [k, v] of Object.entries(value)) {
        const hit = walk(v, k, [...path, k]);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  return walk(config, '', []);
}
