import fc from 'fast-check';
import { allPaths, clone, deeplyNested, deleteAt, isArray, isObject, setAt, setOwn } from './json.js';
import type { Json, JsonObject } from './json.js';

/**
 * Structural mutations of workflow documents, as plain data so fast-check can print and shrink
 * them. Indices (`node`, `edge`, `path`, ...) are taken modulo the current length when applied,
 * so a mutation always lands somewhere, whatever the earlier mutations did to the document.
 * Strings `<HUGE>` and `<HUGE_TEMPLATE>` stand for 100,000-character strings (expanded when
 * applied, so counterexamples stay readable).
 */

export const HUGE = '<HUGE>';
export const HUGE_TEMPLATE = '<HUGE_TEMPLATE>';
const HUGE_LENGTH = 100_000;

let hugeCache: string | undefined;
let hugeTemplateCache: string | undefined;

/** Expand the huge-string markers anywhere in a value. */
export function expand(value: Json): Json {
  if (value === HUGE) return (hugeCache ??= 'x'.repeat(HUGE_LENGTH));
  if (value === HUGE_TEMPLATE) return (hugeTemplateCache ??= '{{ state.input }} '.repeat(Math.ceil(HUGE_LENGTH / 18)));
  if (isArray(value)) return value.map(expand);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, expand(v));
    return out;
  }
  return value;
}

function expandString(s: string): string {
  const v = expand(s);
  return typeof v === 'string' ? v : s;
}

/** Names for ids, channels and handles: existing-looking, reserved, prototype keys, odd characters. */
export const NAMES = [
  'start',
  'end',
  'input',
  'output',
  'missing',
  'ghost-node',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__proto__',
  '__start__',
  '__end__',
  '__error',
  '__p_ask_conversation',
  '__error_handler__ask',
  'branch:to:x',
  'a|b',
  'a:b',
  '',
  ' ',
  'with space',
  'ünïcødé',
  '🚀',
  'out',
  'error',
  'fallback',
  'approved',
  'rejected',
  'each',
  'in',
  'a',
  'red',
  HUGE,
] as const;

export const NODE_TYPES = [
  'start',
  'end',
  'llm',
  'agent',
  'router',
  'parallel',
  'reflection',
  'tool',
  'human',
  'transform',
  'nope',
  '',
  'LLM',
  'start ',
  'constructor',
  '__proto__',
] as const;

export const HANDLES = [
  'out',
  'error',
  'fallback',
  'approved',
  'rejected',
  'each',
  'in',
  'a',
  'short',
  'long',
  'again',
  'done',
  'red',
  'blue',
  'nope',
  '',
] as const;

/** Config fields of the built-in node types (and a few that no type has). */
export const CONFIG_FIELDS = [
  'model',
  'system',
  'prompt',
  'output',
  'schema',
  'history',
  'appendTo',
  'retry',
  'timeoutMs',
  'tools',
  'maxIterations',
  'onMaxIterations',
  'mode',
  'routes',
  'input',
  'instructions',
  'threshold',
  'matchAll',
  'decision',
  'over',
  'itemChannel',
  'maxItems',
  'criticModel',
  'task',
  'generatorSystem',
  'criticSystem',
  'maxRounds',
  'rounds',
  'tool',
  'expression',
  'method',
  'url',
  'headers',
  'body',
  'code',
  'input',
  'codeTimeoutMs',
  'memoryMb',
  'kind',
  'message',
  'options',
  'channel',
  'inputs',
  'outputs',
  'assignments',
  'bogus',
  '__proto__',
  'constructor',
] as const;

