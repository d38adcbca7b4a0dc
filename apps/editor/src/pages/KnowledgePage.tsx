import { useCallback, useEffect, useState } from 'react';
import type { KnowledgeContentType, KnowledgeQueryResult } from '@flowcraft/schema';
import { errorMessage } from '../api/http.js';
import {
  addKnowledgeDocument,
  createKnowledgeBase,
  deleteKnowledgeBase,
  deleteKnowledgeDocument,
  getKnowledgeBase,
  listKnowledgeBases,
  queryKnowledgeBase,
} from '../api/knowledge-api.js';
import type { KnowledgeBase, KnowledgeDocument } from '../api/knowledge-api.js';
import { navigate } from '../controllers/navigation.js';
import { toast } from '../stores/app-stores.js';
import { ThemeToggle } from '../ui/ThemeToggle.js';
import './knowledge.css';

type Detail = { base: KnowledgeBase; documents: KnowledgeDocument[] };

/**
 * Knowledge bases: create one (name, embedding model, chunking), add text / Markdown / HTML documents
 * (typed or from a file), and try a query — the chunks it returns, with score and citation, are what a
 * `retrieve` node would write.
 */
export function KnowledgePage({ selected }: { selected: string | undefined }) {
  const [bases, setBases] = useState<KnowledgeBase[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const reload = useCallback(async () => {
    try {
      setBases((await listKnowledgeBases()).items);
      setError(undefined);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  return (
    <div className="page list-view" data-testid="knowledge-page">
      <header className="topbar">
        <button
          type="button"
          className="btn ghost"
          onClick={() => navigate({ page: 'list' })}
          data-testid="back-to-workflows"
        >
          ← Workflows
        </button>
        <div className="brand">Knowledge</div>
        <span className="spacer" />
        <ThemeToggle />
      </header>
      <main className="list-page knowledge-layout">
        <aside className="card knowledge-bases" aria-label="Knowledge bases">
          <h1>Knowledge bases</h1>
          {error && <div className="banner error">Cannot reach the engine: {error}</div>}
          {bases === undefined && !error && <div className="empty">Loading…</div>}
          {bases?.length === 0 && <div className="empty">No knowledge base yet.</div>}
          <ul className="kb-list">
            {bases?.map((b) => (
              <li key={b.id}>
                <button
                  type="button"
                  className={`kb-item${b.id === selected ? ' active' : ''}`}
                  onClick={() => navigate({ page: 'knowledge', knowledgeBaseId: b.id })}
                  data-testid="kb-item"
                >
                  <strong>{b.name}</strong>
                  <span className="muted small">
                    {b.documentCount} documents · {b.chunkCount} chunks · {b.embeddingModel}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          <CreateBaseForm
            onCreated={async (b) => {
              await reload();
              navigate({ page: 'knowledge', knowledgeBaseId: b.id });
            }}
          />
        </aside>
        <section className="knowledge-detail">
          {selected === undefined ? (
            <div className="card empty">Choose a knowledge base, or create one.</div>
          ) : (
            <BaseDetail key={selected} id={selected} onChanged={reload} />
          )}
        </section>
      </main>
    </div>
  );
}

function CreateBaseForm({ onCreated }: { onCreated: (b: KnowledgeBase) => Promise<void> }) {
  const [name, setName] = useState('');
  const [model, setModel] = useState('scripted:embed');
  const [chunkSize, setChunkSize] = useState(800);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (name.trim() === '') return;
    setBusy(true);
    try {
      const b = await createKnowledgeBase({
        name: name.trim(),
        embeddingModel: model.trim(),
        chunkSize,
        chunkOverlap: Math.min(100, Math.floor(chunkSize / 5)),
      });
      setName('');
      await onCreated(b);
    } catch (err) {
      toast('error', errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="kb-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>New knowledge base</h2>
      <label>
        Name
        <input className="input" value={name} onChange={(e) => setName(e.target.value)} data-testid="kb-name" />
      </label>
      <label>
        Embedding model
        <input className="input" value={model} onChange={(e) => setModel(e.target.value)} data-testid="kb-model" />
        <span className="muted small">
          provider:model — e.g. openai:text-embedding-3-small; scripted:embed works offline
        </span>
      </label>
      <label>
        Chunk size (characters)
        <input
          className="input"
          type="number"
          min={50}
          max={8000}
          value={chunkSize}
          onChange={(e) => setChunkSize(Number(e.target.value) || 800)}
        />
      </label>
      <button type="submit" className="btn primary" disabled={busy || name.trim() === ''} data-testid="kb-create">
        Create
      </button>
    </form>
  );
}

function BaseDetail({ id, onChanged }: { id: string; onChanged: () => Promise<void> }) {
  const [detail, setDetail] = useState<Detail | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = useCallback(async () => {
    try {
      setDetail(await getKnowledgeBase(id));
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);
  if (error) return <div className="card banner error">{error}</div>;
  if (!detail) return <div className="card empty">Loading…</div>;
  const { base, documents } = detail;
  const changed = async () => {
    await load();
    await onChanged();
  };
  return (
    <>
      <div className="card kb-head">
        <div className="row">
          <h2 data-testid="kb-title">{base.name}</h2>
          <span className="spacer" />
          <button
            type="button"
            className="btn danger small"
            onClick={async () => {
              if (!window.confirm(`Delete "${base.name}" with its ${documents.length} documents?`)) return;
              try {
                await deleteKnowledgeBase(base.id);
                await onChanged();
                navigate({ page: 'knowledge', knowledgeBaseId: undefined });
              } catch (err) {
                toast('error', errorMessage(err));
              }
            }}
          >
            Delete
          </button>
        </div>
        <p className="muted small">
          id <code>{base.id}</code> · {base.embeddingModel} ({base.dimensions} dimensions) · chunks of {base.chunkSize}{' '}
          characters · search: {base.search === 'hnsw' ? 'pgvector HNSW index' : 'exact scan'}
        </p>
      </div>
      <div className="card">
        <h3>Documents ({documents.length})</h3>
        {documents.length === 0 && <div className="empty">No documents yet: add one below.</div>}
        <table className="kb-docs">
          <tbody>
            {documents.map((d) => (
              <tr key={d.id} data-testid="doc-row">
                <td>{d.source}</td>
                <td className="muted small">{d.contentType}</td>
                <td className="muted small">
                  {d.chunkCount} chunks · {d.chars} chars
                </td>
                <td>
                  <button
                    type="button"
                    className="btn ghost small"
                    aria-label={`Delete ${d.source}`}
                    onClick={async () => {
                      try {
                        await deleteKnowledgeDocument(base.id, d.id);
                        await changed();
                      } catch (err) {
                        toast('error', errorMessage(err));
                      }
                    }}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <AddDocumentForm baseId={base.id} onAdded={changed} />
      </div>
      <QueryBox baseId={base.id} />
    </>
  );
}

function typeOf(name: string): KnowledgeContentType | undefined {
  if (/\.(md|markdown)$/i.test(name)) return 'text/markdown';
  if (/\.html?$/i.test(name)) return 'text/html';
  return undefined;
}

function AddDocumentForm({ baseId, onAdded }: { baseId: string; onAdded: () => Promise<void> }) {
  const [source, setSource] = useState('');
  const [content, setContent] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      const type = typeOf(source);
      const res = await addKnowledgeDocument(baseId, {
        source: source.trim(),
        content,
        ...(type ? { contentType: type } : {}),
      });
      toast('success', `${res.document.source}: ${res.status}, ${res.document.chunkCount} chunks`);
      setSource('');
      setContent('');
      await onAdded();
    } catch (err) {
      toast('error', errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="kb-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>Add a document</h3>
      <div className="row">
        <input
          className="input"
          placeholder="Name, e.g. faq.md"
          value={source}
          onChange={(e) => setSource(e.target.value)}
          data-testid="doc-source"
        />
        <label className="btn small">
          From file…
          <input
            type="file"
            accept=".txt,.md,.markdown,.html,.htm,text/*"
            hidden
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              setSource(file.name);
              setContent(await file.text());
            }}
          />
        </label>
      </div>
      <textarea
        className="input"
        rows={6}
        placeholder="Text, Markdown or HTML"
        value={content}
        onChange={(e) => setContent(e.target.value)}
        data-testid="doc-content"
      />
      <button
        type="submit"
        className="btn primary"
        disabled={busy || source.trim() === '' || content === ''}
        data-testid="doc-add"
      >
        {busy ? 'Indexing…' : 'Add and index'}
      </button>
    </form>
  );
}

function QueryBox({ baseId }: { baseId: string }) {
  const [query, setQuery] = useState('');
  const [topK, setTopK] = useState(4);
  const [result, setResult] = useState<KnowledgeQueryResult | undefined>();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      setResult(await queryKnowledgeBase(baseId, { query, topK }));
    } catch (err) {
      toast('error', errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="card">
      <h3>Try a query</h3>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <input
          className="input grow"
          placeholder="Ask something the documents answer"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="query-input"
        />
        <label className="muted small">
          top k{' '}
          <input
            className="input narrow"
            type="number"
            min={1}
            max={50}
            value={topK}
            onChange={(e) => setTopK(Number(e.target.value) || 4)}
          />
        </label>
        <button type="submit" className="btn primary" disabled={busy || query.trim() === ''} data-testid="query-run">
          Search
        </button>
      </form>
      {result && result.chunks.length === 0 && <div className="empty">No matching chunks.</div>}
      <ol className="kb-results">
        {result?.chunks.map((c) => (
          <li key={c.id} data-testid="query-result">
            <div className="row small">
              <strong data-testid="query-citation">{c.citation}</strong>
              <span className="spacer" />
              <span className="muted">score {c.score.toFixed(3)}</span>
            </div>
            <pre className="kb-chunk">{c.content}</pre>
          </li>
        ))}
      </ol>
    </div>
  );
}
