import { useState } from 'react';
import { statusWord } from '../model/status-words.js';
import { Markdown } from './Markdown.js';
import type { Turn } from './playground-store.js';

function ms(d: number | undefined): string {
  return d === undefined ? '' : d < 1000 ? `${Math.round(d)} ms` : `${(d / 1000).toFixed(1)} s`;
}

/** One exchange: the user's message, the node steps (collapsible), the answer (Markdown or raw JSON). */
export function TurnView({ turn, streaming }: { turn: Turn; streaming: string }) {
  const [raw, setRaw] = useState(false);
  const ended = turn.status !== undefined;
  return (
    <li className="turn" data-testid="chat-turn" data-status={turn.status ?? 'running'} data-run-id={turn.runId ?? ''}>
      <div className="bubble user" data-testid="chat-user">
        {turn.text}
      </div>
      {turn.steps.length > 0 && (
        <details className="steps" data-testid="chat-steps">
          <summary>
            {turn.steps.length} step{turn.steps.length === 1 ? '' : 's'}
            {ended ? ` · ${statusWord(turn.status ?? '')}` : ' · running…'}
          </summary>
          <ul>
            {turn.steps.map((s) => (
              <li key={s.nodeId} className="row">
                <span className={`pill ${s.status}`}>{statusWord(s.status)}</span>
                <span className="grow truncate">{s.label}</span>
                <span className="faint small">{ms(s.durationMs)}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
      <div className={`bubble assistant${turn.error ? ' error' : ''}`} data-testid="chat-assistant">
        {!ended && (streaming ? <p className="streaming">{streaming}</p> : <p className="faint">Thinking…</p>)}
        {ended && turn.error && <p className="problem-text">{turn.error}</p>}
        {ended &&
          !turn.error &&
          (raw || turn.reply === undefined ? (
            <pre className="code-snippet" data-testid="chat-raw">
              {JSON.stringify(turn.output ?? null, null, 2)}
            </pre>
          ) : (
            <Markdown text={turn.reply} testId="chat-reply" />
          ))}
        {ended && turn.output !== undefined && turn.reply !== undefined && (
          <button
            type="button"
            className="btn ghost small"
            onClick={() => setRaw(!raw)}
            data-testid="chat-toggle-raw"
            aria-pressed={raw}
          >
            {raw ? 'Show answer' : 'Raw JSON'}
          </button>
        )}
      </div>
    </li>
  );
}
