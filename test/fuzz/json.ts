/**
 * Small helpers for treating workflow documents as plain JSON trees: type guards, paths,
 * and reads/writes at a path. Mutations work on deep copies, never on the seeds.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type PathSegment = string | number;

export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function isArray(v: unknown): v is Json[] {
  return Array.isArray(v);
}

/**
 * A deep copy of a JSON-like value (arrays, plain objects, primitives) without recursion, so
 * documents nested thousands of levels deep can be copied (structuredClone overflows the stack).
 * Keeps NaN, -0 and own `__proto__` keys.
 */
export function clone<T>(value: T): T {
  const copy = (v: unknown): unknown =>
    Array.isArray(v) ? new Array<unknown>(v.length) : v !== null && typeof v === 'object' ? {} : v;
  const root = copy(value);
  const stack: { from: unknown; to: unknown }[] = [{ from: value, to: root }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) break;
    const { from, to } = item;
    if (Array.isArray(from) && Array.isArray(to)) {
      from.forEach((child: unknown, i) => {
        const c = copy(child);
        to[i] = c;
        if (c !== child) stack.push({ from: child, to: c });
      });
    } else if (from !== null && typeof from === 'object' && to !== null && typeof to === 'object') {
      for (const [k, child] of Object.entries(from)) {
        const c = copy(child);
        Object.defineProperty(to, k, { value: c, enumerable: true, writable: true, configurable: true });
        if (c !== child) stack.push({ from: child, to: c });
      }
    }
  }
  return root as T;
}

/** Set an own property, even `__proto__` (plain assignment would change the prototype instead). */
export function setOwn(obj: JsonObject, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Every path in the tree (the root `[]` included), breadth first, up to `limit` paths and
 * `maxDepth` segments, so that a path can be picked by index.
 */
export function allPaths(root: Json, limit = 4000, maxDepth = 12): PathSegment[][] {
  const out: PathSegment[][] = [];
  const queue: { path: PathSegment[]; value: Json }[] = [{ path: [], value: root }];
  for (let head = 0; head < queue.length && out.length < limit; head++) {
    const item = queue[head];
    if (!item) break;
    out.push(item.path);
    if (item.path.length >= maxDepth) continue;
    const v = item.value;
    if (isArray(v)) v.forEach((child, i) => queue.push({ path: [...item.path, i], value: child }));
    else if (isObject(v))
      for (const [k, child] of Object.entries(v)) queue.push({ path: [...item.path, k], value: child });
  }
  return out;
}

/** The container holding `path` and the last segment, or undefined when the path does not exist. */
function parentOf(
  root: Json,
  path: readonly PathSegment[],
): { parent: Json[] | JsonObject; key: PathSegment } | undefined {
  if (path.length === 0) return undefined;
  let cur: Json = root;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i];
    if (seg === undefined) return undefined;
    const next: Json | undefined =
      isArray(cur) && typeof seg === 'number'
        ? cur[seg]
        : isObject(cur) && typeof seg === 'string'
          ? cur[seg]
          : undefined;
    if (next === undefined) return undefined;
    cur = next;
  }
  const key = path[path.length - 1];
  if (key === undefined) return undefined;
  if (isArray(cur) || isObject(cur)) return { parent: cur, key };
  return undefined;
}

/** Replace the value at `path`; replacing the root returns the new value. */
export function setAt(root: Json, path: readonly PathSegment[], value: Json): Json {
  if (path.length === 0) return value;
  const found = parentOf(root, path);
  if (!found) return root;
  const { parent, key } = found;
  if (isArray(parent) && typeof key === 'number') parent[key] = value;
  else if (isObject(parent) && typeof key === 'string') setOwn(parent, key, value);
  return root;
}

