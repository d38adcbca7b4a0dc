import { navigate } from '../controllers/navigation.js';
import { useDocument } from '../stores/app-stores.js';
import { restoreVersion } from '../controllers/workflow-actions.js';
import { replaceRoute } from '../controllers/navigation.js';

export function ReadOnlyBanner() {
  const readOnly = useDocument((s) => s.readOnlyVersion);
  const latest = useDocument((s) => s.version);
  const workflowId = useDocument((s) => s.workflowId);
  if (readOnly === undefined || !workflowId) return null;
  return (
    <div className="banner readonly" data-testid="readonly-banner">
      Viewing version {readOnly} of {latest} (read-only).
      <span className="spacer" />
      <button
        type="button"
        className="btn small primary"
        data-testid="restore-version"
        onClick={() =>
          void restoreVersion().then((ok) => {
            if (ok) replaceRoute({ page: 'editor', workflowId, version: undefined });
          })
        }
      >
        Restore this version
      </button>
      <button
        type="button"
        className="btn small"
        data-testid="back-to-latest"
        onClick={() => navigate({ page: 'editor', workflowId, version: undefined })}
      >
        Back to latest
      </button>
    </div>
  );
}
