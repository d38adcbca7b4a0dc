import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FlowError, isRecord } from '@flowcraft/schema';
import { NodeTypeRegistry, isNodeType, missingNodeTypeFields } from '@flowcraft/node-types';
import type { NodeType } from '@flowcraft/node-types';

/** One module named in the engine's configuration, and the node types it contributed. */
export interface LoadedNodeTypeModule {
  /** As configured (path or package name). */
  spec: string;
  /** The file that was imported. */
  file: string;
  /** Type ids registered from it, in export order. */
  types: string[];
}

/** Extensions tried for an extension-less path and for a folder's `index`. */
const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];
/** Export conditions honoured in package.json `exports`, as Node does for `import`. */
const CONDITIONS = new Set(['import', 'node', 'module', 'default']);
/**
 * Invalid configuration: the engine was told to load something that is not a usable node-type
 * module. `invalid_request` (a user error the operator fixes in the configuration), not `internal`,
 * which is reserved for engine faults.
 */
function configError(spec: string, message: string, details: Record<string, unknown> = {}, cause?: unknown): FlowError {
  return new FlowError('invalid_request', `Node-type module "${spec}": ${message}`, {
    details: { module: spec, ...details },
    cause,
  });
}

function hasFunction(v: unknown, name: string): boolean {
  return isRecord(v) && typeof v[name] === 'function';
}

/** Something meant as a node type: a `type` id plus a build function or a config schema. */
function looksLikeNodeType(v: unknown): v is Record<string, unknown> {
  return (
    isRecord(v) && typeof v.type === 'string' && (typeof v.build === 'function' || hasFunction(v.config, 'safeParse'))
  );
}

interface Found {
  type: NodeType;
  exportName: string;
}

