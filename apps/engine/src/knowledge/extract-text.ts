import { convert } from 'html-to-text';
import { FlowError } from '@flowcraft/schema';

/** Document kinds a knowledge base takes. */
export const KNOWLEDGE_CONTENT_TYPES = ['text/plain', 'text/markdown', 'text/html'] as const;
export type KnowledgeContentType = (typeof KNOWLEDGE_CONTENT_TYPES)[number];

/** The content type for a file name (`.md`, `.html`, `.txt`…), or `text/plain`. */
export function contentTypeOf(source: string): KnowledgeContentType {
  const ext = /\.([a-z0-9]+)$/i.exec(source)?.[1]?.toLowerCase();
  if (ext === 'md' || ext === 'markdown' || ext === 'mdx') return 'text/markdown';
  if (ext === 'html' || ext === 'htm') return 'text/html';
  return 'text/plain';
}

/**
 * The text that is split and embedded: Markdown and plain text as they are (line endings normalised),
 * HTML as readable text (html-to-text: headings, lists and tables kept as text; scripts, styles and
 * images dropped). Positions of chunks refer to this text.
 */
export function extractText(content: string, contentType: KnowledgeContentType): string {
  const text = content.replace(/\r\n?/g, '\n');
  switch (contentType) {
    case 'text/plain':
    case 'text/markdown':
      return text;
    case 'text/html':
      return convert(text, {
        wordwrap: false,
        selectors: [
          { selector: 'a', options: { ignoreHref: true } },
          { selector: 'img', format: 'skip' },
          { selector: 'script', format: 'skip' },
          { selector: 'style', format: 'skip' },
          { selector: 'h1', options: { uppercase: false } },
          { selector: 'h2', options: { uppercase: false } },
          { selector: 'h3', options: { uppercase: false } },
          { selector: 'h4', options: { uppercase: false } },
          { selector: 'h5', options: { uppercase: false } },
          { selector: 'h6', options: { uppercase: false } },
          { selector: 'table', options: { uppercaseHeaderCells: false } },
        ],
      });
    default:
      throw new FlowError('invalid_input', `Unsupported document type ${String(contentType)}.`);
  }
}
