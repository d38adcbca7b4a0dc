import { useCallback, useEffect, useState } from 'react';
import { applyProgress, watchExperiment } from '../api/experiment-socket.js';
import type {
  CaseResult,
  Dataset,
  Experiment,
  ExperimentComparison,
  ExperimentDetail,
  TestCase,
} from '@flowcraft/schema';
import {
  compareExperiments,
  createDataset,
  deleteCase,
  exportUrl,
  getExperiment,
  importCases,
  listCases,
  listDatasets,
  listExperiments,
  rerunCase,
  startExperiment,
} from '../api/evaluations-api.js';
import { errorMessage } from '../api/http.js';
import { getWorkflow } from '../api/workflows-api.js';
import { navigate } from '../controllers/navigation.js';
import { routeHash } from '../controllers/route.js';
import { toast } from '../stores/app-stores.js';
import { ThemeToggle } from '../ui/ThemeToggle.js';

const fmtMs = (ms: number | null) =>
  ms === null ? '—' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
const fmtCost = (usd: number | null) => (usd === null ? '—' : `$${usd.toFixed(4)}`);
const fmtScore = (s: number | null) => (s === null ? '—' : s.toFixed(2));

function StatusPill({ status }: { status: string }) {
  const cls = status === 'passed' ? 'ok' : status === 'failed' ? 'error' : '';
  return <span className={`pill ${cls}`}>{status}</span>;
}

function RunLink({ workflowId, version, runId }: { workflowId: string; version: number; runId: string | null }) {
  if (!runId) return <span className="faint">—</span>;
  return (
    <a
      href={routeHash({ page: 'editor', workflowId, version, runId })}
      data-testid="open-case-run"
      title="Open this run in the debugger"
    >
      debug ↗
    </a>
  );
}

