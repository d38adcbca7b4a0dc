import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { toast, useCatalog, useDocument } from '../stores/app-stores.js';
import { curlSnippet, typescriptSnippet } from '../model/share-snippets.js';
import { parseInput, runInputFields } from '../run/run-inputs.js';
import { runInputsStore } from '../stores/run-inputs-store.js';
import { downloadJson, fileNameFor } from '../model/workflow-file.js';
import './inspector-extras.css';

type Kind = 'curl' | 'typescript';

/** Share a workflow: its JSON as a file, or code that runs it over the API (with the run form's input). */
export function ShareSection() {
  const doc = useDocument((s) => s.doc);
  const workflowId = useDocument((s) => s.workflowId);
  const dirty = useDocument((s) => s.doc !== s.saved);
  const catalog = useCatalog((s) => s.catalog);
  const draft = useStore(runInputsStore, (s) => (workflowId ? s.drafts[workflowId] : undefined));
  const [shown, setShown] = useState<Kind | undefined>();
  const input = useMemo(() => {
    const out: Record<string, unknown> = {};
    for (const f of runInputFields(doc, (t) => catalog?.describe(t)?.role === 'start')) {
      const r = parseInput(f, draft?.[f.channel] ?? f.initial);
      out[f.channel] = r.ok && r.value !== undefined ? r.value : f.type === 'string' ? `your ${f.label}` : null;
    }
    return out;
  }, [doc, catalog, draft]);
  if (!workflowId) return null;
  const args = { origin: location.origin, workflowId, input };
  const text = shown === 'curl' ? curlSnippet(args) : shown === 'typescript' ? typescriptSnippet(args) : '';
  const copy = async (kind: Kind) => {
    setShown(kind);
    const snippet = kind === 'curl' ? curlSnippet(args) : typescriptSnippet(args);
    try {
      await navigator.clipboard.writeText(snippet);
      toast('success', `Copied as ${kind === 'curl' ? 'curl' : 'TypeScript'}`);
    } catch {
      toast('info', 'Select the code below to copy it (the clipboard is not available here).');
    }
  };
  return (
    <section className="inspector-section" data-testid="share-section">
      <h3>Share</h3>
      <div className="row wrap">
        <button
          type="button"
          className="btn small"
          data-testid="export-json"
          onClick={() => downloadJson(fileNameFor(doc.name), doc)}
        >
          Export JSON
        </button>
        <button type="button" className="btn small" data-testid="copy-curl" onClick={() => void copy('curl')}>
          Copy as curl
        </button>
        <button
          type="button"
          className="btn small"
          data-testid="copy-typescript"
          onClick={() => void copy('typescript')}
        >
          Copy as TypeScript
        </button>
      </div>
      {dirty && <div className="faint small">Runs use the last saved version; save first to share your changes.</div>}
      {text && (
        <pre className="code-snippet nokey" data-testid="share-snippet">
          {text}
        </pre>
      )}
    </section>
  );
}
