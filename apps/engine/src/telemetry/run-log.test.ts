import { describe, expect, it } from 'vitest';
import { createLogger } from '../server/logger.js';
import { RunLog } from './run-log.js';
import { runTraceId } from './trace-spans.js';

describe('RunLog', () => {
  it('writes one JSON line per run transition with runId, threadId, workflowId, worker and the trace id', () => {
    const lines: string[] = [];
    const log = new RunLog(
      createLogger('info', (line) => void lines.push(line)),
      'w-1',
      true,
    );
    const base = { runId: 'r1', ts: new Date().toISOString() };
    log.onEvent({ ...base, seq: 1, type: 'run.started', threadId: 't1', workflowId: 'wf', input: { secret: 'no' } });
    log.onEvent({ ...base, seq: 2, type: 'run.completed', output: { big: 'payload' }, durationMs: 12 });
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'run started',
        runId: 'r1',
        threadId: 't1',
        workflowId: 'wf',
        worker: 'w-1',
        traceId: runTraceId('r1'),
      }),
      expect.objectContaining({ msg: 'run completed', runId: 'r1', threadId: 't1', durationMs: 12 }),
    ]);
    expect(lines.join('\n')).not.toContain('payload');
    expect(lines.join('\n')).not.toContain('"secret"');
  });
});
