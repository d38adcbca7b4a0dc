/** A name not yet used: `Support triage (copy)`, then `(copy 2)`, `(copy 3)`… (an existing suffix is replaced). */
export function copyName(name: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = name.replace(/ \(copy(?: \d+)?\)$/, '');
  if (!used.has(`${base} (copy)`)) return `${base} (copy)`;
  for (let n = 2; ; n++) if (!used.has(`${base} (copy ${n})`)) return `${base} (copy ${n})`;
}

/** Why a workflow name cannot be used, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'A workflow needs a name.';
  if (name.length > 200) return 'Names are at most 200 characters.';
  return undefined;
}
