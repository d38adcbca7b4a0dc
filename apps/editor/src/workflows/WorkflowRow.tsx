import { errorMessage } from '../api/http.js';
import type { WorkflowSummary } from '../api/schemas.js';
import { confirmDialog, promptDialog, toast } from '../stores/app-stores.js';
import { duplicateWorkflow, exportToFile, removeWorkflow, renameWorkflow } from './workflow-list-actions.js';

interface Props {
  workflow: WorkflowSummary;
  onOpen: () => void;
  /** After a change; with an id to open (a duplicate). */
  onChanged: (openId?: string) => void;
}

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function WorkflowRow({ workflow: wf, onOpen, onChanged }: Props) {
  const act = async (what: string, action: () => Promise<string | void>) => {
    try {
      const id = await action();
      onChanged(typeof id === 'string' ? id : undefined);
    } catch (err) {
      toast('error', `${what} failed: ${errorMessage(err)}`);
    }
  };
  const rename = async () => {
    const name = await promptDialog('Rename workflow', '', wf.name, 'Rename');
    if (name && name !== wf.name) await act('Rename', () => renameWorkflow(wf.id, name));
  };
  const remove = async () => {
    if (
      await confirmDialog(
        'Delete workflow?',
        `"${wf.name}" and all its versions will be deleted. This cannot be undone.`,
        'Delete',
        true,
      )
    ) {
      await act('Delete', () => removeWorkflow(wf.id));
    }
  };
  return (
    <div className="workflow-row" data-testid="workflow-row" data-workflow-id={wf.id}>
      <button type="button" className="workflow-open grow" onClick={onOpen} data-testid="open-workflow">
        <div className="row">
          <strong className="truncate" data-testid="workflow-name">
            {wf.name}
          </strong>
          <span className={`pill ${wf.valid ? 'ok' : 'warn'}`}>{wf.valid ? 'valid' : 'draft'}</span>
        </div>
        <div className="muted small truncate">{wf.description || wf.id}</div>
      </button>
      <span className="faint small nowrap">
        v{wf.version} · {when(wf.updatedAt)}
      </span>
      <div className="row row-actions">
        <button type="button" className="btn ghost small" onClick={() => void rename()} data-testid="rename-workflow">
          Rename
        </button>
        <button
          type="button"
          className="btn ghost small"
          onClick={() => void act('Duplicate', () => duplicateWorkflow(wf))}
          data-testid="duplicate-workflow"
        >
          Duplicate
        </button>
        <button
          type="button"
          className="btn ghost small"
          onClick={() => void act('Export', () => exportToFile(wf))}
          data-testid="export-workflow"
        >
          Export
        </button>
        <button
          type="button"
          className="btn ghost small danger"
          onClick={() => void remove()}
          data-testid="delete-workflow"
        >
          Delete
        </button>
      </div>
    </div>
  );
}