/** Node types among a module's exports: default, named, arrays of them, and a CommonJS `module.exports` object. */
function collectNodeTypes(spec: string, file: string, namespace: Record<string, unknown>): Found[] {
  const found: Found[] = [];
  const incomplete: string[] = [];
  const visit = (value: unknown, where: string, depth: number): void => {
    if (isNodeType(value)) {
      if (!found.some((f) => f.type === value)) found.push({ type: value, exportName: where });
    } else if (looksLikeNodeType(value)) {
      incomplete.push(`${where} ("${String(value.type)}") lacks ${missingNodeTypeFields(value).join(', ')}`);
    } else if (depth === 0 && Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${where}[${i}]`, 1));
    } else if (depth === 0 && where === 'default' && isRecord(value)) {
      for (const [k, v] of Object.entries(value)) visit(v, `default.${k}`, 1);
    }
  };
  // `default` first, so `export default [a, b]` keeps its order.
  const entries = Object.entries(namespace).sort(([a], [b]) => (a === 'default' ? -1 : b === 'default' ? 1 : 0));
  for (const [name, value] of entries) visit(value, name, 0);
  if (incomplete.length > 0) {
    throw configError(
      spec,
      `export ${incomplete.join('; ')} — define node types with defineNodeType() from @flowcraft/node-types`,
      { file, exports: incomplete },
    );
  }
  if (found.length === 0) {
    throw configError(
      spec,
      `exports no node types (found exports: ${entries.map(([n]) => n).join(', ') || 'none'}); export defineNodeType() results as the default export, as named exports or in an exported array`,
      { file },
    );
  }
  return found;
}

function isFile(p: string): boolean {
  return existsSync(p) && statSync(p).isFile();
}

function isDirectory(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/** Target of an `exports` entry under the conditions Node uses for `import`. */
function exportTarget(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const t of target) {
      const hit = exportTarget(t);
      if (hit) return hit;
    }
    return undefined;
  }
  if (isRecord(target)) {
    for (const [condition, value] of Object.entries(target)) {
      if (!CONDITIONS.has(condition)) continue;
      const hit = exportTarget(value);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Entry of a package folder for `subpath` ('.' or './x'): `exports`, then `module`/`main`, then an index file. */
function packageEntry(spec: string, dir: string, subpath: string): string {
  const pkgFile = join(dir, 'package.json');
  let pkg: Record<string, unknown> = {};
  if (isFile(pkgFile)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(pkgFile, 'utf8'));
    } catch (err) {
      throw configError(
        spec,
        `cannot read ${pkgFile}: ${err instanceof Error ? err.message : String(err)}`,
        { file: pkgFile },
        err,
      );
    }
    if (isRecord(parsed)) pkg = parsed;
  }
  const exportsField = pkg.exports;
  if (exportsField !== undefined) {
    const isSubpathMap = isRecord(exportsField) && Object.keys(exportsField).some((k) => k.startsWith('.'));
    const target = isSubpathMap
      ? exportTarget(exportsField[subpath])
      : subpath === '.'
        ? exportTarget(exportsField)
        : undefined;
    if (!target)
      throw configError(spec, `package.json "exports" of ${dir} has no entry for "${subpath}" usable by import`, {
        file: pkgFile,
      });
    const file = resolve(dir, target);
    if (!isFile(file))
      throw configError(spec, `package.json "exports" points at ${file}, which does not exist`, { file });
    return file;
  }
  if (subpath !== '.') return resolvePath(spec, join(dir, subpath));
  for (const field of ['module', 'main']) {
    const main = pkg[field];
    if (typeof main !== 'string') continue;
    const file = resolveFileOrIndex(resolve(dir, main));
    if (file) return file;
    throw configError(spec, `package.json "${field}" points at ${resolve(dir, main)}, which does not exist`, {
      file: pkgFile,
    });
  }
  const index = indexOf(dir);
  if (!index)
    throw configError(
      spec,
      `folder ${dir} has no package.json entry ("exports" or "main") and no index file (${EXTENSIONS.map((e) => `index${e}`).join(', ')})`,
    );
  return index;
}

function indexOf(dir: string): string | undefined {
  return EXTENSIONS.map((e) => join(dir, `index${e}`)).find(isFile);
}

/** A file as named, or with one of the known extensions added. */
function resolveFileOrIndex(p: string): string | undefined {
  if (isFile(p)) return p;
  const withExt = EXTENSIONS.map((e) => p + e).find(isFile);
  if (withExt) return withExt;
  return isDirectory(p) ? indexOf(p) : undefined;
}

function resolvePath(spec: string, p: string): string {
  if (isDirectory(p)) return packageEntry(spec, p, '.');
  const file = resolveFileOrIndex(p);
  if (!file) throw configError(spec, `no such file or folder: ${p}`, { path: p });
  return file;
}

/** `@scope/name/sub` → name `@scope/name`, subpath `./sub`. */
function splitPackageSpec(spec: string): { name: string; subpath: string } | undefined {
  const m = /^((?:@[^/@\s]+\/)?[^/@\s][^/\s]*)(\/.+)?$/.exec(spec);
  if (!m?.[1]) return undefined;
  return { name: m[1], subpath: m[2] ? `.${m[2]}` : '.' };
}

/** An installed package, looked up in `node_modules` folders from `cwd` upward (as Node does). */
function resolvePackage(spec: string, cwd: string): string {
  const parts = splitPackageSpec(spec);
  if (!parts) throw configError(spec, 'is neither a path (start it with ./, ../ or /) nor a package name');
  for (let dir = cwd; ; dir = dirname(dir)) {
    const pkgDir = join(dir, 'node_modules', parts.name);
    if (isDirectory(pkgDir)) return packageEntry(spec, pkgDir, parts.subpath);
    if (dirname(dir) === dir) break;
  }
  throw configError(
    spec,
    `package "${parts.name}" is not installed (no node_modules/${parts.name} from ${cwd} upward); install it or give a path starting with ./, ../ or /`,
    { cwd },
  );
}

function isPathSpec(spec: string): boolean {
  return spec.startsWith('file:') || spec.startsWith('.') || isAbsolute(spec) || /\.(?:[cm]?[jt]s)$/.test(spec);
}

/** The file to import for a module spec: a local file, a folder, or an installed package. */
export function resolveNodeTypeModule(spec: string, cwd: string): string {
  const file = spec.startsWith('file:')
    ? resolvePath(spec, fileURLToPath(spec))
    : isPathSpec(spec)
      ? resolvePath(spec, resolve(cwd, spec))
      : resolvePackage(spec, cwd);
  // Import by real path, as Node does, so a symlinked package resolves its own dependencies.
  return realpathSync(file);
}

async function importModule(spec: string, file: string): Promise<Record<string, unknown>> {
  let namespace: unknown;
  try {
    namespace = await import(pathToFileURL(file).href);
  } catch (err) {
    const code = isRecord(err) && typeof err.code === 'string' ? err.code : undefined;
    const hint = code === 'ERR_UNKNOWN_FILE_EXTENSION' ? ' (TypeScript modules need the engine to run under tsx)' : '';
    throw configError(
      spec,
      `failed to import ${file}: ${err instanceof Error ? err.message : String(err)}${hint}`,
      { file },
      err,
    );
  }
  if (!isRecord(namespace)) throw configError(spec, `importing ${file} gave no module namespace`, { file });
  return namespace;
}

/** Register into a scratch registry and describe it: catches types whose config schema cannot become JSON Schema. */
function checkDescribable(spec: string, file: string, found: Found): void {
  try {
    new NodeTypeRegistry().register(found.type, { custom: true }).describe(found.type.type);
  } catch (err) {
    throw configError(
      spec,
      `node type "${found.type.type}" (export ${found.exportName}) cannot be described as JSON: ${err instanceof Error ? err.message : String(err)}`,
      { file, typeId: found.type.type },
      err,
    );
  }
}

/**
 * Import node-type modules named in the engine configuration and register every node type they
 * export as custom. `specs` are local files (`./types/x.ts`), folders (their package.json
 * `exports`/`main`, or `index.ts`/`index.js`), or installed package names; relative paths and
 * package lookups start at `cwd`.
 *
 * All or nothing: every module is imported and checked before anything is registered, so a bad
 * module leaves the registry unchanged. Throws FlowError `invalid_request` naming the module when
 * it cannot be found or imported, exports no node type, exports an incomplete one, or a type id
 * clashes with a registered type or with another module's.
 */
export async function loadNodeTypeModules(
  specs: string[],
  registry: NodeTypeRegistry,
  opts: { cwd: string },
): Promise<LoadedNodeTypeModule[]> {
  const loaded: (LoadedNodeTypeModule & { found: Found[] })[] = [];
  const owner = new Map<string, { spec: string; type: NodeType }>();
  for (const raw of specs) {
    const spec = raw.trim();
    if (spec === '') throw configError(raw, 'empty module name');
    const file = resolveNodeTypeModule(spec, opts.cwd);
    const found = collectNodeTypes(spec, file, await importModule(spec, file));
    const fresh: Found[] = [];
    for (const f of found) {
      const id = f.type.type;
      const previous = owner.get(id);
      // The same module listed twice (say by path and by package name) gives the same objects.
      if (previous?.type === f.type) continue;
      if (previous)
        throw configError(
          spec,
          `node type "${id}" (export ${f.exportName}) is also defined by module "${previous.spec}"`,
          { file, typeId: id, otherModule: previous.spec },
        );
      if (registry.has(id)) {
        const what = registry.describe(id)?.custom ? 'an already registered custom node type' : 'a built-in node type';
        throw configError(spec, `node type "${id}" (export ${f.exportName}) clashes with ${what}`, {
          file,
          typeId: id,
        });
      }
      checkDescribable(spec, file, f);
      owner.set(id, { spec, type: f.type });
      fresh.push(f);
    }
    loaded.push({ spec, file, types: fresh.map((f) => f.type.type), found: fresh });
  }
  for (const m of loaded) for (const f of m.found) registry.register(f.type, { custom: true });
  return loaded.map(({ spec, file, types }) => ({ spec, file, types }));
}
