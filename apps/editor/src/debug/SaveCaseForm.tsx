import { useEffect, useState } from 'react';
import type { Dataset } from '@flowcraft/schema';
import { createDataset, listDatasets, saveRunAsCase } from '../api/evaluations-api.js';
import { errorMessage } from '../api/http.js';
import { toast, useDocument, useRun } from '../stores/app-stores.js';
import { freeDatasetName } from '../model/free-dataset-name.js';

const NEW = '__new__';

/**
 * "Save as test case": the run being debugged (its input and output), or — with a checkpoint —
 * its thread from that checkpoint (an edited fork is replayed exactly), into a dataset of the workflow.
 */
export function SaveCaseForm({ checkpointId, onDone }: { checkpointId?: string; onDone: () => void }) {
  const runId = useRun((s) => s.run?.runId);
  const workflowId = useDocument((s) => s.workflowId);
  const [datasets, setDatasets] = useState<Dataset[] | undefined>();
  const [datasetId, setDatasetId] = useState(NEW);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [fromCheckpoint, setFromCheckpoint] = useState(false);
  useEffect(() => {
    if (!workflowId) return;
    void listDatasets(workflowId).then(
      (list) => {
        setDatasets(list);
        if (list[0]) setDatasetId(list[0].id);
      },
      () => setDatasets([]),
    );
  }, [workflowId]);
  if (!runId || !workflowId) return <div className="faint small">Run the saved workflow first.</div>;
  const newName = freeDatasetName(datasets ?? []);
  const save = async () => {
    setBusy(true);
    try {
      const target = datasetId === NEW ? (await createDataset(workflowId, newName)).id : datasetId;
      await saveRunAsCase(target, {
        runId,
        name: name.trim() || (fromCheckpoint ? 'From a checkpoint' : 'From a run'),
        ...(fromCheckpoint && checkpointId ? { checkpointId } : {}),
      });
      toast('success', 'Saved as a test case');
      onDone();
    } catch (err) {
      toast('error', errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="stack nokey"
      data-testid="save-case-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label className="stack small">
        Case name
        <input data-testid="save-case-name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
      </label>
      <label className="stack small">
        Dataset
        <select data-testid="save-case-dataset" value={datasetId} onChange={(e) => setDatasetId(e.target.value)}>
          {(datasets ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} ({d.caseCount})
            </option>
          ))}
          <option value={NEW}>+ New dataset "{newName}"</option>
        </select>
      </label>
      {checkpointId && (
        <label className="row small">
          <input
            type="checkbox"
            data-testid="save-case-from-checkpoint"
            checked={fromCheckpoint}
            onChange={(e) => setFromCheckpoint(e.target.checked)}
          />
          Continue from this checkpoint (with its edits) instead of the run's input
        </label>
      )}
      <div className="faint small">
        {fromCheckpoint
          ? 'The case continues the thread from this checkpoint.'
          : "The case starts from the run's input (a fork: from the checkpoint it forked) and expects its output."}
      </div>
      <div className="row">
        <button type="submit" className="btn primary small" disabled={busy} data-testid="save-case-submit">
          Save test case
        </button>
        <button type="button" className="btn ghost small" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
