import { memo } from 'react';
import type { ReactNode } from 'react';
import { Lexer } from 'marked';
import type { MarkedToken, Token } from 'marked';

/**
 * A note's Markdown as React elements, from marked's tokens: no HTML string is ever injected (raw HTML
 * shows as text), and only http(s) and mailto links become links.
 */
export const NoteMarkdown = memo(function NoteMarkdown({ text }: { text: string }) {
  return <>{blocks(Lexer.lex(text, { gfm: true, breaks: true }))}</>;
});

const KNOWN = new Set<string>([
  'blockquote',
  'br',
  'code',
  'codespan',
  'del',
  'em',
  'escape',
  'heading',
  'hr',
  'html',
  'link',
  'list',
  'paragraph',
  'space',
  'strong',
  'text',
  'image',
  'checkbox',
  'table',
  'def',
  'tag',
  'list_item',
]);

function known(t: Token): t is MarkedToken {
  return KNOWN.has(t.type);
}

const SAFE_URL = /^(https?:|mailto:)/i;

function blocks(tokens: readonly Token[]): ReactNode[] {
  return tokens.map((t, i) => block(t, i));
}

function block(t: Token, key: number): ReactNode {
  if (!known(t)) return <span key={key}>{t.raw}</span>;
  switch (t.type) {
    case 'heading':
      return t.depth <= 2 ? <h4 key={key}>{inline(t.tokens)}</h4> : <h5 key={key}>{inline(t.tokens)}</h5>;
    case 'paragraph':
      return <p key={key}>{inline(t.tokens ?? [])}</p>;
    case 'list': {
      const items = t.items.map((item, j) => <li key={j}>{blocks(item.tokens)}</li>);
      return t.ordered ? <ol key={key}>{items}</ol> : <ul key={key}>{items}</ul>;
    }
    case 'code':
      return (
        <code key={key} className="note-code">
          {t.text}
        </code>
      );
    case 'blockquote':
      return <blockquote key={key}>{blocks(t.tokens)}</blockquote>;
    case 'hr':
      return <hr key={key} />;
    case 'space':
      return null;
    case 'text':
      return <span key={key}>{t.tokens ? inline(t.tokens) : t.text}</span>;
    default:
      return <span key={key}>{t.raw}</span>;
  }
}

function inline(tokens: readonly Token[]): ReactNode[] {
  return tokens.map((t, i) => {
    if (!known(t)) return t.raw;
    switch (t.type) {
      case 'strong':
        return <strong key={i}>{inline(t.tokens)}</strong>;
      case 'em':
        return <em key={i}>{inline(t.tokens)}</em>;
      case 'del':
        return <del key={i}>{inline(t.tokens)}</del>;
      case 'codespan':
        return <code key={i}>{t.text}</code>;
      case 'br':
        return <br key={i} />;
      case 'link':
        return SAFE_URL.test(t.href) ? (
          <a key={i} href={t.href} target="_blank" rel="noopener noreferrer nofollow">
            {inline(t.tokens)}
          </a>
        ) : (
          <span key={i}>{inline(t.tokens)}</span>
        );
      case 'text':
        return t.tokens ? <span key={i}>{inline(t.tokens)}</span> : t.text;
      case 'escape':
        return t.text;
      default:
        return t.raw;
    }
  });
}
