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
