import { useRun, useTimeline } from '../stores/app-stores.js';
import { selectedCheckpoint } from '../stores/timeline-store.js';
import { ChannelValues } from './ChannelValues.js';

/** The state at the paused (or selected) checkpoint, channel by channel. */
export function StatePanel() {
  const paused = useRun((s) => s.run?.paused?.checkpointId);
  const checkpoint = useTimeline(
    (s) => (paused ? s.timeline.byId.get(paused)?.checkpoint : undefined) ?? selectedCheckpoint(s),
  );
  if (!checkpoint) return null;
  return (
    <section
      className="card debug-section stack"
      data-testid="state-panel"
      data-checkpoint-id={checkpoint.checkpointId}
    >
      <div className="row">
        <h3 className="grow">
          {paused === checkpoint.checkpointId ? 'Current state' : 'State at selected checkpoint'}
        </h3>
        <span className="faint small">step {checkpoint.step}</span>
      </div>
      <ChannelValues values={checkpoint.values} compact />
    </section>
  );
}