/** Values that fit a config field, or nearly do: they keep more documents valid, so the compiler and runs see them. */
const PLAUSIBLE: Record<string, Json[]> = {
  model: ['', 'scripted:x', 'scripted:', 'openai:gpt-4o-mini', 'nope:model', 'nocolon', ' scripted:y '],
  system: ['', HUGE, HUGE_TEMPLATE, '{{ state.__error }}', '{{', '}}'],
  prompt: ['', HUGE, HUGE_TEMPLATE, '{{ state.input }}', '{{ $undefinedFn() }}', '{{ state.input ', '{{ (( }}'],
  output: ['output', 'input', 'missing', '', '__error', 'a|b'],
  schema: [
    {},
    { type: 'object' },
    { type: 'string' },
    { type: 'object', properties: { a: { $ref: '#' } } },
    { $ref: '#/definitions/x' },
    { type: 'array', items: {} },
  ],
  history: ['input', 'output', 'missing'],
  appendTo: ['output', 'missing'],
  retry: [
    {},
    { maxAttempts: 20, initialIntervalMs: 0, jitter: false },
    { maxAttempts: 3, initialIntervalMs: 100_000, maxIntervalMs: 100_000, jitter: false },
    { maxAttempts: 0 },
    { bogus: 1 },
    { backoffFactor: 0.5 },
  ],
  timeoutMs: [0, 1, 10, 2 ** 31, 1e12, -1, 1.5],
  tools: [
    [],
    [{ kind: 'calculator' }, { kind: 'calculator' }],
    [{ kind: 'code', name: 'c', description: 'd', code: 'return 1;', argsSchema: { type: 'string' } }],
    [
      {
        kind: 'code',
        name: 'c',
        description: 'd',
        code: 'return 1;',
        argsSchema: { type: 'object', properties: { a: { $ref: '#' } } },
      },
    ],
    [
      {
        kind: 'code',
        name: 'c',
        description: 'd',
        code: 'return 1;',
        argsSchema: { properties: { a: { type: 'nope' } } },
      },
    ],
    [
      {
        kind: 'code',
        name: 'c',
        description: 'd',
        code: 'return 1;',
        argsSchema: { type: 'object', properties: { a: { $ref: '#/$defs/missing' } } },
      },
    ],
    [{ kind: 'http', name: 'h', description: 'd', baseUrl: 'http://127.0.0.1:9/' }],
    [{ kind: 'http', name: 'h', description: 'd', baseUrl: 'ftp://x' }],
    [{ kind: 'nope' }],
  ],
  maxIterations: [1, 50, 51, 0],
  onMaxIterations: ['error', 'return', 'nope'],
  mode: ['llm', 'rules', 'branches', 'map', 'nope'],
  routes: [
    [],
    [{ id: 'a' }],
    [{ id: 'a' }, { id: 'a' }],
    [{ id: 'fallback' }],
    [{ id: 'error' }],
    [
      { id: 'a', when: 'true' },
      { id: 'b', when: '(((' },
    ],
    [{ id: 'with space' }],
    [{ id: 'a', bogus: 1 }],
  ],
  input: ['state', 'state.items', '{{ state.input }}', '(((', ''],
  instructions: ['', HUGE],
  threshold: [0, 1, 1.5, -0.1],
  matchAll: [true, false],
  decision: ['output', 'missing', 'input'],
  over: ['state.items', 'state.missing', '[1,2,3]', '(((', '$range(1, 100000)'],
  itemChannel: ['item', 'input', 'missing', 'output'],
  maxItems: [1, 10_000, 10_001, 0],
  criticModel: ['', 'scripted:c', 'bad'],
  task: ['', HUGE_TEMPLATE],
  maxRounds: [1, 20, 21],
  rounds: ['rounds', 'output', 'missing'],
  tool: ['calculator', 'http', 'code', 'nope'],
  expression: ['1 + 1', '{{ state.input }}', 'import("x")', '((('],
  method: ['GET', 'POST', 'get', 'TRACE'],
  url: ['', 'http://127.0.0.1:9/', 'file:///etc/passwd', HUGE],
  headers: [{}, { a: 'b' }, { a: 1 }],
  body: ['', '{{ state }}', HUGE],
  code: ['return input;', 'while (true) {}', 'throw new Error("x")', 'return new Array(1e9).fill(0);', ''],
  // 60_000 is left out: the QuickJS sandbox runs synchronously and would block the event loop (and the run's abort) for a minute.
  codeTimeoutMs: [1, 1_000, 60_001, 0],
  memoryMb: [1, 512, 513],
  kind: ['approval', 'choice', 'input', 'nope'],
  message: ['', HUGE_TEMPLATE],
  options: [[], [{ id: 'a' }], [{ id: 'a' }, { id: 'a' }], [{ id: 'bad id' }]],
  channel: ['output', 'input', 'missing', ''],
  inputs: [
    [],
    [{ channel: 'input' }],
    [{ channel: 'missing' }],
    [{ channel: 'input' }, { channel: 'input' }],
    [{ channel: 'output', required: false }],
  ],
  outputs: [[], ['output'], ['missing'], ['__error'], ['']],
  assignments: [
    [],
    [{ channel: 'output', value: 'x' }],
    [{ channel: 'output', mode: 'expression', value: '(((' }],
    [{ channel: 'missing', value: 'x' }],
    [{ channel: 'output', value: 1 }],
  ],
};

