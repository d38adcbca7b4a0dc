import { useEffect, useRef, useState } from 'react';

type Render = (markdown: string) => string;
let renderer: Promise<Render> | undefined;

/** marked + DOMPurify, loaded on first use (a chunk of their own, not in the initial bundle). */
function loadRenderer(): Promise<Render> {
  renderer ??= Promise.all([import('marked'), import('dompurify')]).then(([{ marked }, { default: purify }]) => {
    return (markdown: string) => purify.sanitize(marked.parse(markdown, { async: false, gfm: true, breaks: true }));
  });
  return renderer;
}

/** Markdown shown as sanitized HTML (plain text until the renderer has loaded). */
export function Markdown({ text, testId }: { text: string; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let alive = true;
    void loadRenderer().then((render) => {
      if (!alive || !ref.current) return;
      ref.current.innerHTML = render(text);
      setReady(true);
    });
    return () => {
      alive = false;
    };
  }, [text]);
  return (
    <div className="markdown" data-testid={testId} data-rendered={ready}>
      {/* Filled with sanitized HTML only; React renders no children into it. */}
      <div ref={ref} hidden={!ready} />
      {!ready && <p className="markdown-plain">{text}</p>}
    </div>
  );
}
