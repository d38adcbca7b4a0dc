import { useSyncExternalStore } from 'react';
import { navigate } from './navigation.js';

/** One workflow on the way down to an opened child: where to go back to. */
export interface TrailStep {
  workflowId: string;
  /** The version that was open (undefined = the editable latest). */
  version: number | undefined;
  name: string;
}

/** The open child: the workflow a sub-workflow node called, and the node. */
interface Trail {
  steps: readonly TrailStep[];
  /** The child opened from the last step (the breadcrumb shows while it is the open workflow). */
  child: { workflowId: string; version: number | undefined } | undefined;
}

let trail: Trail = { steps: [], child: undefined };
const listeners = new Set<() => void>();
const set = (next: Trail) => {
  trail = next;
  for (const l of listeners) l();
};

/** Open the workflow a sub-workflow node calls (its pinned version read-only, or the latest), remembering the way back. */
export function openSubworkflow(from: TrailStep, child: { workflowId: string; version: number | undefined }): void {
  // Opening from the child we are in goes one level deeper; from anywhere else a new trail starts.
  const deeper = trail.child?.workflowId === from.workflowId ? trail.steps : [];
  set({ steps: [...deeper, from], child });
  navigate({ page: 'editor', workflowId: child.workflowId, version: child.version });
}

/** Go back to step `index` of the trail (the breadcrumb), dropping the steps after it. */
export function backTo(index: number): void {
  const step = trail.steps[index];
  if (!step) return;
  const steps = trail.steps.slice(0, index);
  const last = steps.at(-1);
  set({ steps, child: last ? { workflowId: step.workflowId, version: step.version } : undefined });
  navigate({ page: 'editor', workflowId: step.workflowId, version: step.version });
}

/** The trail, when the open workflow is the child it leads to (else none: the user went elsewhere). */
export function useTrail(openWorkflowId: string): readonly TrailStep[] {
  const current = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => trail,
  );
  return current.child?.workflowId === openWorkflowId ? current.steps : [];
}