/** Values of the wrong type (or out of range) for almost any field. NaN, ±Infinity and -0 are not JSON but are inputs all the same. */
const WRONG_VALUES: Json[] = [
  0,
  -1,
  1,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 2,
  NaN,
  Infinity,
  -Infinity,
  -0,
  '',
  'x',
  HUGE,
  '{{',
  '$',
  'state.items',
  true,
  false,
  null,
  [],
  {},
  [null],
  [1, 'a', {}],
  { a: 1 },
  { type: 'object' },
  { id: 'a' },
  [{ id: 'a' }],
  [{ channel: 'input' }],
];

const nat = fc.nat({ max: 1_000 });

/** Any JSON, plus the special numbers and markers above. */
export const garbage: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...WRONG_VALUES) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.constantFrom<Json>(...Object.values(PLAUSIBLE).flat()) },
);

const name = fc.constantFrom<string>(...NAMES);

type NameRef = { node: number } | { name: string } | { remove: true };

export type Mutation =
  | { kind: 'removeNode'; node: number }
  | { kind: 'removeEdge'; edge: number }
  | { kind: 'rewireEdge'; edge: number; field: 'source' | 'target' | 'sourceHandle' | 'targetHandle'; to: NameRef }
  | { kind: 'duplicateNodeId'; node: number; other: number }
  | { kind: 'duplicateEdgeId'; edge: number; other: number }
  | { kind: 'copyNode'; node: number }
  | { kind: 'addEdge'; from: number; to: number; self: boolean; handle: string | null }
  | { kind: 'swapType'; node: number; type: string; resetConfig: boolean }
  | { kind: 'renameNode'; node: number; name: string }
  | { kind: 'configField'; node: number; field: string; value: Json }
  /** `own`: change a field the node's config already has (so the config stays valid more often). */
  | { kind: 'plausibleConfig'; node: number; field: string; pick: number; own: boolean }
  | {
      kind: 'hugeString';
      where: 'label' | 'prompt' | 'system' | 'nodeId' | 'edgeId' | 'docName' | 'description' | 'handle' | 'channel';
      index: number;
    }
  | { kind: 'deleteChannel'; channel: number }
  | { kind: 'renameChannel'; channel: number; name: string }
  | {
      kind: 'channelField';
      channel: number;
      field: 'type' | 'reducer' | 'default' | 'description' | 'bogus';
      value: Json;
    }
  | { kind: 'typeVersion'; node: number; value: Json }
  | { kind: 'setting'; field: string; value: Json }
  | { kind: 'garbage'; path: number; value: Json }
  | { kind: 'deleteAt'; path: number }
  | { kind: 'deepNest'; path: number; depth: number; shape: 'array' | 'object' };

