/**
 * `base`, or the first `base (n)` no dataset of the workflow has: the engine refuses a name another
 * dataset of the workflow has (compared trimmed, ignoring case) with 409 `conflict`.
 */
export function freeDatasetName(datasets: readonly { name: string }[], base = 'Regression tests'): string {
  const taken = new Set(datasets.map((d) => d.name.trim().toLowerCase()));
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base} (${n})`;
  return name;
}
