import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { FlowError, NodeTypeDescription } from '@flowcraft/schema';
import { doc, end, runDoc, start } from '../testing/harness.js';
import { isNodeType } from '@flowcraft/node-types';
import { loadNodeTypeModules, resolveNodeTypeModule } from './load-node-types.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = (name: string) => join(here, 'fixtures', name);
const engineDir = fileURLToPath(new URL('../..', import.meta.url));
const exampleDir = fileURLToPath(new URL('../../../../examples/custom-node-type', import.meta.url));
const exampleEntry = join(exampleDir, 'src', 'index.ts');

/** The FlowError a promise rejects with. */
async function failure(p: Promise<unknown>): Promise<FlowError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof FlowError)) throw new Error(`expected a FlowError, got ${String(err)}`);
  return err;
}

describe('loadNodeTypeModules: finding modules', () => {
  let project = '';
  beforeAll(() => {
    // A project folder with the example installed as a package (a symlink, as pnpm/npm link it).
    project = mkdtempSync(join(tmpdir(), 'flowcraft-node-types-'));
    mkdirSync(join(project, 'node_modules', '@flowcraft'), { recursive: true });
    mkdirSync(join(project, 'config', 'nested'), { recursive: true });
    symlinkSync(exampleDir, join(project, 'node_modules', '@flowcraft', 'example-sentiment'), 'dir');
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('loads the example package by folder path (relative to cwd), marking its type custom', async () => {
    const registry = createBuiltinRegistry();
    const loaded = await loadNodeTypeModules([relative(engineDir, exampleDir)], registry, { cwd: engineDir });
    expect(loaded).toEqual([
      { spec: '../../examples/custom-node-type', file: exampleEntry, types: ['acme/sentiment'] },
    ]);
    const description = registry.describe('acme/sentiment');
    expect(description?.custom).toBe(true);
    expect(NodeTypeDescription.safeParse(JSON.parse(JSON.stringify(description))).success).toBe(true);
    expect(registry.describe('llm')?.custom).toBe(false);
  });

  it('loads it by package name from node_modules, looking upward from cwd', async () => {
    const registry = createBuiltinRegistry();
    const loaded = await loadNodeTypeModules(['@flowcraft/example-sentiment'], registry, {
      cwd: join(project, 'config', 'nested'),
    });
    // Imported by real path, so the package's own dependencies resolve.
    expect(loaded).toEqual([{ spec: '@flowcraft/example-sentiment', file: exampleEntry, types: ['acme/sentiment'] }]);
    expect(registry.has('acme/sentiment')).toBe(true);
  });

  it('loads a single file, an absolute path, a folder index and a file: URL', async () => {
    expect(resolveNodeTypeModule(exampleEntry, '/')).toBe(exampleEntry);
    expect(resolveNodeTypeModule('./fixtures/index-folder', here)).toBe(fixture('index-folder/index.ts'));
    expect(resolveNodeTypeModule('./fixtures/array-export', here)).toBe(fixture('array-export.ts'));
    expect(resolveNodeTypeModule(new URL('./fixtures/array-export.ts', import.meta.url).href, '/')).toBe(
      fixture('array-export.ts'),
    );
    const registry = createBuiltinRegistry();
    const loaded = await loadNodeTypeModules(['./fixtures/index-folder/index.ts'], registry, { cwd: here });
    expect(loaded[0]?.types).toEqual(['fixture/a']);
  });

  it('registers every node type of an exported array once, in order', async () => {
    const registry = createBuiltinRegistry();
    const loaded = await loadNodeTypeModules([fixture('array-export.ts')], registry, { cwd: '/' });
    expect(loaded[0]?.types).toEqual(['fixture/b', 'fixture/a']);
    expect(
      registry
        .describeAll()
        .filter((d) => d.custom)
        .map((d) => d.type),
    ).toEqual(['fixture/b', 'fixture/a']);
  });

  it('accepts the same module twice (by path and by package name) without a clash', async () => {
    const registry = createBuiltinRegistry();
    const loaded = await loadNodeTypeModules([exampleDir, '@flowcraft/example-sentiment'], registry, { cwd: project });
    expect(loaded.map((m) => m.types)).toEqual([['acme/sentiment'], []]);
  });

  it('runs a workflow with the loaded type like a built-in', async () => {
    const registry = createBuiltinRegistry();
    await loadNodeTypeModules([exampleDir], registry, { cwd: '/' });
    const d = doc({
      state: { input: { type: 'string', reducer: 'replace' }, sentiment: { type: 'json', reducer: 'replace' } },
      nodes: [
        start(['input']),
        { id: 'mood', type: 'acme/sentiment', typeVersion: 2, config: { neutral: false } },
        end(['sentiment']),
      ],
      edges: [
        ['start', 'mood'],
        ['mood', 'end', 'positive'],
        ['mood', 'end', 'negative'],
      ],
    });
    const run = await runDoc(d, { input: 'Terrible, it crashed again.' }, { registry });
    expect(run.outcome).toMatchObject({ status: 'completed', output: { sentiment: { label: 'negative', score: -1 } } });
  });

  it('tells node types apart from other exports structurally', () => {
    expect(isNodeType({ type: 'x', version: 1 })).toBe(false);
    expect(isNodeType(null)).toBe(false);
  });
});

describe('loadNodeTypeModules: errors name the module', () => {
  it('a path that does not exist', async () => {
    const err = await failure(loadNodeTypeModules(['./no/such/types.ts'], createBuiltinRegistry(), { cwd: here }));
    expect(err.code).toBe('invalid_request');
    expect(err.message).toContain('Node-type module "./no/such/types.ts": no such file or folder');
    expect(err.details).toMatchObject({ module: './no/such/types.ts' });
  });

  it('a package that is not installed', async () => {
    const err = await failure(loadNodeTypeModules(['@acme/not-installed'], createBuiltinRegistry(), { cwd: here }));
    expect(err).toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('package "@acme/not-installed" is not installed'),
    });
  });

  it('a module that throws while importing', async () => {
    const err = await failure(
      loadNodeTypeModules([fixture('throws-on-import.ts')], createBuiltinRegistry(), { cwd: '/' }),
    );
    expect(err.message).toMatch(/throws-on-import\.ts.*failed to import .*boom: missing API key/);
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('a module exporting nothing usable', async () => {
    const err = await failure(
      loadNodeTypeModules([fixture('nothing-usable.ts')], createBuiltinRegistry(), { cwd: '/' }),
    );
    expect(err.code).toBe('invalid_request');
    expect(err.message).toContain('exports no node types (found exports: default, greeting, helper)');
  });

  it('a hand-written object that is not a complete node type', async () => {
    const err = await failure(
      loadNodeTypeModules([fixture('incomplete-type.ts')], createBuiltinRegistry(), { cwd: '/' }),
    );
    expect(err.message).toContain('export handMade ("acme/hand-made") lacks meta, portsSpec');
    expect(err.message).toContain('defineNodeType()');
  });

  it('a type id defined by two modules, leaving the registry unchanged', async () => {
    const registry = createBuiltinRegistry();
    const before = registry.list().length;
    const err = await failure(
      loadNodeTypeModules([exampleDir, fixture('array-export.ts'), fixture('clash-sentiment.ts')], registry, {
        cwd: '/',
      }),
    );
    expect(err.message).toContain(
      `Node-type module "${fixture('clash-sentiment.ts')}": node type "acme/sentiment" (export sentimentImpostor) is also defined by module "${exampleDir}"`,
    );
    expect(err.details).toMatchObject({ typeId: 'acme/sentiment', otherModule: exampleDir });
    expect(registry.list()).toHaveLength(before);
    expect(registry.has('fixture/a')).toBe(false);
  });

  it('a type id clashing with a built-in or an already registered type', async () => {
    const builtin = await failure(
      loadNodeTypeModules([fixture('clash-builtin.ts')], createBuiltinRegistry(), { cwd: '/' }),
    );
    expect(builtin.message).toContain('node type "llm" (export llmImpostor) clashes with a built-in node type');
    const registry = createBuiltinRegistry();
    await loadNodeTypeModules([exampleDir], registry, { cwd: '/' });
    const again = await failure(loadNodeTypeModules([fixture('clash-sentiment.ts')], registry, { cwd: '/' }));
    expect(again.message).toContain('clashes with an already registered custom node type');
  });

  it('an empty module name', async () => {
    const err = await failure(loadNodeTypeModules(['  '], createBuiltinRegistry(), { cwd: '/' }));
    expect(err.message).toContain('empty module name');
  });
});
