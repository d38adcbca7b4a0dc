import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { NoteMarkdown } from './NoteMarkdown.js';

const html = (text: string) => renderToStaticMarkup(<NoteMarkdown text={text} />);

describe('sticky note Markdown', () => {
  it('renders headings, emphasis, lists and code', () => {
    expect(html('## Why\nThe **writer** drafts, _then_ `review`.\n\n- one\n- two')).toBe(
      '<h4>Why</h4><p>The <strong>writer</strong> drafts, <em>then</em> <code>review</code>.</p><ul><li><span>one</span></li><li><span>two</span></li></ul>',
    );
  });

  it('never injects HTML and links only to http(s) and mailto', () => {
    const out = html('<img src=x onerror=alert(1)> [a](javascript:alert(1)) [b](https://example.com)');
    expect(out).not.toContain('<img');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).not.toContain('href="javascript');
    expect(out).toContain('<a href="https://example.com" target="_blank" rel="noopener noreferrer nofollow">b</a>');
  });
});
