import type { CaseChange, CaseResult, ComparisonRow, Experiment, ExperimentComparison } from './experiment.js';

const ORDER: Record<CaseChange, number> = {
  regression: 0,
  still_failing: 1,
  fixed: 2,
  added: 3,
  removed: 4,
  still_passing: 5,
};

function side(r: CaseResult | undefined): ComparisonRow['base'] {
  if (!r) return null;
  return {
    status: r.status,
    score: r.score,
    reason: r.reason,
    runId: r.runId,
    costUsd: r.costUsd,
    durationMs: r.durationMs,
  };
}

function change(base: CaseResult | undefined, head: CaseResult | undefined): CaseChange {
  if (!base) return 'added';
  if (!head) return 'removed';
  const b = base.status === 'passed';
  const h = head.status === 'passed';
  if (b && !h) return 'regression';
  if (!b && h) return 'fixed';
  return h ? 'still_passing' : 'still_failing';
}

/**
 * Case-by-case comparison of two experiments (usually two versions over one dataset), matched by
 * case id: regressions first, then cases failing on both, fixes, added and removed cases, and the
 * unchanged passes last; by case name within a group.
 */
export function compareExperiments(
  base: Experiment,
  baseResults: CaseResult[],
  head: Experiment,
  headResults: CaseResult[],
): ExperimentComparison {
  const byBase = new Map(baseResults.map((r) => [r.caseId, r]));
  const byHead = new Map(headResults.map((r) => [r.caseId, r]));
  const ids = [...new Set([...byBase.keys(), ...byHead.keys()])];
  const rows: ComparisonRow[] = ids.map((caseId) => {
    const b = byBase.get(caseId);
    const h = byHead.get(caseId);
    return { caseId, caseName: (h ?? b)?.caseName ?? caseId, change: change(b, h), base: side(b), head: side(h) };
  });
  rows.sort((x, y) => ORDER[x.change] - ORDER[y.change] || x.caseName.localeCompare(y.caseName));
  const counts: Record<CaseChange, number> = {
    regression: 0,
    still_failing: 0,
    fixed: 0,
    added: 0,
    removed: 0,
    still_passing: 0,
  };
  for (const row of rows) counts[row.change] += 1;
  return { base, head, counts, rows };
}
