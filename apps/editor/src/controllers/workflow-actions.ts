import { WorkflowDocument } from '@flowcraft/schema';
import { ApiError, errorMessage } from '../api/http.js';
import { getVersion, getWorkflow, saveWorkflow } from '../api/workflows-api.js';
import { isDirty } from '../stores/document-store.js';
import { replaceRoute } from './navigation.js';
import { documentStore, draftErrorsStore, problemsStore, sessionStore, toast } from '../stores/app-stores.js';
import { sessionCan } from '../stores/session-store.js';

export type LoadResult = { ok: true } | { ok: false; message: string };

export interface OpenOptions {
  /** Awaited after the fetch, before the document is shown (the node catalog, fetched meanwhile). */
  ready?: Promise<unknown>;
  /** Called with the document just before it is shown (to place the viewport first). */
  beforeShow?: (doc: WorkflowDocument) => void;
}

/** Load a workflow (latest, or an older version read-only) into the document store. */
export async function openWorkflow(workflowId: string, version?: number, opts: OpenOptions = {}): Promise<LoadResult> {
  try {
    const latest = await getWorkflow(workflowId);
    const stored = version !== undefined && version !== latest.version ? await getVersion(workflowId, version) : latest;
    const parsed = WorkflowDocument.safeParse(stored.document);
    if (!parsed.success) {
      // Nothing stored is unreachable: the latest version opens as JSON to repair.
      if (version === undefined || version === latest.version) replaceRoute({ page: 'recover', workflowId });
      return {
        ok: false,
        message: `This document cannot be shown on the canvas: ${parsed.error.issues[0]?.message ?? 'invalid shape'}`,
      };
    }
    await opts.ready;
    opts.beforeShow?.(parsed.data);
    problemsStore.getState().reset();
    draftErrorsStore.getState().clear();
    documentStore.getState().load(parsed.data, {
      workflowId,
      version: latest.version,
      ...(version !== undefined && version !== latest.version ? { readOnlyVersion: version } : {}),
    });
    return { ok: true };
  } catch (err) {
    return { ok: false, message: errorMessage(err) };
  }
}

/** Save the document as a new version. Returns false when nothing was saved. */
export async function saveCurrent(message?: string): Promise<boolean> {
  const s = documentStore.getState();
  if (!s.workflowId || s.readOnlyVersion !== undefined) return false;
  const drafts = [...draftErrorsStore.getState().errors.values()];
  if (drafts.length > 0) {
    toast('error', `Not saved: fix the highlighted field first (${drafts[0]}).`);
    return false;
  }
  if (!isDirty(s)) return true;
  if (!sessionCan(sessionStore.getState(), 'workflows:write')) {
    toast('info', 'Read only: your role cannot save workflows (the saved version is used).');
    return true;
  }
  const snapshot = s.doc;
  try {
    const saved = await saveWorkflow(s.workflowId, snapshot, s.version || undefined, message);
    documentStore.getState().markSaved(snapshot, saved.version);
    toast('success', `Saved version ${saved.version}${saved.valid ? '' : ' (draft with problems)'}`);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'conflict')
      toast('error', 'Someone saved a newer version; reload to see it before saving.');
    else toast('error', `Save failed: ${errorMessage(err)}`);
    return false;
  }
}

/** Save an older version's document as the newest version. */
export async function restoreVersion(): Promise<boolean> {
  const s = documentStore.getState();
  if (!s.workflowId || s.readOnlyVersion === undefined) return false;
  try {
    const saved = await saveWorkflow(s.workflowId, s.doc, s.version, `restored version ${s.readOnlyVersion}`);
    documentStore.getState().load(s.doc, { workflowId: s.workflowId, version: saved.version });
    toast('success', `Restored version ${s.readOnlyVersion} as version ${saved.version}`);
    return true;
  } catch (err) {
    toast('error', `Restore failed: ${errorMessage(err)}`);
    return false;
  }
}
