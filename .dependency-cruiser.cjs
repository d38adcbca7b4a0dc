/**
 * Layering rules, checked by `pnpm lint` (part of `pnpm test`).
 * Packages: schema ← node-types ← engine / editor; the editor talks to the engine only over HTTP.
 */
module.exports = {
  forbidden: [
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