const nameRef: fc.Arbitrary<NameRef> = fc.oneof(
  { weight: 3, arbitrary: nat.map((node) => ({ node })) },
  { weight: 2, arbitrary: name.map((n) => ({ name: n })) },
  { weight: 1, arbitrary: fc.constant({ remove: true as const }) },
);

const channelValues: Record<'type' | 'reducer' | 'default' | 'description' | 'bogus', fc.Arbitrary<Json>> = {
  type: fc.oneof(fc.constantFrom<Json>('string', 'number', 'boolean', 'json', 'list', 'messages', 'nope', ''), garbage),
  reducer: fc.oneof(fc.constantFrom<Json>('replace', 'append', 'merge', 'sum', 'messages', 'nope', ''), garbage),
  default: garbage,
  description: garbage,
  bogus: garbage,
};

type Kind = Mutation['kind'];
type Of<K extends Kind> = Extract<Mutation, { kind: K }>;

const HUGE_PLACES = [
  'label',
  'prompt',
  'system',
  'nodeId',
  'edgeId',
  'docName',
  'description',
  'handle',
  'channel',
] as const;

/** One arbitrary per mutation kind. */
export const byKind: { [K in Kind]: fc.Arbitrary<Of<K>> } = {
  removeNode: nat.map((node) => ({ kind: 'removeNode' as const, node })),
  removeEdge: nat.map((edge) => ({ kind: 'removeEdge' as const, edge })),
  rewireEdge: fc
    .record({
      edge: nat,
      field: fc.constantFrom('source' as const, 'target' as const, 'sourceHandle' as const, 'targetHandle' as const),
      to: nameRef,
    })
    .map((m) => ({ kind: 'rewireEdge' as const, ...m })),
  duplicateNodeId: fc.record({ node: nat, other: nat }).map((m) => ({ kind: 'duplicateNodeId' as const, ...m })),
  duplicateEdgeId: fc.record({ edge: nat, other: nat }).map((m) => ({ kind: 'duplicateEdgeId' as const, ...m })),
  copyNode: nat.map((node) => ({ kind: 'copyNode' as const, node })),
  addEdge: fc
    .record({
      from: nat,
      to: nat,
      self: fc.boolean(),
      handle: fc.option(fc.constantFrom<string>(...HANDLES), { nil: null }),
    })
    .map((m) => ({ kind: 'addEdge' as const, ...m })),
  swapType: fc
    .record({ node: nat, type: fc.constantFrom<string>(...NODE_TYPES), resetConfig: fc.boolean() })
    .map((m) => ({ kind: 'swapType' as const, ...m })),
  renameNode: fc.record({ node: nat, name }).map((m) => ({ kind: 'renameNode' as const, ...m })),
  configField: fc
    .record({ node: nat, field: fc.constantFrom<string>(...CONFIG_FIELDS), value: garbage })
    .map((m) => ({ kind: 'configField' as const, ...m })),
  plausibleConfig: fc
    .record({ node: nat, field: fc.constantFrom<string>(...Object.keys(PLAUSIBLE)), pick: nat, own: fc.boolean() })
    .map((m) => ({ kind: 'plausibleConfig' as const, ...m })),
  hugeString: fc
    .record({ where: fc.constantFrom(...HUGE_PLACES), index: nat })
    .map((m) => ({ kind: 'hugeString' as const, ...m })),
  deleteChannel: nat.map((channel) => ({ kind: 'deleteChannel' as const, channel })),
  renameChannel: fc.record({ channel: nat, name }).map((m) => ({ kind: 'renameChannel' as const, ...m })),
  channelField: fc
    .constantFrom('type' as const, 'reducer' as const, 'default' as const, 'description' as const, 'bogus' as const)
    .chain((field) =>
      fc
        .record({ channel: nat, value: channelValues[field] })
        .map((m) => ({ kind: 'channelField' as const, field, ...m })),
    ),
  typeVersion: fc
    .record({ node: nat, value: fc.oneof(fc.constantFrom<Json>(0, 1, 2, -1, 1.5, 1e9, '1', null), garbage) })
    .map((m) => ({ kind: 'typeVersion' as const, ...m })),
  setting: fc
    .record({
      field: fc.constantFrom('recursionLimit', 'defaultModel', 'retry', 'timeoutMs', 'bogus'),
      value: fc.oneof(
        fc.constantFrom<Json>(
          0,
          1,
          2,
          10_000,
          10_001,
          2 ** 31,
          'scripted:x',
          'nope',
          { maxAttempts: 20, initialIntervalMs: 0, jitter: false },
          { maxAttempts: 5, initialIntervalMs: 60_000, maxIntervalMs: 60_000 },
        ),
        garbage,
      ),
    })
    .map((m) => ({ kind: 'setting' as const, ...m })),
  garbage: fc.record({ path: nat, value: garbage }).map((m) => ({ kind: 'garbage' as const, ...m })),
  deleteAt: nat.map((path) => ({ kind: 'deleteAt' as const, path })),
  deepNest: fc
    .record({
      path: nat,
      depth: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constantFrom(500, 2_000, 5_000)),
      shape: fc.constantFrom('array' as const, 'object' as const),
    })
    .map((m) => ({ kind: 'deepNest' as const, ...m })),
};

