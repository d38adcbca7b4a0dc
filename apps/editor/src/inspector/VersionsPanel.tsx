import { useEffect, useState } from 'react';
import { errorMessage } from '../api/http.js';
import { listVersions } from '../api/workflows-api.js';
import type { WorkflowVersionSummary } from '../api/schemas.js';
import { navigate } from '../controllers/navigation.js';
import { useDocument } from '../stores/app-stores.js';

/** Saved versions, newest first; open an older one read-only (and restore it from there). */
export function VersionsPanel({ workflowId }: { workflowId: string }) {
  const latest = useDocument((s) => s.version);
  const viewing = useDocument((s) => s.readOnlyVersion);
  const [items, setItems] = useState<WorkflowVersionSummary[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    listVersions(workflowId).then(
      (page) => setItems(page.items),
      (err: unknown) => setError(errorMessage(err)),
    );
  }, [workflowId, latest]);
  if (error) return <div className="problem-text">{error}</div>;
  if (!items) return <div className="empty">Loading…</div>;
  return (
    <ul className="version-list" data-testid="version-list">
      {items.map((v) => {
        const current = viewing === undefined ? v.version === latest : v.version === viewing;
        return (
          <li
            key={v.version}
            className={`version-item${current ? ' current' : ''}`}
            data-testid="version-item"
            data-version={v.version}
          >
            <div className="row">
              <strong>v{v.version}</strong>
              <span className={`pill ${v.valid ? 'ok' : 'warn'}`}>{v.valid ? 'valid' : 'draft'}</span>
              <span className="spacer" />
              {current ? (
                <span className="faint small">{v.version === latest ? 'latest' : 'viewing'}</span>
              ) : (
                <button
                  type="button"
                  className="btn small"
                  data-testid="open-version"
                  onClick={() =>
                    navigate({ page: 'editor', workflowId, version: v.version === latest ? undefined : v.version })
                  }
                >
                  {v.version === latest ? 'Open latest' : 'View'}
                </button>
              )}
            </div>
            <div className="faint small">
              {new Date(v.createdAt).toLocaleString()}
              {v.message ? ` · ${v.message}` : ''}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
