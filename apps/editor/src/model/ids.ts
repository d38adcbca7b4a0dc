/** A new id `${prefix}_${n}` not in `taken` (node ids), or `${prefix}${n}` for edges. */
export function freshId(prefix: string, taken: ReadonlySet<string>, separator = '_'): string {
  const base = prefix.replace(/[^A-Za-z0-9_-]/g, '_') || 'node';
  for (let n = 1; ; n++) {
    const id = `${base}${separator}${n}`;
    if (!taken.has(id)) return id;
  }
}
