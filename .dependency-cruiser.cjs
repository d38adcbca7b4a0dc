/**
 * Layering rules, checked by `pnpm lint` (part of `pnpm test`).
 * Packages: schema ← node-types ← engine / editor; the editor talks to the engine only over HTTP.
 */
/**
 * The editor's folders, top to bottom: a folder may import its own files and the folders below it, never one above.
 * App/main → pages (EditorPage) and the list page → side-panel components → canvas → form widgets → code/ui widgets →
 * controllers (actions over stores and the API) → stores (zustand singletons and factories) → model (pure) → api.
 */
const EDITOR_LAYERS = [
  '(App|main)\\.tsx$',
  '(pages|workflows)/',
  'inspector/',
  'debug/',
  'run/',
  'canvas/',
  'form/',
  '(code|ui)/',
  'controllers/',
  'stores/',
  'model/',
  'api/',
];
const editorLayerRules = EDITOR_LAYERS.slice(1).map((layer, i) => ({
  name: `editor-layer-${layer.replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '')}`,
  comment: 'editor folders point one way (see EDITOR_LAYERS)',
  severity: 'error',
  from: { path: `^apps/editor/src/${layer}` },
  to: { path: `^apps/editor/src/(${EDITOR_LAYERS.slice(0, i + 1).join('|')})` },
}));

module.exports = {
  forbidden: [
    ...editorLayerRules,
    {
      name: 'schema-imports-only-zod',
      severity: 'error',
      from: { path: '^packages/schema/src' },
      to: { path: '^(packages/(?!schema)|apps/)' },
    },
    {
      name: 'node-types-below-apps',
      severity: 'error',
      from: { path: '^packages/node-types/src' },
      to: { path: '^apps/' },
    },
    {
      name: 'editor-never-imports-engine',
      severity: 'error',
      from: { path: '^apps/editor/src' },
      to: { path: '^(apps/engine|packages/node-types)' },
    },
    {
      name: 'engine-never-imports-editor',
      severity: 'error',
      from: { path: '^apps/engine/src' },
      to: { path: '^apps/editor' },
    },
    // Engine layers (production code; tests may reach up to wire what they test), bottom to top: store | config | models | secrets | mcp → compile → execution →
    // lifecycle → time-travel | workflows | evaluations → http | realtime (adapters, through http/deps.ts) → server → main; queue sits on store, below lifecycle.
    {
      name: 'engine-store-is-the-floor',
      severity: 'error',
      from: { path: '^apps/engine/src/store/', pathNot: '\\.test\\.ts$' },
      to: {
        path: '^apps/engine/src/(compile|execution|lifecycle|queue|time-travel|workflows|evaluations|http|realtime|agent-server|mcp-server|server|main|cli|telemetry)/',
      },
    },
    {
      name: 'engine-queue-above-store-only',
      severity: 'error',
      comment: 'The durable run queue sits on the store; the lifecycle uses it, never the other way round.',
      from: { path: '^apps/engine/src/queue/', pathNot: '\\.test\\.ts$' },
      to: {
        path: '^apps/engine/src/(compile|execution|lifecycle|time-travel|workflows|evaluations|http|realtime|agent-server|mcp-server|server|main|cli|telemetry)/',
      },
    },
    {
      name: 'engine-compile-is-pure',
      severity: 'error',
      from: { path: '^apps/engine/src/compile/', pathNot: '\\.test\\.ts$' },
      to: {
        path: '^apps/engine/src/(store|execution|lifecycle|time-travel|workflows|evaluations|http|realtime|server|main|cli|telemetry)/',
      },
    },
    {
      name: 'engine-execution-below-lifecycle',
      severity: 'error',
      from: { path: '^apps/engine/src/execution/', pathNot: '\\.test\\.ts$' },
      to: {
        path: '^apps/engine/src/(store|lifecycle|time-travel|workflows|evaluations|http|realtime|server|main|cli)/',
      },
    },
    {
      name: 'engine-lifecycle-below-adapters',
      severity: 'error',
      from: { path: '^apps/engine/src/(lifecycle|time-travel|workflows|evaluations)/', pathNot: '\\.test\\.ts$' },
      to: {
        path: '^apps/engine/src/(realtime|server|main|cli|http|agent-server|mcp-server)/',
        // Until the wire types live in packages/schema: the HTTP seam's types only.
        pathNot: '^apps/engine/src/(http/(deps|schemas/.*|testing/.*)\\.ts|main/wire\\.ts)$',
      },
    },
    {
      name: 'engine-lifecycle-below-time-travel',
      severity: 'error',
      from: { path: '^apps/engine/src/lifecycle/', pathNot: '\\.test\\.ts$' },
      to: { path: '^apps/engine/src/(time-travel|workflows|evaluations)/' },
    },
    {
      name: 'engine-adapters-use-the-seam',
      severity: 'error',
      comment:
        'HTTP, Socket.IO, the Agent Server API and the MCP server reach runs, threads and workflows only through http/deps.ts (wired in main/).',
      from: { path: '^apps/engine/src/(http|realtime|agent-server|mcp-server)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^apps/engine/src/(lifecycle|time-travel|workflows|evaluations|execution|compile|main|server)/' },
    },
    {
      name: 'engine-only-main-wires',
      severity: 'error',
      from: { path: '^apps/engine/src/', pathNot: '^apps/engine/src/(main|cli|testing)/|\\.test\\.ts$' },
      to: { path: '^apps/engine/src/main/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      // The schema-driven form renders nested fields recursively (FieldControl → ObjectFields → FieldRow).
      from: { path: '^(packages|apps)/[^/]+/src', pathNot: '^apps/editor/src/form/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|/dist/|\\.data/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
