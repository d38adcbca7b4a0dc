import { readFileSync } from 'node:fs';

/** A workflow document from the repository's `examples/` folder, parsed as plain JSON. */
export function exampleDocument(name: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(
    readFileSync(new URL(`../../../../../examples/${name}.json`, import.meta.url), 'utf8'),
  );
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`example ${name} is not an object`);
  return { ...parsed };
}