/** Any mutation, each kind equally likely. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(...(Object.values(byKind) as fc.Arbitrary<Mutation>[]));

/**
 * Mutations that often leave the document valid (plausible config values, odd node names,
 * settings, huge prompts), so that the compiler and the runtime see mutated documents too.
 */
export const mildMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: byKind.plausibleConfig },
  { weight: 2, arbitrary: byKind.renameNode },
  {
    weight: 2,
    arbitrary: byKind.hugeString.filter(
      (m) => m.where === 'prompt' || m.where === 'system' || m.where === 'description',
    ),
  },
  { weight: 1, arbitrary: byKind.setting },
  { weight: 1, arbitrary: byKind.swapType.map((m) => ({ ...m, resetConfig: true })) },
  { weight: 1, arbitrary: byKind.channelField.filter((m) => m.field === 'reducer' || m.field === 'default') },
  { weight: 1, arbitrary: byKind.addEdge },
  { weight: 1, arbitrary: byKind.renameChannel },
);

/** Mutations that destroy structure: garbage, deletions, deep nesting, wrong types. */
export const destructiveMutation: fc.Arbitrary<Mutation> = fc.oneof(
  byKind.garbage,
  byKind.deleteAt,
  byKind.deepNest,
  byKind.configField,
  byKind.channelField,
  byKind.typeVersion,
);

/** 1–4 mutations of any kind, or 1–2 mild ones. */
export const mutations: fc.Arbitrary<Mutation[]> = fc.oneof(
  { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 4 }) },
  { weight: 2, arbitrary: fc.array(mildMutation, { minLength: 1, maxLength: 2 }) },
);

/* ------------------------------------------------------------------------------------------ */

function at<T>(list: readonly T[], i: number): T | undefined {
  return list.length === 0 ? undefined : list[i % list.length];
}

function objectsIn(doc: Json, key: string): JsonObject[] {
  if (!isObject(doc)) return [];
  const list = doc[key];
  return isArray(list) ? list.filter(isObject) : [];
}

function arrayIn(doc: Json, key: string): Json[] | undefined {
  if (!isObject(doc)) return undefined;
  const list = doc[key];
  return isArray(list) ? list : undefined;
}

function stateOf(doc: Json): JsonObject | undefined {
  if (!isObject(doc)) return undefined;
  const s = doc['state'];
  return isObject(s) ? s : undefined;
}

function configOf(node: JsonObject): JsonObject {
  const c = node['config'];
  if (isObject(c)) return c;
  const fresh: JsonObject = {};
  node['config'] = fresh;
  return fresh;
}

