import { useStream } from '@langchain/langgraph-sdk/react';
import { createRoot } from 'react-dom/client';

/**
 * A small app on `useStream` from `@langchain/langgraph-sdk/react`, pointed at the engine's own URL:
 * `?assistant=<workflow id>&messages=<messages channel>`. Bundled by `use-stream.int.test.ts`.
 */
function App() {
  const params = new URLSearchParams(location.search);
  const assistantId = params.get('assistant') ?? 'swarm-handoff';
  const input = JSON.parse(params.get('input') ?? '{}') as Record<string, unknown>;
  const stream = useStream<Record<string, unknown>>({
    apiUrl: location.origin,
    assistantId,
    messagesKey: params.get('messages') ?? 'messages',
  });
  return (
    <main>
      <button
        type="button"
        id="start"
        onClick={() => void stream.submit(input, { streamMode: ['values', 'updates', 'messages-tuple'] })}
      >
        start
      </button>
      <button
        type="button"
        id="approve"
        onClick={() => void stream.submit(undefined, { command: { resume: { action: 'approve' } } })}
      >
        approve
      </button>
      <output id="loading">{stream.isLoading ? 'loading' : 'idle'}</output>
      <output id="error">{stream.error ? String(stream.error) : ''}</output>
      <pre id="interrupt">{stream.interrupt ? JSON.stringify(stream.interrupt.value) : ''}</pre>
      <pre id="values">{JSON.stringify(stream.values)}</pre>
      <ul id="messages">
        {stream.messages.map((m, i) => (
          <li key={m.id ?? i} data-type={m.type}>
            {typeof m.content === 'string' ? m.content : JSON.stringify(m.content)}
          </li>
        ))}
      </ul>
    </main>
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