/** One experiment's results: pass/fail, score, cost, latency, reason, a link into the debugger, re-run. */
function ResultsTable({ detail, onRerun }: { detail: ExperimentDetail; onRerun: (r: CaseResult) => void }) {
  return (
    <table className="evals-table" data-testid="results-table">
      <thead>
        <tr>
          <th>Case</th>
          <th>Result</th>
          <th>Score</th>
          <th>Cost</th>
          <th>Latency</th>
          <th>Reason</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {detail.results.map((r) => (
          <tr key={r.caseId} data-testid="result-row" data-status={r.status} data-case={r.caseName}>
            <td>{r.caseName}</td>
            <td>
              <StatusPill status={r.status} />
            </td>
            <td>{fmtScore(r.score)}</td>
            <td>{fmtCost(r.costUsd)}</td>
            <td>{fmtMs(r.durationMs)}</td>
            <td
              className="small reason"
              title={r.results.map((x) => `${x.pass ? '✓' : '✗'} ${x.label}: ${x.reason}`).join('\n')}
            >
              {r.reason ?? ''}
            </td>
            <td className="row">
              <RunLink workflowId={detail.workflowId} version={detail.workflowVersion} runId={r.runId} />
              <button
                type="button"
                className="btn ghost small"
                disabled={r.status === 'running' || r.status === 'pending'}
                onClick={() => onRerun(r)}
              >
                re-run
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Two experiments side by side, regressions first. */
function ComparisonTable({ cmp }: { cmp: ExperimentComparison }) {
  const side = (e: Experiment, s: ExperimentComparison['rows'][number]['base']) =>
    s ? (
      <span className="row">
        <StatusPill status={s.status} /> {fmtScore(s.score)}{' '}
        <RunLink workflowId={e.workflowId} version={e.workflowVersion} runId={s.runId} />
      </span>
    ) : (
      <span className="faint">—</span>
    );
  return (
    <div className="stack" data-testid="comparison">
      <div className="small" data-testid="comparison-counts">
        {cmp.counts.regression} regression(s) · {cmp.counts.fixed} fixed · {cmp.counts.still_failing} still failing ·{' '}
        {cmp.counts.still_passing} still passing
      </div>
      <table className="evals-table">
        <thead>
          <tr>
            <th>Change</th>
            <th>Case</th>
            <th>
              {cmp.base.name} (v{cmp.base.workflowVersion})
            </th>
            <th>
              {cmp.head.name} (v{cmp.head.workflowVersion})
            </th>
            <th>Reason now</th>
          </tr>
        </thead>
        <tbody>
          {cmp.rows.map((r) => (
            <tr key={r.caseId} data-testid="comparison-row" data-change={r.change} data-case={r.caseName}>
              <td>
                <span className={`pill change-${r.change}`}>{r.change.replace('_', ' ')}</span>
              </td>
              <td>{r.caseName}</td>
              <td>{side(cmp.base, r.base)}</td>
              <td>{side(cmp.head, r.head)}</td>
              <td className="small reason">{r.head?.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CasesTable({ cases, onDelete }: { cases: TestCase[]; onDelete: (c: TestCase) => void }) {
  if (cases.length === 0)
    return <div className="empty small">No test cases yet. Save one from the debugger, or import JSONL.</div>;
  return (
    <table className="evals-table" data-testid="cases-table">
      <thead>
        <tr>
          <th>Case</th>
          <th>Tags</th>
          <th>Starts from</th>
          <th>Checks</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {cases.map((c) => (
          <tr key={c.id} data-testid="case-row" data-case={c.name}>
            <td>{c.name}</td>
            <td className="small">{c.tags.join(', ')}</td>
            <td className="small">{c.from ? `checkpoint (${c.source.kind})` : 'input'}</td>
            <td className="small">{c.assertions.length + (c.expected ? 1 : 0)}</td>
            <td>
              <button type="button" className="btn ghost small" onClick={() => onDelete(c)}>
                delete
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One line of the import format, shown in the empty import box. */
const IMPORT_EXAMPLE =
  '{"name": "a case", "input": {"topic": "tides"}, "assertions": [{"type": "node_ran", "nodeId": "writer"}]}';

/** `#/w/<id>/evals`: datasets of test cases, experiments over a version, results and comparisons. */
export function EvaluationsPage({ workflowId }: { workflowId: string }) {
  const [name, setName] = useState('');
  const [latest, setLatest] = useState(1);
  const [datasets, setDatasets] = useState<Dataset[]>([]);
  const [datasetId, setDatasetId] = useState<string | undefined>();
  const [cases, setCases] = useState<TestCase[]>([]);
  const [search, setSearch] = useState('');
  const [experiments, setExperiments] = useState<Experiment[]>([]);
  const [selected, setSelected] = useState<ExperimentDetail | undefined>();
  const [picked, setPicked] = useState<string[]>([]);
  const [cmp, setCmp] = useState<ExperimentComparison | undefined>();
  const [version, setVersion] = useState('');
  const [concurrency, setConcurrency] = useState('4');
  const [newName, setNewName] = useState('');
  const [jsonl, setJsonl] = useState('');
  const fail = (err: unknown) => toast('error', errorMessage(err));

  const loadDatasets = useCallback(async () => {
    const list = await listDatasets(workflowId);
    setDatasets(list);
    setDatasetId((cur) => cur ?? list[0]?.id);
  }, [workflowId]);
  useEffect(() => {
    void getWorkflow(workflowId).then((w) => {
      setName(w.name);
      setLatest(w.version);
    }, fail);
    void loadDatasets().catch(fail);
  }, [workflowId, loadDatasets]);

  const loadDataset = useCallback(async () => {
    if (!datasetId) return;
    const [c, e] = await Promise.all([listCases(datasetId, search ? { q: search } : {}), listExperiments(datasetId)]);
    setCases(c);
    setExperiments(e);
  }, [datasetId, search]);
  useEffect(() => {
    void loadDataset().catch(fail);
  }, [loadDataset]);

  // Progress: streamed (Socket.IO `watchExperiment`) while the selected experiment runs.
  const selectedId = selected?.id;
  const running = selected?.status === 'running';
  useEffect(() => {
    if (!selectedId || !running) return;
    const watch = watchExperiment({
      experimentId: selectedId,
      onProgress: (progress) => {
        setSelected((cur) => (cur && cur.id === progress.experiment.id ? applyProgress(cur, progress) : cur));
        if (progress.experiment.status !== 'running') void loadDataset();
      },
      onError: fail,
    });
    return () => watch.close();
  }, [selectedId, running, loadDataset]);

  const run = async () => {
    if (!datasetId) return;
    try {
      const exp = await startExperiment({
        workflowId,
        datasetId,
        concurrency: Math.max(1, Number(concurrency) || 4),
        ...(version ? { version: Number(version) } : {}),
      });
      setSelected(await getExperiment(exp.id));
      setCmp(undefined);
      await loadDataset();
    } catch (err) {
      fail(err);
    }
  };

  const dataset = datasets.find((d) => d.id === datasetId);
  return (
    <div className="page list-view" data-testid="evals-page">
      <header className="topbar">
        <button
          type="button"
          className="btn ghost"
          onClick={() => navigate({ page: 'editor', workflowId, version: undefined })}
          data-testid="back-to-editor"
        >
          ← Editor
        </button>
        <h1 className="brand evals-title">Tests · {name}</h1>
        <span className="spacer" />
        <ThemeToggle />
      </header>
      <div className="evals-columns evals-page">
        <aside className="stack">
          <h2>Datasets</h2>
          {datasets.length === 0 && (
            <p className="muted small" data-testid="datasets-empty">
              A dataset holds this workflow's test cases: an input (or a checkpoint to start from) and what the result
              must satisfy. Add one here, then save cases from a run in the debugger (Save as test case) or import
              JSONL; run them against any version and compare.
            </p>
          )}
          {datasets.map((d) => (
            <button
              type="button"
              key={d.id}
              className={`btn ghost small dataset-item${d.id === datasetId ? ' active' : ''}`}
              data-testid="dataset-item"
              onClick={() => {
                setDatasetId(d.id);
                setSelected(undefined);
                setCmp(undefined);
                setPicked([]);
              }}
            >
              {d.name} <span className="faint">({d.caseCount})</span>
            </button>
          ))}
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              if (!newName.trim()) return;
              void createDataset(workflowId, newName.trim()).then(async (d) => {
                setNewName('');
                setDatasetId(d.id);
                await loadDatasets();
              }, fail);
            }}
          >
            <input
              className="input"
              placeholder="New dataset"
              value={newName}
              onChange={(e) => setNewName(e.target.value)}
              data-testid="new-dataset-name"
            />
            <button type="submit" className="btn small">
              Add
            </button>
          </form>
        </aside>
        {dataset && (
          <main className="stack grow">
            <section className="stack">
              <div className="row wrap">
                <h2 className="grow">{dataset.name}</h2>
                <input
                  className="input evals-search"
                  placeholder="Search cases"
                  value={search}
                  onChange={(e) => setSearch(e.target.value)}
                  data-testid="case-search"
                />
                <a className="btn small" href={exportUrl(dataset.id)} download>
                  Export JSONL
                </a>
              </div>
              <CasesTable cases={cases} onDelete={(c) => void deleteCase(dataset.id, c.id).then(loadDataset, fail)} />
              <details>
                <summary className="small">Import JSONL</summary>
                <textarea
                  rows={4}
                  className="mono nokey evals-import"
                  placeholder={IMPORT_EXAMPLE}
                  value={jsonl}
                  onChange={(e) => setJsonl(e.target.value)}
                  data-testid="import-jsonl"
                />
                <button
                  type="button"
                  className="btn small"
                  onClick={() =>
                    void importCases(dataset.id, jsonl).then(async (added) => {
                      toast('success', `${added.length} case(s) imported`);
                      setJsonl('');
                      await Promise.all([loadDataset(), loadDatasets()]);
                    }, fail)
                  }
                >
                  Import
                </button>
              </details>
            </section>
            <section className="row wrap">
              <label className="row small">
                Version
                <input
                  type="number"
                  min={1}
                  max={latest}
                  placeholder={`latest (${latest})`}
                  value={version}
                  onChange={(e) => setVersion(e.target.value)}
                  data-testid="run-version"
                />
              </label>
              <label className="row small">
                Concurrency
                <input
                  type="number"
                  min={1}
                  max={200}
                  value={concurrency}
                  onChange={(e) => setConcurrency(e.target.value)}
                />
              </label>
              <button
                type="button"
                className="btn primary small"
                disabled={cases.length === 0}
                onClick={() => void run()}
                data-testid="run-dataset"
              >
                ▶ Run dataset
              </button>
            </section>
            <section className="stack">
              <div className="row">
                <h2 className="grow">Experiments</h2>
                <button
                  type="button"
                  className="btn small"
                  disabled={picked.length !== 2}
                  data-testid="compare-experiments"
                  onClick={() => {
                    const [a, b] = [...picked].sort(
                      (x, y) => experiments.findIndex((e) => e.id === y) - experiments.findIndex((e) => e.id === x),
                    );
                    if (a && b) void compareExperiments(a, b).then(setCmp, fail);
                  }}
                >
                  Compare selected
                </button>
              </div>
              <table className="evals-table" data-testid="experiments-table">
                <tbody>
                  {experiments.map((e) => (
                    <tr
                      key={e.id}
                      data-testid="experiment-row"
                      data-status={e.status}
                      className={selected?.id === e.id ? 'active' : ''}
                    >
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Compare ${e.name}`}
                          data-testid="experiment-pick"
                          checked={picked.includes(e.id)}
                          onChange={(ev) =>
                            setPicked((p) =>
                              ev.target.checked
                                ? [...p.filter((x) => x !== e.id), e.id].slice(-2)
                                : p.filter((x) => x !== e.id),
                            )
                          }
                        />
                      </td>
                      <td>
                        <button
                          type="button"
                          className="btn ghost small"
                          onClick={() => void getExperiment(e.id).then(setSelected, fail)}
                        >
                          {e.name}
                        </button>
                      </td>
                      <td className="small">v{e.workflowVersion}</td>
                      <td className="small" data-testid="experiment-counts">
                        {e.passed} passed, {e.failed} failed{e.pending ? `, ${e.pending} pending` : ''}
                      </td>
                      <td className="small">{fmtCost(e.costUsd)}</td>
                      <td className="small faint">{new Date(e.createdAt).toLocaleString()}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            {cmp && <ComparisonTable cmp={cmp} />}
            {selected && !cmp && (
              <section className="stack">
                <h2>
                  {/* A default name already ends with its version (`dataset · v2`). */}
                  {selected.name.endsWith(` · v${selected.workflowVersion}`)
                    ? selected.name
                    : `${selected.name} · v${selected.workflowVersion}`}{' '}
                  · <span data-testid="selected-status">{selected.status}</span> · {selected.passed}/{selected.total}{' '}
                  passed
                </h2>
                <ResultsTable
                  detail={selected}
                  onRerun={(r) =>
                    void rerunCase(selected.id, r.caseId).then(() => getExperiment(selected.id).then(setSelected), fail)
                  }
                />
              </section>
            )}
          </main>
        )}
      </div>
    </div>
  );
}
