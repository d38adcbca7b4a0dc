import { useEffect, useMemo, useState } from 'react';
import { WorkflowDocument } from '@flowcraft/schema';
import { errorMessage } from '../api/http.js';
import { getWorkflow, saveWorkflow } from '../api/workflows-api.js';
import { navigate, replaceRoute } from '../controllers/navigation.js';
import { toast } from '../stores/app-stores.js';
import { CodeField } from '../code/CodeField.js';
import { jsonErrorAt, shapeProblems } from '../model/workflow-file.js';
import { obviousFixes } from './recovery.js';
import './workflows.css';

type Loaded = { ok: true; version: number; text: string } | { ok: false; message: string };

/** Problems of the edited text: a JSON syntax error (with line and column), or why it is not a workflow. */
function useProblems(text: string): string[] {
  const [syntax, setSyntax] = useState<string | undefined>();
  const parsed = useMemo((): { ok: true; value: unknown } | { ok: false } => {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      return { ok: false };
    }
  }, [text]);
  useEffect(() => {
    if (parsed.ok) return setSyntax(undefined);
    let alive = true;
    void jsonErrorAt(text).then((e) => alive && setSyntax(`JSON: line ${e.line}, column ${e.column}: ${e.reason}`));
    return () => {
      alive = false;
    };
  }, [parsed, text]);
  if (!parsed.ok) return [syntax ?? 'JSON: invalid'];
  return shapeProblems(parsed.value);
}

/**
 * A stored document the canvas cannot show (an empty name, a wrong shape): its JSON in Monaco with every
 * problem listed, obvious fixes one click away, saved as a new version once it is a workflow again.
 */
export function RecoveryPage({ workflowId }: { workflowId: string }) {
  const [loaded, setLoaded] = useState<Loaded | undefined>();
  const [text, setText] = useState('');
  const [editorKey, setEditorKey] = useState(0);
  const [saving, setSaving] = useState(false);
  const problems = useProblems(text);

  useEffect(() => {
    getWorkflow(workflowId).then(
      (wf) => {
        const t = JSON.stringify(wf.document, null, 2);
        setLoaded({ ok: true, version: wf.version, text: t });
        setText(t);
      },
      (err: unknown) => setLoaded({ ok: false, message: errorMessage(err) }),
    );
  }, [workflowId]);

  const replaceText = (t: string) => {
    setText(t);
    setEditorKey((k) => k + 1);
  };
  const fix = () => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    replaceText(JSON.stringify(obviousFixes(value, workflowId), null, 2));
  };
  const save = async () => {
    if (!loaded?.ok) return;
    const parsed = WorkflowDocument.safeParse(JSON.parse(text));
    if (!parsed.success) return;
    setSaving(true);
    try {
      await saveWorkflow(workflowId, parsed.data, loaded.version, 'recovered in the editor');
      toast('success', 'Saved. The workflow opens on the canvas again.');
      replaceRoute({ page: 'editor', workflowId, version: undefined });
    } catch (err) {
      toast('error', `Save failed: ${errorMessage(err)}`);
      setSaving(false);
    }
  };

  return (
    <div className="page list-view" data-testid="recovery-page">
      <header className="topbar">
        <button type="button" className="btn ghost" onClick={() => navigate({ page: 'list' })} data-testid="back">
          ← Workflows
        </button>
        <span className="spacer" />
      </header>
      <main className="list-page recovery">
        <h1>Repair this workflow</h1>
        <p className="muted">
          This stored document cannot be shown on the canvas. Nothing is lost: fix the problems below in its JSON, then
          save it as a new version.
        </p>
        {loaded === undefined && <div className="empty">Loading…</div>}
        {loaded?.ok === false && <div className="banner error">{loaded.message}</div>}
        {loaded?.ok && (
          <>
            <section className="card recovery-problems" aria-label="Problems">
              {problems.length === 0 ? (
                <div className="ok-text" data-testid="recovery-ok">
                  No problems left: it is a workflow again.
                </div>
              ) : (
                <ul className="problem-list" data-testid="recovery-problems">
                  {problems.map((p) => (
                    <li key={p} className="problem-text">
                      {p}
                    </li>
                  ))}
                </ul>
              )}
              <div className="row">
                <button type="button" className="btn" onClick={fix} data-testid="recovery-fix">
                  Apply the obvious fixes
                </button>
                <button type="button" className="btn ghost" onClick={() => replaceText(loaded.text)}>
                  Start over
                </button>
                <span className="spacer" />
                <button
                  type="button"
                  className="btn primary"
                  disabled={problems.length > 0 || saving}
                  title={problems.length > 0 ? 'Fix the problems first' : undefined}
                  onClick={() => void save()}
                  data-testid="recovery-save"
                >
                  Save and open
                </button>
              </div>
            </section>
            <CodeField
              key={editorKey}
              testId="recovery-json"
              value={text}
              onChange={setText}
              language="javascript"
              height={420}
              plain
              uncontrolled
              invalid={problems.length > 0}
            />
          </>
        )}
      </main>
    </div>
  );
}
