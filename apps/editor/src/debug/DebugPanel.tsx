import { useRun } from '../stores/app-stores.js';
import { InterruptCard } from '../run/InterruptCard.js';
import { RunInputForm } from '../run/RunInputForm.js';
import { DebugControls } from './DebugControls.js';
import { RunsList } from './RunsList.js';
import { StatePanel } from './StatePanel.js';

/** The Debug tab: debug run, breakpoints and stepping, pending human steps, current state, runs. */
export function DebugPanel() {
  const run = useRun((s) => s.run);
  return (
    <div className="debug-panel stack" data-testid="debug-panel">
      <RunInputForm />
      <DebugControls />
      {run && run.interrupts.length > 0 && (
        <section className="card debug-section stack" data-testid="pending-interrupts">
          <h3>Waiting for an answer ({run.interrupts.length})</h3>
          {run.interrupts.map((i) => (
            <InterruptCard key={i.id} runId={run.runId} interrupt={i} />
          ))}
        </section>
      )}
      <StatePanel />
      <RunsList />
    </div>
  );
}