/** Replace every string equal to `from` inside a value (config references to a channel). */
function replaceStrings(value: Json, from: string, to: string): Json {
  if (value === from) return to;
  if (isArray(value)) return value.map((v) => replaceStrings(v, from, to));
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, replaceStrings(v, from, to));
    return out;
  }
  return value;
}

/** Rename a node everywhere it is referenced: its id, edge ends, script keys. */
function renameNodeEverywhere(doc: Json, node: JsonObject, to: string): void {
  const from = node['id'];
  node['id'] = to;
  if (typeof from !== 'string') return;
  for (const e of objectsIn(doc, 'edges')) {
    if (e['source'] === from) e['source'] = to;
    if (e['target'] === from) e['target'] = to;
  }
  if (!isObject(doc)) return;
  const script = doc['script'];
  const byNode = isObject(script) ? script['nodes'] : undefined;
  if (isObject(byNode) && from in byNode) {
    const v = byNode[from];
    delete byNode[from];
    if (v !== undefined) setOwn(byNode, to, v);
  }
}

/** Rename a channel: its key in `state` (order kept) and every config value naming it. */
function renameChannelEverywhere(doc: Json, from: string, to: string): void {
  const state = stateOf(doc);
  if (!state || !isObject(doc)) return;
  const entries = Object.entries(state);
  for (const k of Object.keys(state)) delete state[k];
  for (const [k, v] of entries) setOwn(state, k === from ? to : k, v);
  for (const n of objectsIn(doc, 'nodes')) n['config'] = replaceStrings(configOf(n), from, to);
}

