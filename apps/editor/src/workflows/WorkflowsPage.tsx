import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/http.js';
import { listTemplates, listWorkflows } from '../api/workflows-api.js';
import type { Template, WorkflowSummary } from '../api/schemas.js';
import { navigate } from '../controllers/navigation.js';
import { promptDialog, toast, useCan } from '../stores/app-stores.js';
import { ThemeToggle } from '../ui/ThemeToggle.js';
import { UserMenu } from '../ui/UserMenu.js';
import { createEmpty, importFile, createFromTemplate } from './workflow-list-actions.js';
import { WorkflowRow } from './WorkflowRow.js';
import { TemplateCard } from './TemplateCard.js';
import './workflows.css';

/** Rows per page: a screenful or two, so the page is interactive at once; more load on scroll. */
const PAGE = 25;

interface Listing {
  items: WorkflowSummary[];
  nextCursor: string | null;
}

/** The start page: the user's workflows first (the page scrolls), then templates to start from. */
export function WorkflowsPage() {
  const [query, setQuery] = useState('');
  const [listing, setListing] = useState<Listing | undefined>();
  const [templates, setTemplates] = useState<Template[]>([]);
  const [error, setError] = useState<string | undefined>();
  const fileRef = useRef<HTMLInputElement>(null);
  const canWrite = useCan('workflows:write');

  const refresh = useCallback(async (q: string) => {
    try {
      const page = await listWorkflows(q.trim() || undefined, undefined, PAGE);
      setListing({ items: page.items, nextCursor: page.nextCursor });
      setError(undefined);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  const loading = useRef(false);
  const loadMore = useCallback(async () => {
    if (!listing?.nextCursor || loading.current) return;
    loading.current = true;
    try {
      const page = await listWorkflows(query.trim() || undefined, listing.nextCursor, PAGE);
      const seen = new Set(listing.items.map((w) => w.id));
      setListing({
        items: [...listing.items, ...page.items.filter((w) => !seen.has(w.id))],
        nextCursor: page.nextCursor,
      });
    } catch (err) {
      toast('error', `Loading more failed: ${errorMessage(err)}`);
    } finally {
      loading.current = false;
    }
  }, [listing, query]);

  // Scrolling near the end of the list loads the next page (the button stays for keyboard users).
  const moreRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const check = () => {
      const el = moreRef.current;
      if (el && el.getBoundingClientRect().top < window.innerHeight + 400) void loadMore();
    };
    check();
    window.addEventListener('scroll', check, { passive: true });
    return () => window.removeEventListener('scroll', check);
  }, [loadMore]);

  useEffect(() => {
    const t = setTimeout(() => void refresh(query), query ? 200 : 0);
    return () => clearTimeout(t);
  }, [query, refresh]);

  useEffect(() => {
    listTemplates().then(setTemplates, () => setTemplates([]));
  }, []);

  const open = (id: string) => navigate({ page: 'editor', workflowId: id, version: undefined });
  const run = async (what: string, action: () => Promise<string | void>) => {
    try {
      const id = await action();
      if (typeof id === 'string') open(id);
      else await refresh(query);
    } catch (err) {
      toast('error', `${what} failed: ${errorMessage(err)}`);
    }
  };

  const onNew = async () => {
    const name = await promptDialog(
      'New workflow',
      'Give it a name; you can change it later.',
      'Untitled workflow',
      'Create',
    );
    if (name) await run('Create', () => createEmpty(name));
  };

  const items = listing?.items;
  return (
    <div className="page list-view" data-testid="workflows-page">
      <header className="topbar">
        <div className="brand">
          <span className="logo" /> Flowcraft
        </div>
        <span className="spacer" />
        <button
          type="button"
          className="btn ghost"
          onClick={() => navigate({ page: 'knowledge', knowledgeBaseId: undefined })}
          data-testid="open-knowledge"
        >
          Knowledge
        </button>
        <UserMenu />
        <ThemeToggle />
      </header>
      <main className="list-page">
        <div className="row list-head">
          <h1>Workflows</h1>
          <span className="muted small" data-testid="workflow-count">
            {items ? `${items.length}${listing?.nextCursor ? '+' : ''}` : ''}
          </span>
          <span className="spacer" />
          <input
            className="input search"
            placeholder="Search workflows…"
            aria-label="Search workflows"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="workflow-search"
          />
          <button
            type="button"
            className="btn"
            disabled={!canWrite}
            onClick={() => fileRef.current?.click()}
            data-testid="import-workflow"
          >
            Import JSON
          </button>
          <input
            ref={fileRef}
            type="file"
            accept="application/json,.json"
            hidden
            data-testid="import-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void run('Import', () => importFile(file));
            }}
          />
          <button
            type="button"
            className="btn primary"
            disabled={!canWrite}
            onClick={() => void onNew()}
            data-testid="new-workflow"
          >
            New workflow
          </button>
        </div>
        {error && <div className="banner error">Cannot reach the engine: {error}</div>}
        <section className="card workflow-table" data-testid="workflow-list" aria-label="Your workflows">
          {items === undefined && !error && <div className="empty">Loading…</div>}
          {items?.length === 0 && (
            <div className="empty">
              {query ? 'No workflow matches your search.' : 'No workflows yet. Create one or start from a template.'}
            </div>
          )}
          {items?.map((wf) => (
            <WorkflowRow
              key={wf.id}
              workflow={wf}
              onOpen={() => open(wf.id)}
              onChanged={(id) => (id ? open(id) : void refresh(query))}
            />
          ))}
          {listing?.nextCursor && (
            <button
              ref={moreRef}
              type="button"
              className="btn ghost load-more"
              onClick={() => void loadMore()}
              data-testid="load-more"
            >
              Show more workflows
            </button>
          )}
        </section>
        {templates.length > 0 && (
          <section className="templates" aria-labelledby="templates-title">
            <h2 id="templates-title">Start from a template</h2>
            <p className="muted small">Opens a copy you can change; the template stays as it is.</p>
            <div className="template-grid" data-testid="template-list">
              {templates.map((t) => (
                <TemplateCard key={t.id} template={t} onUse={() => void run('Template', () => createFromTemplate(t))} />
              ))}
            </div>
          </section>
        )}
      </main>
    </div>
  );
}