/** Delete the value at `path` (splice from arrays); deleting the root gives `null`. */
export function deleteAt(root: Json, path: readonly PathSegment[]): Json {
  if (path.length === 0) return null;
  const found = parentOf(root, path);
  if (!found) return root;
  const { parent, key } = found;
  if (isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else if (isObject(parent) && typeof key === 'string') delete parent[key];
  return root;
}

/** A value nested `depth` levels deep in arrays or objects, built without recursion. */
export function deeplyNested(depth: number, shape: 'array' | 'object', leaf: Json = 'leaf'): Json {
  let v: Json = leaf;
  for (let i = 0; i < depth; i++) v = shape === 'array' ? [v] : { nested: v };
  return v;
}

/**
 * Short description of a document for failure messages: huge strings and deep nesting elided
 * (JSON.stringify overflows the stack on the deeply nested documents the fuzzer makes).
 */
export function describeDoc(doc: unknown, max = 3000): string {
  const parts: string[] = [];
  let length = 0;
  const emit = (s: string): boolean => {
    parts.push(s);
    length += s.length;
    return length < max;
  };
  const walk = (v: unknown, depth: number): boolean => {
    if (typeof v === 'string')
      return emit(JSON.stringify(v.length > 120 ? `<${v.length} chars: ${v.slice(0, 20)}…>` : v));
    if (typeof v === 'number') return emit(Number.isFinite(v) ? (Object.is(v, -0) ? '-0' : String(v)) : String(v));
    if (v === null || typeof v === 'boolean') return emit(String(v));
    if (typeof v !== 'object') return emit(`<${typeof v}>`);
    if (depth >= 24) return emit(Array.isArray(v) ? '[…deeper…]' : '{…deeper…}');
    if (Array.isArray(v)) {
      if (!emit('[')) return false;
      for (let i = 0; i < v.length; i++) {
        if ((i > 0 && !emit(',')) || !walk(v[i], depth + 1)) return false;
      }
      return emit(']');
    }
    if (!emit('{')) return false;
    let first = true;
    for (const [k, child] of Object.entries(v)) {
      if (
        (!first && !emit(',')) ||
        !emit(`${JSON.stringify(k.length > 120 ? `<${k.length} chars>` : k)}:`) ||
        !walk(child, depth + 1)
      )
        return false;
      first = false;
    }
    return emit('}');
  };
  const complete = walk(doc, 0);
  const text = parts.join('');
  return complete ? text : `${text.slice(0, max)}…`;
}

function render(path: readonly PathSegment[]): string {
  return path.length === 0 ? '(root)' : path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}

/**
 * Structural equality of two values without recursion (documents may be nested thousands of
 * levels deep): same own keys (any order), `Object.is` for primitives. Returns the first
 * difference as a path, or undefined when equal.
 */
export function firstDifference(a: unknown, b: unknown): string | undefined {
  const stack: { a: unknown; b: unknown; path: PathSegment[] }[] = [{ a, b, path: [] }];
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) break;
    const { a: x, b: y, path } = item;
    if (Object.is(x, y)) continue;
    if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object')
      return `${render(path)}: ${short(x)} vs ${short(y)}`;
    if (Array.isArray(x) !== Array.isArray(y)) return `${render(path)}: array vs non-array`;
    if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return `${render(path)}: different prototypes`;
    if (seen.has(x)) continue;
    seen.add(x);
    const kx = Object.keys(x);
    const ky = Object.keys(y);
    if (kx.length !== ky.length)
      return `${render(path)}: keys [${kx.join(', ').slice(0, 200)}] vs [${ky.join(', ').slice(0, 200)}]`;
    const rx = x as Record<string, unknown>;
    const ry = y as Record<string, unknown>;
    for (const k of kx) {
      if (!Object.hasOwn(y, k)) return `${render(path)}: key "${k.slice(0, 80)}" missing on the right`;
      stack.push({ a: rx[k], b: ry[k], path: [...path, Array.isArray(x) ? Number(k) : k] });
    }
  }
  return undefined;
}

function short(v: unknown): string {
  if (typeof v === 'string') return v.length > 60 ? `"${v.slice(0, 60)}…" (${v.length} chars)` : JSON.stringify(v);
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? 'array' : 'object';
  return String(v);
}