/** Apply one mutation in place (the root may be replaced: use the return value). */
export function applyMutation(root: Json, m: Mutation): Json {
  const nodes = objectsIn(root, 'nodes');
  const edges = objectsIn(root, 'edges');
  switch (m.kind) {
    case 'removeNode': {
      const list = arrayIn(root, 'nodes');
      if (list && list.length > 0) list.splice(m.node % list.length, 1);
      return root;
    }
    case 'removeEdge': {
      const list = arrayIn(root, 'edges');
      if (list && list.length > 0) list.splice(m.edge % list.length, 1);
      return root;
    }
    case 'rewireEdge': {
      const e = at(edges, m.edge);
      if (!e) return root;
      if ('remove' in m.to) delete e[m.field];
      else if ('node' in m.to) {
        const n = at(nodes, m.to.node);
        e[m.field] = n ? (n['id'] ?? null) : 'no-nodes';
      } else e[m.field] = expandString(m.to.name);
      return root;
    }
    case 'duplicateNodeId': {
      const a = at(nodes, m.node);
      const b = at(nodes, m.other);
      if (a && b) a['id'] = b['id'] ?? null;
      return root;
    }
    case 'duplicateEdgeId': {
      const a = at(edges, m.edge);
      const b = at(edges, m.other);
      if (a && b) a['id'] = b['id'] ?? null;
      return root;
    }
    case 'copyNode': {
      const n = at(nodes, m.node);
      if (n) arrayIn(root, 'nodes')?.push(clone(n));
      return root;
    }
    case 'addEdge': {
      // A back edge (to a node at or before the source) or a self-edge: adds a cycle.
      const list = arrayIn(root, 'edges');
      if (!list || nodes.length === 0) return root;
      const fromIndex = m.from % nodes.length;
      const toIndex = m.self ? fromIndex : m.to % (fromIndex + 1);
      const source = nodes[fromIndex]?.['id'] ?? null;
      const target = nodes[toIndex]?.['id'] ?? null;
      list.push({
        id: `fuzz-${list.length}-${m.from}-${m.to}`,
        source,
        target,
        ...(m.handle === null ? {} : { sourceHandle: m.handle }),
      });
      return root;
    }
    case 'swapType': {
      const n = at(nodes, m.node);
      if (!n) return root;
      n['type'] = m.type;
      if (m.resetConfig) n['config'] = {};
      return root;
    }
    case 'renameNode': {
      const n = at(nodes, m.node);
      if (n) renameNodeEverywhere(root, n, expandString(m.name));
      return root;
    }
    case 'configField': {
      const n = at(nodes, m.node);
      if (n) setOwn(configOf(n), expandString(m.field), expand(m.value));
      return root;
    }
    case 'plausibleConfig': {
      const n = at(nodes, m.node);
      if (!n) return root;
      const config = configOf(n);
      const owned = Object.keys(config).filter((k) => k in PLAUSIBLE);
      const field = m.own ? (at(owned, m.pick) ?? m.field) : m.field;
      const v = at(PLAUSIBLE[field] ?? [], m.pick);
      if (v !== undefined) setOwn(config, field, expand(v));
      return root;
    }
    case 'hugeString':
      return applyHuge(root, m.where, m.index, nodes, edges);
    case 'deleteChannel': {
      const state = stateOf(root);
      const key = state ? at(Object.keys(state), m.channel) : undefined;
      if (state && key !== undefined) delete state[key];
      return root;
    }
    case 'renameChannel': {
      const state = stateOf(root);
      const key = state ? at(Object.keys(state), m.channel) : undefined;
      if (key !== undefined) renameChannelEverywhere(root, key, expandString(m.name));
      return root;
    }
    case 'channelField': {
      const state = stateOf(root);
      const key = state ? at(Object.keys(state), m.channel) : undefined;
      const ch = state && key !== undefined ? state[key] : undefined;
      if (isObject(ch)) setOwn(ch, m.field, expand(m.value));
      return root;
    }
    case 'typeVersion': {
      const n = at(nodes, m.node);
      if (n) n['typeVersion'] = m.value;
      return root;
    }
    case 'setting': {
      if (!isObject(root)) return root;
      const s = isObject(root['settings']) ? root['settings'] : (root['settings'] = {});
      if (isObject(s)) setOwn(s, m.field, expand(m.value));
      return root;
    }
    case 'garbage': {
      const paths = allPaths(root);
      const p = at(paths, m.path) ?? [];
      return setAt(root, p, expand(m.value));
    }
    case 'deleteAt': {
      const paths = allPaths(root);
      // Deleting the whole document is covered by `garbage`; skip the root here.
      const p = at(paths.slice(1), m.path);
      return p ? deleteAt(root, p) : root;
    }
    case 'deepNest': {
      const paths = allPaths(root);
      const p = at(paths, m.path) ?? [];
      return setAt(root, p, deeplyNested(m.depth, m.shape));
    }
  }
}

function applyHuge(
  root: Json,
  where: Extract<Mutation, { kind: 'hugeString' }>['where'],
  index: number,
  nodes: JsonObject[],
  edges: JsonObject[],
): Json {
  const huge = expandString(HUGE);
  const n = at(nodes, index);
  const e = at(edges, index);
  switch (where) {
    case 'label':
      if (n) n['label'] = huge;
      break;
    case 'prompt':
    case 'system':
      if (n) setOwn(configOf(n), where, huge);
      break;
    case 'nodeId':
      if (n) renameNodeEverywhere(root, n, huge);
      break;
    case 'edgeId':
      if (e) e['id'] = huge;
      break;
    case 'handle':
      if (e) e['sourceHandle'] = huge;
      break;
    case 'docName':
      if (isObject(root)) root['name'] = huge;
      break;
    case 'description':
      if (isObject(root)) root['description'] = huge;
      break;
    case 'channel': {
      const state = stateOf(root);
      const key = state ? at(Object.keys(state), index) : undefined;
      if (key !== undefined) renameChannelEverywhere(root, key, huge);
      break;
    }
  }
  return root;
}

/** A mutated deep copy of `doc`. */
export function mutate(doc: Json, list: readonly Mutation[]): Json {
  let out = clone(doc);
  for (const m of list) out = applyMutation(out, m);
  return out;
}
