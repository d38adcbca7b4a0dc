import { Embeddings } from '@langchain/core/embeddings';

/** Dimensions of `scripted:*` embedders unless the name ends in `-<n>` (e.g. `scripted:embed-64`). */
export const SCRIPTED_EMBEDDING_DIMENSIONS = 256;

const STOPWORDS = new Set(
  'a an and are as at be by do does for from has have how i in is it its of on or that the this to was what when where which who why will with you your'.split(
    ' ',
  ),
);

/**
 * The offline embedder for tests and examples (`scripted:embed`): deterministic feature hashing of the
 * text's words (lower-cased, a plural `s` dropped, stop words skipped) and, at half weight, their
 * character trigrams, so texts sharing words or word stems are near each other. Unit length. Not a
 * language model: it knows no synonyms. Always labelled `scripted` where it is used.
 */
export class ScriptedEmbeddings extends Embeddings {
  constructor(readonly dimensions = SCRIPTED_EMBEDDING_DIMENSIONS) {
    super({});
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => this.vector(t));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.vector(text);
  }

  vector(text: string): number[] {
    const v = new Array<number>(this.dimensions).fill(0);
    const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
      .filter((w) => !STOPWORDS.has(w))
      .map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
    for (const w of words) {
      add(v, `w:${w}`, 1);
      const padded = `_${w}_`;
      for (let i = 0; i + 3 <= padded.length; i += 1) add(v, `t:${padded.slice(i, i + 3)}`, 0.5);
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    return norm === 0 ? v : v.map((x) => x / norm);
  }
}

/** FNV-1a of the feature picks a dimension and a sign. */
function add(v: number[], feature: string, weight: number): void {
  let h = 0x811c9dc5;
  for (let i = 0; i < feature.length; i += 1) {
    h ^= feature.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const i = h % v.length;
  v[i] = (v[i] ?? 0) + (h & 0x80000000 ? -weight : weight);
}
