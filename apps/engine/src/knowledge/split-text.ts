import { MarkdownTextSplitter, RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import type { KnowledgeContentType } from './extract-text.js';

/** A piece of a document's extracted text and where it is: character offsets and 1-based lines. */
export interface TextChunk {
  idx: number;
  content: string;
  startOffset: number;
  endOffset: number;
  lineFrom: number;
  lineTo: number;
}

export interface SplitOptions {
  chunkSize: number;
  chunkOverlap: number;
}

/**
 * Splits with LangChain's text splitters (Markdown: on headings, code fences and paragraphs first;
 * otherwise paragraphs, lines, sentences, words) and locates each chunk in the text. Chunks overlap by
 * up to `chunkOverlap` characters.
 */
export async function splitText(
  text: string,
  contentType: KnowledgeContentType,
  options: SplitOptions,
): Promise<TextChunk[]> {
  const params = { chunkSize: options.chunkSize, chunkOverlap: options.chunkOverlap };
  const splitter =
    contentType === 'text/markdown' ? new MarkdownTextSplitter(params) : new RecursiveCharacterTextSplitter(params);
  const pieces = await splitter.splitText(text);
  const lineStarts = [0];
  for (let i = 0; i < text.length; i += 1) if (text[i] === '\n') lineStarts.push(i + 1);
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const chunks: TextChunk[] = [];
  let from = 0;
  for (const content of pieces) {
    const found = text.indexOf(content, from);
    // The splitters return trimmed substrings of the text; a piece not found verbatim keeps the last position.
    const start = found < 0 ? from : found;
    const end = start + content.length;
    chunks.push({
      idx: chunks.length,
      content,
      startOffset: start,
      endOffset: end,
      lineFrom: lineAt(start),
      lineTo: lineAt(Math.max(start, end - 1)),
    });
    if (found >= 0) from = found + 1;
  }
  return chunks;
}
